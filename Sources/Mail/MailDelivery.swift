import Directory
import Foundation

/// Delivers one rendered message. The embedded default writes `.eml` files; `SMTPDelivery`
/// sends over SMTP. A delivery may keep a connection across calls until `finishBatch()`.
public protocol MailDelivery: Sendable {
    func deliver(_ message: MIMEMessage, sequence: Int64) async throws
    /// The worker has nothing more to send for now: release connections.
    func finishBatch() async
}

extension MailDelivery {
    public func finishBatch() async {}
}

/// How a delivery failed, as the outbox needs to know it (RFC 5321 §4.2.1 reply classes).
public enum MailDeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A permanent refusal (5yz) of this message: it goes to the dead letters with this text.
    case rejected(String)
    /// A temporary refusal (4yz) of this message: retry it later, others may go on.
    case deferred(String)
    /// The mail server could not be reached or the session failed: retry later, stop this round.
    case unavailable(String)

    public var description: String {
        switch self {
        case .rejected(let text), .deferred(let text), .unavailable(let text): text
        }
    }
}

/// Writes each message as `<sequence>-<kind>.eml` under a folder (the embedded default), so the
/// order of files is the order of the outbox. The file appears atomically (written, then renamed).
public struct EMLFolderDelivery: MailDelivery {
    public let folder: URL

    public init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    public func deliver(_ message: MIMEMessage, sequence: Int64) async throws {
        let name = String(format: "%010lld", sequence) + ".eml"
        let target = folder.appendingPathComponent(name)
        let temporary = folder.appendingPathComponent(".\(name).tmp")
        try Data(message.rendered().utf8).write(to: temporary)
        if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
        try FileManager.default.moveItem(at: temporary, to: target)
    }
}
