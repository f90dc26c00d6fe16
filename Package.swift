// swift-tools-version: 6.1
// Switchboard: an omnichannel contact-center core. See ARCHITECTURE in README.md for the module map.
import PackageDescription

let package = Package(
    name: "switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
        .library(name: "Routing", targets: ["Routing"]),
        .library(name: "Media", targets: ["Media"]),
        .library(name: "Directory", targets: ["Directory"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", exact: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", exact: "1.3.0"),
        .package(url: "https://github.com/apple/swift-collections.git", exact: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
    ],
    targets: [
        // MARK: C system libraries (pkg-config) and shims
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"]), .brew(["srtp"])]),
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"]), .brew(["opus"])]),
        .target(name: "CMediaShims", dependencies: ["COpenSSL", "COpus", "CSRTP"]),
        // Thread placement for router shards (sched_setaffinity needs _GNU_SOURCE, unseen by Swift's Glibc).
        .target(name: "CRoutingShims"),

        // MARK: Pure cores
        .target(
            name: "Routing",
            dependencies: [
                "CRoutingShims",
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Collections", package: "swift-collections"),
            ]
        ),
        .target(name: "Directory"),
        .target(name: "Channels", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Media", dependencies: ["COpenSSL", "CSRTP", "COpus", "CMediaShims"]),

        // MARK: Adapters
        .target(
            name: "Identity",
            dependencies: [
                "Directory",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Storage",
            dependencies: ["Directory", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "Mail",
            dependencies: [
                "Directory",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Server",
            dependencies: [
                "Directory", "Identity", "Storage", "Mail", "Routing", "Channels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/webchat/widget.js"), .copy("Resources/webchat/widget.css")]
        ),
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "Server", "Identity", "Storage", "Directory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .executableTarget(
            name: "switchboard-media-harness",
            dependencies: ["Media", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
            path: "Sources/MediaHarness"
        ),

        // MARK: Tests
        .testTarget(name: "CLibrariesTests", dependencies: ["COpenSSL", "CSRTP", "COpus", "CMediaShims"]),
        .testTarget(name: "RoutingTests", dependencies: ["Routing"]),
        .testTarget(name: "MediaTests", dependencies: ["Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DirectoryTests", dependencies: ["Directory"]),
        .testTarget(name: "ChannelsTests", dependencies: ["Channels"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Directory"]),
        .testTarget(name: "MailTests", dependencies: ["Mail", "Directory", "Storage"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Directory", "Storage", "Identity",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
