import AsyncHTTPClient
import Channels
import Foundation
import Identity
import Logging
import Metrics
import NIOCore
import ServiceLifecycle
import Synchronization
import Storage

/// Where and how agent replies reach the WhatsApp Cloud API (issue 6 §3 "Outbound").
public struct WhatsAppConfiguration: Sendable {
    /// Graph API base URL (a local fake in tests).
    public var graphBaseURL: String
    public var graphVersion: String
    /// The Meta app's secret: signs webhook deliveries (X-Hub-Signature-256). Nil: the webhook refuses every POST.
    public var appSecret: String?
    /// The token Meta echoes when verifying the webhook subscription. Nil: verification is refused.
    public var verifyToken: String?
    /// First retry delay after a 429 / 5xx; doubles per attempt with jitter, capped at 5 minutes.
    public var retryBase: Duration
    public var maxAttempts: Int
    public init(graphBaseURL: String = "https://graph.facebook.com", graphVersion: String = "v21.0", appSecret: String? = nil,
                verifyToken: String? = nil, retryBase: Duration = .seconds(2), maxAttempts: Int = 8) {
        self.graphBaseURL = graphBaseURL; self.graphVersion = graphVersion; self.appSecret = appSecret
        self.verifyToken = verifyToken; self.retryBase = retryBase; self.maxAttempts = maxAttempts
    }
}

/// Sends queued WhatsApp replies through the Graph API, durably: a send stays pending in SQLite until
/// Meta answers with a message id (→ `sent`), a permanent error (→ `failed` with Meta's reason), or the
/// attempts run out. 429 and 5xx are retried with backoff (honouring Retry-After). The agent sees each
/// status change.
final class WhatsAppSender: Service, Sendable {
    private let store: SQLiteConversationStore
    private let secretBox: SecretBox
    private let client: HTTPClient
    private let configuration: WhatsAppConfiguration
    private let center: @Sendable () -> ContactCenter?
    private let logger: Logger
    private let now: @Sendable () -> Date
    /// Set by `wake`; the loop checks it every 50 ms while idle.
    private let woken = Mutex(false)

    init(store: SQLiteConversationStore, secretBox: SecretBox, client: HTTPClient, configuration: WhatsAppConfiguration,
         center: @escaping @Sendable () -> ContactCenter?, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.store = store; self.secretBox = secretBox; self.client = client; self.configuration = configuration
        self.center = center; self.logger = logger; self.now = now
    }

    /// Asks the sender to look for due sends now.
    func wake() { woken.withLock { $0 = true } }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.loop()
        }
    }

    private func loop() async {
        while !Task.isCancelled {
            woken.withLock { $0 = false }
            await drain()
            let next = (try? await store.read { try $0.nextWhatsAppDue() }) ?? nil
            let wait = next.map { min(max($0.timeIntervalSince(now()), 0), 1) } ?? 1
            // Sleep until the next retry is due (at most a second), or until a new send is queued.
            var slept = 0.0
            while slept < wait, !woken.withLock({ $0 }), !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(50))
                slept += 0.05
            }
        }
    }

    private func drain() async {
        guard let due = try? await store.read({ [now] in try $0.dueWhatsApp(now: now(), limit: 50) }) else { return }
        for send in due where !Task.isCancelled {
            await attempt(send)
        }
    }

    private func attempt(_ send: WhatsAppSend) async {
        let attempts = send.attempts + 1
        let result: WhatsAppSendResult
        do {
            guard let (message, number) = try await store.read({ db -> (ChatMessage, WhatsAppNumber)? in
                guard let m = try db.message(seq: send.messageSeq), let n = try db.whatsAppNumber(send.phoneNumberID) else { return nil }
                return (m, n)
            }) else {
                try await finish(send, status: "failed", attempts: attempts, error: "the message or its WhatsApp number no longer exists", next: nil)
                return
            }
            let token = try secretBox.open(String(decoding: number.accessTokenSealed, as: UTF8.self))
            let outbound: WhatsAppOutboundMessage
            if let attachment = message.attachment, let link = attachment.url {
                outbound = .media(to: send.recipient, kind: message.kind == "image" || message.kind == "audio" || message.kind == "video" ? message.kind : "document",
                                  link: link, caption: message.text.isEmpty ? nil : message.text, filename: attachment.name)
            } else {
                outbound = .text(to: send.recipient, body: message.text)
            }
            if let invalid = outbound.invalidReason {
                try await finish(send, status: "failed", attempts: attempts, error: "not sent: \(invalid)", next: nil)
                return
            }
            var request = HTTPClientRequest(url: WhatsAppOutboundMessage.url(base: configuration.graphBaseURL, version: configuration.graphVersion,
                                                                             phoneNumberID: number.phoneNumberID))
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: outbound.jsonBody))
            let response = try await client.execute(request, timeout: .seconds(15))
            let body = try await response.body.collect(upTo: 256 * 1024)
            result = .classify(status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"), body: Array(body.readableBytesView))
        } catch {
            result = .retry(after: nil, reason: "Graph API unreachable: \(type(of: error))")
        }
        do {
            switch result {
            case .sent(let id):
                try await finish(send, status: "sent", attempts: attempts, error: nil, next: nil, externalID: id)
            case .failed(let error):
                try await finish(send, status: "failed", attempts: attempts, error: "\(error.code) \(error.message ?? error.title ?? "")", next: nil)
            case .retry(let after, let reason):
                let backoff = RetryBackoff(base: configuration.retryBase, cap: .seconds(300), maxAttempts: configuration.maxAttempts)
                guard let delay = backoff.delay(afterAttempt: attempts, random: Double.random(in: 0..<1)) else {
                    try await finish(send, status: "failed", attempts: attempts, error: "gave up after \(attempts) attempts: \(reason)", next: nil)
                    return
                }
                let wait = max(delay, after ?? .zero)
                let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
                Counter(label: "switchboard_whatsapp_sends_total", dimensions: [("result", "retry")]).increment()
                logger.notice("WhatsApp send will be retried", metadata: ["message": "\(send.messageSeq)", "attempt": "\(attempts)", "reason": "\(reason)"])
                try await store.write { try $0.finishWhatsApp(message: send.messageSeq, status: "pending", attempts: attempts, error: reason,
                                                              nextAttemptAt: self.now().addingTimeInterval(seconds)) }
            }
        } catch {
            logger.error("WhatsApp send state not saved", metadata: ["message": "\(send.messageSeq)", "error": "\(error)"])
        }
    }

    private func finish(_ send: WhatsAppSend, status: String, attempts: Int, error: String?, next: Date?, externalID: String? = nil) async throws {
        Counter(label: "switchboard_whatsapp_sends_total", dimensions: [("result", status)]).increment()
        try await store.write { db in
            try db.finishWhatsApp(message: send.messageSeq, status: status == "sent" ? "done" : status, attempts: attempts, error: error, nextAttemptAt: next)
            try db.setStatus(message: send.messageSeq, status: status, error: error, externalID: externalID)
        }
        await center()?.messageStatusChanged(messageSeq: send.messageSeq, status: status, error: error)
    }
}
