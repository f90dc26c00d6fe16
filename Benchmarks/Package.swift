// swift-tools-version: 6.1
// Benchmarks for Switchboard (ordo-one/benchmark). Run from this folder:
//   swift package --allow-writing-to-package-directory benchmark
// Each benchmark measures our code and its reference (raw library or baseline) in one run.
import PackageDescription

/// SwiftPM names a path dependency after its folder: the root checkout may be called anything
/// (`switchboard`, `wt-routing`, a CI workspace), so take the name of this file's grandparent folder.
let rootPackage: String = {
    let parts = #filePath.split(separator: "/")
    return parts.count >= 3 ? String(parts[parts.count - 3]) : "switchboard"
}()

let package = Package(
    name: "switchboard-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "RoutingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Routing", package: rootPackage),
                "CMallocStats", "BenchmarkSupport",
            ],
            path: "Benchmarks/RoutingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // What both executables share: the clock, paired runs (ours and the reference alternating), percentiles.
        .target(name: "BenchmarkSupport", path: "Benchmarks/BenchmarkSupport"),
        // malloc_trim for the Routing memory figures (RSS growth must not hide in freed memory).
        .target(name: "CMallocStats", path: "Benchmarks/RoutingBenchmarksSystem/CMallocStats"),
        // Raw C libraries for the Media reference measurements (same system libraries Media links).
        .systemLibrary(name: "CBenchSRTP", path: "Benchmarks/MediaBenchmarksSystem/CBenchSRTP", pkgConfig: "libsrtp2"),
        .systemLibrary(name: "CBenchOpus", path: "Benchmarks/MediaBenchmarksSystem/CBenchOpus", pkgConfig: "opus"),
        .systemLibrary(name: "CBenchOpenSSL", path: "Benchmarks/MediaBenchmarksSystem/CBenchOpenSSL", pkgConfig: "openssl"),
        .executableTarget(
            name: "MediaBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Media", package: rootPackage),
                "CBenchSRTP", "CBenchOpus", "CBenchOpenSSL", "BenchmarkSupport",
            ],
            path: "Benchmarks/MediaBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
