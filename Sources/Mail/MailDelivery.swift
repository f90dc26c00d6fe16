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
