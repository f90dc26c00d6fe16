import Directory
import Foundation

/// Drains the durable outbox in order: renders each pending notification, delivers it, and marks it
/// sent only after delivery succeeded. A failed delivery stays pending (or dead after `maxAttempts`).
public actor OutboxWorker {
    private let store: any DirectoryStore
    private let delivery: any MailDelivery
    private let sender: (name: String, address: String)
    private let maxAttempts: Int
    private let now: @Sendable () -> Date
    private var draining = false
    private var again = false

    public init(store: any DirectoryStore, delivery: any MailDelivery, senderAddress: String, maxAttempts: Int = 10, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.delivery = delivery
        self.sender = ("Switchboard", senderAddress)
        self.maxAttempts = maxAttempts
        self.now = now
    }

    /// Delivers every pending message; returns how many were sent. Concurrent calls coalesce.
    @discardableResult
    public func drain() async -> Int {
        if draining {
            again = true
            return 0
        }
        draining = true
        defer { draining = false }
        var sent = 0
        repeat {
            again = false
            sent += await drainOnce()
        } while again
        return sent
    }

    private func drainOnce() async -> Int {
        var sent = 0
        while true {
            guard let batch = try? await store.read({ db -> [(OutboxMessage, String?)] in
                try db.outbox(status: .pending, limit: 50).map { message in
                    (message, try message.tenantID.flatMap { try db.tenant($0)?.name })
                }
            }), !batch.isEmpty else { return sent }
            for (message, tenantName) in batch {
                guard let sequence = message.sequence else { continue }
                let rendered = NotificationTemplates.render(message, tenantName: tenantName)
                let mime = MIMEMessage(
                    from: (tenantName ?? sender.name, sender.address), to: (message.recipientName, message.recipient),
                    subject: rendered.subject, date: now(), messageID: "\(sequence).\(message.userID)@switchboard",
                    text: rendered.text, html: rendered.html)
                do {
                    try await delivery.deliver(mime, sequence: sequence)
                    let at = now()
                    try await store.write { db in try db.markSent(sequence: sequence, at: at) }
                    sent += 1
                } catch {
                    let dead = message.attempts + 1 >= maxAttempts
                    let text = String(describing: error)
                    _ = try? await store.write { db in try db.markFailed(sequence: sequence, error: text, dead: dead) }
                    return sent
                }
            }
        }
    }
}
