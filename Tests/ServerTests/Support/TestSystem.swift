import Directory
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Synchronization
import Testing

/// A clock tests move by hand: a wall clock and a monotonic one. `advance` moves both (time passes);
/// `setBack` moves only the wall clock (an operator or NTP stepping it back).
final class ManualClock: Sendable {
    private let current = Mutex((wall: Date(timeIntervalSince1970: 1_800_000_000), steady: Date(timeIntervalSince1970: 1_000)))
    func now() -> Date { current.withLock { $0.wall } }
    func steadyNow() -> Date { current.withLock { $0.steady } }
    func advance(seconds: TimeInterval) {
        current.withLock { $0 = ($0.wall.addingTimeInterval(seconds), $0.steady.addingTimeInterval(seconds)) }
    }
    func setBack(seconds: TimeInterval) { current.withLock { $0.wall = $0.wall.addingTimeInterval(-seconds) } }
}

/// A whole server on a fresh data folder (real SQLite file, real .eml folder), driven through HTTP.
struct TestSystem {
    static let supportEmail = "root@platform.test"
    static let supportPassword = "Plat-f0rm!Root"
    static let whatsAppSecret = "whatsapp-app-secret"

    let server: SwitchboardServer
    let clock: ManualClock
    let dataDirectory: URL

    /// A second server on the data folder of `other` (a restart).
    init(reopening other: TestSystem) throws {
        try self.init(folder: other.dataDirectory, clock: other.clock, createSupport: false)
    }

    init(configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        try self.init(folder: FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-tests-\(UUID().uuidString)"), clock: ManualClock(),
                      createSupport: true, configure: configure)
    }

    let createSupport: Bool

    private init(folder: URL, clock: ManualClock, createSupport: Bool, configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        self.createSupport = createSupport
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, dataDirectory: folder, publicBaseURL: "http://switchboard.test",
            logLevel: .warning, scryptLogN: 4)
        configuration.whatsApp = WhatsAppConfiguration(graphBaseURL: "http://127.0.0.1:9", appSecret: Self.whatsAppSecret, verifyToken: "verify-token")
        configure(&configuration)
        self.server = try SwitchboardServer(configuration: configuration, now: { clock.now() }, steadyNow: { clock.steadyNow() })
        self.clock = clock
        self.dataDirectory = folder
    }

    /// Runs `body` against the router (Hummingbird's in-process test client).
    func run(_ body: @escaping @Sendable (API) async throws -> Void) async throws {
        let app = server.application()
        try await app.test(.router) { client in
            let api = API(client: client, system: self)
            if createSupport {
                _ = try await server.directory.createSupportUser(email: Self.supportEmail, name: "Root", password: Self.supportPassword)
            }
            try await body(api)
        }
    }

    /// Notification kinds queued for `user`, in outbox order.
    func outboxKinds(_ user: String) async throws -> [NotificationKind] {
        guard let id = UserID(user) else { return [] }
        return try await server.store.read { try $0.outbox(user: id) }.map(\.kind)
    }

    /// Delivers the outbox and returns every .eml written so far, parsed, in order.
    func mailbox() async throws -> [ParsedMail] {
        await server.outbox.drain()
        let folder = server.configuration.mailDirectory
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { try ParsedMail(data: Data(contentsOf: folder.appendingPathComponent($0))) }
    }

    /// The token of the newest e-mail to `address` with a link to `page` ("reset-password" / "confirm-email").
    func token(for address: String, page: String) async throws -> String {
        let mail = try #require(try await mailbox().last { $0.to.contains(address) && $0.link?.contains("/\(page)?") == true })
        return try #require(mail.link?.components(separatedBy: "token=").last)
    }
}

/// An e-mail as written to the mail folder: headers and the decoded plain-text part.
struct ParsedMail {
    let headers: [String: String]
    let text: String
    let html: String

    var to: String { headers["to"] ?? "" }
    var subject: String { headers["subject"] ?? "" }
    /// The first http(s) link of the text part.
    var link: String? {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init).first { $0.hasPrefix("http://") || $0.hasPrefix("https://") }
    }

    init(data: Data) throws {
        let raw = String(decoding: data, as: UTF8.self)
        let sections = raw.components(separatedBy: "\r\n\r\n")
        var headers: [String: String] = [:]
        for line in sections[0].components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        self.headers = headers
        let boundary = try #require(headers["content-type"]?.components(separatedBy: "boundary=\"").last?.dropLast())
        let parts = raw.components(separatedBy: "--\(boundary)")
        func body(_ type: String) -> String {
            guard let part = parts.first(where: { $0.contains("Content-Type: \(type)") }) else { return "" }
            let encoded = part.components(separatedBy: "\r\n\r\n").dropFirst().joined().replacingOccurrences(of: "\r\n", with: "")
            return Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        self.text = body("text/plain")
        self.html = body("text/html")
    }
}
