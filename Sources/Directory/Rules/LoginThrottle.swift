import Foundation
import Synchronization

/// Throttles repeated login failures per account and per client address (issue: "repeated failures
/// per account and per client address are throttled with a clear error"). Pure: time comes in.
public struct LoginThrottle: Sendable {
    public struct Limits: Sendable {
        /// Failures allowed per account inside `window` before the account is locked for `lockout`.
        public var perAccount: Int
        /// Failures allowed per client address inside `window`.
        public var perAddress: Int
        public var window: TimeInterval
        public var lockout: TimeInterval

        public init(perAccount: Int = 5, perAddress: Int = 20, window: TimeInterval = 900, lockout: TimeInterval = 300) {
            self.perAccount = perAccount
            self.perAddress = perAddress
            self.window = window
            self.lockout = lockout
        }
    }

    private struct Record {
        var failures: [Date] = []
        var lockedUntil: Date?
    }

    public let limits: Limits
    private var accounts: [String: Record] = [:]
    private var addresses: [String: Record] = [:]

    public init(limits: Limits) { self.limits = limits }

    /// Seconds until `account` / `address` may try again; nil when a try is allowed now.
    public func retryAfter(account: String, address: String, now: Date) -> Int? {
        let waits = [accounts[account]?.lockedUntil, addresses[address]?.lockedUntil]
            .compactMap { $0 }.filter { $0 > now }.map { Int($0.timeIntervalSince(now).rounded(.up)) }
        return waits.max()
    }

    public mutating func recordFailure(account: String, address: String, now: Date) {
        Self.note(&accounts[account, default: Record()], limit: limits.perAccount, limits: limits, now: now)
        Self.note(&addresses[address, default: Record()], limit: limits.perAddress, limits: limits, now: now)
        if accounts.count + addresses.count > 100_000 { prune(now: now) }
    }

    public mutating func recordSuccess(account: String) {
        accounts[account] = nil
    }

    private static func note(_ record: inout Record, limit: Int, limits: Limits, now: Date) {
        record.failures.removeAll { now.timeIntervalSince($0) > limits.window }
        record.failures.append(now)
        if record.failures.count >= limit {
            record.lockedUntil = now.addingTimeInterval(limits.lockout)
            record.failures.removeAll()
        }
    }

    /// Forgets records with nothing recent, bounding memory under an attack of many names.
    private mutating func prune(now: Date) {
        let limits = self.limits
        let stale: (Record) -> Bool = { record in
            (record.lockedUntil.map { $0 <= now } ?? true) && record.failures.allSatisfy { now.timeIntervalSince($0) > limits.window }
        }
        accounts = accounts.filter { !stale($0.value) }
        addresses = addresses.filter { !stale($0.value) }
    }
}

/// The service's shared throttle state.
final class LoginThrottleBox: Sendable {
    private let state: Mutex<LoginThrottle>
    private let decoy = Mutex<String?>(nil)
    init(limits: LoginThrottle.Limits) { state = Mutex(LoginThrottle(limits: limits)) }
    func withLock<T>(_ body: (inout LoginThrottle) -> T) -> T { state.withLock { body(&$0) } }

    /// A hash of a random password made with the service's hasher, to verify against when an account
    /// does not exist (made once, on first need).
    func decoyHash(_ hasher: any PasswordHashing) -> String {
        decoy.withLock { value in
            if let value { return value }
            let made = (try? hasher.hash(UUID().uuidString)) ?? ""
            value = made
            return made
        }
    }
}
