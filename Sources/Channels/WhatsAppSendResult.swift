/// What to do with a Graph API answer to `POST …/messages` (developers.facebook.com/docs/whatsapp/
/// cloud-api/reference/messages for the success shape; …/cloud-api/support/error-codes for the codes).
public enum WhatsAppSendResult: Sendable, Hashable {
    case sent(messageID: String)
    /// 429, 5xx, and Graph error codes Meta documents as transient (e.g. 130429, 131000 …).
    case retry(after: Duration?, reason: String)
    /// Permanent (4xx): e.g. 131047 re-engagement, 131026 undeliverable, bad token 190. When the body
    /// carries no Graph error, `code` is the HTTP status and `title` says "HTTP <status>".
    case failed(WhatsAppGraphError)

    /// Codes Meta's error-code page lists as throttling or temporary server trouble: 1 API Unknown
    /// ("possible server error"), 2 API Service (temporary downtime), 4 too many API calls, 17 user request
    /// limit, 341 application limit, 80007 WABA rate limit, 130429 throughput rate limit, 131000 "something
    /// went wrong", 131016 service unavailable, 131056 pair rate limit, 131057 account in maintenance,
    /// 133004 server temporarily unavailable.
    public static let transientCodes: Set<Int> = [1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131056, 131057, 133004]

    /// Authentication/permission codes that no retry can fix, whatever the HTTP status (Meta answers
    /// code 3 with a 500): 0 AuthException, 3 API Method, 10 permission denied, 190 token expired, 200–299.
    static func isAuthorizationCode(_ code: Int) -> Bool {
        code == 0 || code == 3 || code == 10 || code == 190 || (200...299).contains(code)
    }

    /// Classifies a Graph API response: HTTP status, Retry-After header value, body.
    /// Retry-After is honored as delta-seconds (RFC 9110 §10.2.3); an HTTP-date form is ignored (nil:
    /// the caller's backoff applies). A 2xx without a message id is `.failed`, not retried, because the
    /// message may have been accepted and a retry could send it twice.
    public static func classify(status: Int, retryAfter: String?, body: [UInt8]) -> WhatsAppSendResult {
        let json = try? JSONParser.parse(body)
        if (200...299).contains(status) {
            if let id = json?["messages"]?.arrayValue?.first?["id"]?.textValue, !id.isEmpty {
                return .sent(messageID: id)
            }
            return .failed(WhatsAppGraphError(code: status, title: "HTTP \(status)",
                                              message: "the Graph API accepted the request but returned no message id"))
        }
        let graph = json?["error"].flatMap(WhatsAppGraphError.init(json:))
        let delay = retryAfter.flatMap(parseRetryAfter)
        if let graph {
            let reason = graph.message ?? graph.title ?? "Graph error \(graph.code)"
            if transientCodes.contains(graph.code) { return .retry(after: delay, reason: reason) }
            if isAuthorizationCode(graph.code) { return .failed(graph) }
            if status == 429 || (500...599).contains(status) { return .retry(after: delay, reason: "HTTP \(status): \(reason)") }
            return .failed(graph)
        }
        if status == 429 || (500...599).contains(status) { return .retry(after: delay, reason: "HTTP \(status)") }
        return .failed(WhatsAppGraphError(code: status, title: "HTTP \(status)", message: nil, details: nil))
    }

    /// delta-seconds: one or more digits (RFC 9110 §10.2.3), capped at one day.
    static func parseRetryAfter(_ value: String) -> Duration? {
        let trimmed = value.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        guard let seconds = Int(trimmed) else { return .seconds(86_400) }  // more digits than Int: cap
        return .seconds(min(seconds, 86_400))
    }
}

/// Delay before re-sending after a transient failure: exponential with full jitter, capped
/// ("Exponential Backoff And Jitter", AWS Architecture Blog): delay = random × min(cap, base × 2^(n−1)).
public struct RetryBackoff: Sendable, Hashable {
    /// The ceiling of the first wait.
    public var base: Duration
    /// No wait is longer than this.
    public var cap: Duration
    /// Total attempts, the first one included.
    public var maxAttempts: Int

    /// Exponential with full jitter, capped; gives up after `maxAttempts` attempts.
    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300), maxAttempts: Int = 8) {
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// The wait after attempt `n` (1-based) failed; nil = give up (n ≥ maxAttempts). `random` in 0..<1
    /// (clamped); a Retry-After from the server should win over this when it is longer.
    public func delay(afterAttempt n: Int, random: Double /* 0..<1 */) -> Duration? {
        guard n < maxAttempts else { return nil }
        let attempt = max(n, 1)
        let baseSeconds = Self.seconds(base), capSeconds = Self.seconds(cap)
        let ceiling = min(capSeconds, baseSeconds * Double(1 << UInt64(min(attempt - 1, 62))))
        let r = random.isFinite ? min(max(random, 0), 1) : 0
        return .seconds(max(0, ceiling * r))
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
