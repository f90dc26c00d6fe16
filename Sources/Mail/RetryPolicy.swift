import Foundation

/// When to try a message again after a temporary failure (RFC 5321 §4.5.4.1 asks senders to
/// back off): exponential from `baseDelay`, capped at `maxDelay`, with "equal jitter" — half the
/// delay fixed, half random — so many messages failing together do not retry in lockstep.
/// After `maxAttempts` failed attempts the message goes to the dead letters.
public struct RetryPolicy: Sendable {
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var maxAttempts: Int
    /// A number in 0..<1; injected so tests are deterministic.
    public var random: @Sendable () -> Double

    public init(
        baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(15 * 60), maxAttempts: Int = 10,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxAttempts = max(1, maxAttempts)
        self.random = random
    }

    /// Whether a message that has now failed `attempts` times must stop being retried.
    public func isExhausted(attempts: Int) -> Bool { attempts >= maxAttempts }

    /// The wait after the `attempts`-th failed attempt (1 = the first failure), in seconds:
    /// `d = min(maxDelay, baseDelay · 2^(attempts-1))`, then `d/2 + random·d/2`.
    public func delay(afterAttempts attempts: Int) -> TimeInterval {
        let base = Self.seconds(baseDelay), cap = Self.seconds(maxDelay)
        let exponent = Double(min(max(attempts, 1) - 1, 62))
        let full = min(cap, base * pow(2, exponent))
        let fraction = min(max(random(), 0), 1)
        return full / 2 + fraction * full / 2
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let parts = duration.components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
