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
    /// The drain in progress (or last finished); each new drain runs after it, so no message is
    /// delivered twice by overlapping drains.
    private var tail: Task<Int, Never>?

    public init(store: any DirectoryStore, delivery: any MailDelivery, senderAddress: String, maxAttempts: Int = 10, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.delivery = delivery
        self.sender = ("Switchboard", senderAddress)
        self.maxAttempts = maxAttempts
        self.now = now
    }

    /// Delivers every pending message, after any drain already running; returns how many this call sent.
    @discardableResult
    public func drain() async -> Int {
        let previous = tail
        let task = Task { [previous] in
            _ = await previous?.value
            return await self.drainOnce()
        }
        tail = task
        return await task.value
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
