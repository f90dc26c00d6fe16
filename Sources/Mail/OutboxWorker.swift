import Directory
import Foundation

/// Drains the durable outbox in order: renders each due pending notification, delivers it, and
/// marks it sent only after the delivery accepted it (for SMTP: 250 after the data).
///
/// - A permanent refusal (`MailDeliveryError.rejected`, SMTP 5yz) dead-letters the message with
///   the server's text at once.
/// - A temporary refusal of one message (`.deferred`, 4yz) schedules it with `RetryPolicy`;
///   later messages to the same recipient wait behind it so a person's e-mails keep their order.
/// - When the server is unavailable (refused, timeout, TLS/AUTH failure) the message is scheduled
///   the same way and the round stops; nothing is tried again before that time.
/// - After `RetryPolicy.maxAttempts` failures the message is dead-lettered with the last error.
/// State lives in the store, so a restart loses nothing and never resends a row marked sent.
public actor OutboxWorker {
    private let store: any DirectoryStore
    private let delivery: any MailDelivery
    private let sender: (name: String, address: String)
    private let retry: RetryPolicy
    private let now: @Sendable () -> Date
    /// Opens the sealed links of outbox rows (the one-time token is never stored in clear).
    private let links: (any SecretSealing)?
    /// The drain in progress (or last finished); each new drain runs after it, so no message is
    /// delivered twice by overlapping drains.
    private var tail: Task<Int, Never>?
    /// No round starts before this instant (of `steadyNow`) after the server was unavailable.
    private var pausedUntil: Date?
    /// A clock that never jumps: a wall clock set back must not stretch a pause.
    private let steadyNow: @Sendable () -> Date

    public init(
        store: any DirectoryStore, delivery: any MailDelivery, senderAddress: String, retry: RetryPolicy = RetryPolicy(),
        links: (any SecretSealing)? = nil, now: @escaping @Sendable () -> Date = { Date() },
        steadyNow: @escaping @Sendable () -> Date = { Date(timeIntervalSinceReferenceDate: ProcessInfo.processInfo.systemUptime) }
    ) {
        self.steadyNow = steadyNow
        self.links = links
        self.store = store
        self.delivery = delivery
        self.sender = ("Switchboard", senderAddress)
        self.retry = retry
        self.now = now
    }

    /// Delivers every due pending message, after any drain already running; returns how many this call sent.
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

    /// Forgets the pause after an unavailable server (support asked for a resend).
    public func resume() {
        pausedUntil = nil
    }

    private func drainOnce() async -> Int {
        let start = now()
        if let pausedUntil, steadyNow() < pausedUntil { return 0 }
        pausedUntil = nil
        // A stored retry time further ahead than the longest backoff means the wall clock went back: due now.
        let longestWait = Double(retry.maxDelay.components.seconds)
        var sent = 0
        var cursor: Int64 = 0
        var waiting = Set<String>()
        while true {
            let after = cursor
            guard let page = try? await store.read({ db -> [(OutboxMessage, Date?, String?)] in
                try db.outboxPending(afterSequence: after, limit: 50).map { row in
                    (row.message, row.notBefore, try row.message.tenantID.flatMap { try db.tenant($0)?.name })
                }
            }), !page.isEmpty else { break }
            for (message, notBefore, tenantName) in page {
                guard let sequence = message.sequence else { continue }
                cursor = sequence
                let recipient = message.recipient.lowercased()
                if waiting.contains(recipient) { continue }
                if let notBefore, notBefore > start, notBefore.timeIntervalSince(start) <= longestWait {
                    waiting.insert(recipient)
                    continue
                }
                switch await attempt(message, sequence: sequence, tenantName: tenantName) {
                case .sent:
                    sent += 1
                case .failed:
                    waiting.insert(recipient)
                case .stop:
                    await delivery.finishBatch()
                    return sent
                }
            }
        }
        await delivery.finishBatch()
        return sent
    }

    enum Outcome {
        case sent, failed, stop
    }

    private func attempt(_ message: OutboxMessage, sequence: Int64, tenantName: String?) async -> Outcome {
        var message = message
        if let sealed = message.link, sealed.hasPrefix("v1.") {
            // Opened only here, to render; a link sealed under another key cannot be sent.
            guard let link = try? links?.open(sealed) else {
                _ = try? await store.write { db in
                    try db.markFailed(sequence: sequence, error: "the link cannot be opened with this server's secret key", dead: true)
                }
                return .failed
            }
            message = message.withLink(link)
        }
        let rendered = NotificationTemplates.render(message, tenantName: tenantName)
        let mime = MIMEMessage(
            from: (tenantName ?? sender.name, sender.address), to: (message.recipientName, message.recipient),
            subject: rendered.subject, date: now(), messageID: "\(sequence).\(message.userID)@switchboard",
            text: rendered.text, html: rendered.html)
        do {
            try await delivery.deliver(mime, sequence: sequence)
        } catch {
            return await record(error, for: message, sequence: sequence)
        }
        let at = now()
        // The server has the message now; if this write fails the row stays pending and a later
        // round may send it again (at-least-once), which is the only safe side to fail on.
        _ = try? await store.write { db in try db.markSent(sequence: sequence, at: at) }
        return .sent
    }

    private func record(_ error: any Error, for message: OutboxMessage, sequence: Int64) async -> Outcome {
        let attempts = message.attempts + 1
        let text: String
        let outcome: Outcome
        switch error {
        case MailDeliveryError.rejected(let reason):
            _ = try? await store.write { db in try db.markFailed(sequence: sequence, error: reason, dead: true) }
            return .failed
        case MailDeliveryError.deferred(let reason):
            (text, outcome) = (reason, .failed)
        case MailDeliveryError.unavailable(let reason):
            (text, outcome) = (reason, .stop)
        default:
            (text, outcome) = (String(describing: error), .stop)
        }
        if retry.isExhausted(attempts: attempts) {
            _ = try? await store.write { db in try db.markFailed(sequence: sequence, error: text, dead: true) }
            return outcome
        }
        let delay = retry.delay(afterAttempts: attempts)
        let notBefore = now().addingTimeInterval(delay)
        _ = try? await store.write { db in try db.markRetry(sequence: sequence, error: text, notBefore: notBefore) }
        if outcome == .stop { pausedUntil = steadyNow().addingTimeInterval(delay) }
        return outcome
    }
}
