import Foundation
import Synchronization

/// Throttles repeated login failures per account and per client address (issue 10 §1.10). Pure: time
/// comes in, read from a clock that does not jump (a wall clock set back would stretch a lockout).
///
/// Memory is bounded and each attempt is O(1) (amortized): a key's failures are counted in a fixed
/// window, and keys live in two generations of at most `Limits.capacity` entries each — when the
/// current one fills, it becomes the previous one and the old previous one is dropped. Only keys with
/// no failure in the last `capacity` distinct keys can be forgotten that way.
///
/// Client addresses are keyed by host: an IPv4 address as it is, an IPv6 address by its /64 (one host
/// or site usually owns a whole /64, and picking a new address in it must not buy new tries).
public struct LoginThrottle: Sendable {
    public struct Limits: Sendable {
        /// Failures allowed per account inside `window` before the account is locked for `lockout`.
        public var perAccount: Int
        /// Failures allowed per client address inside `window`.
        public var perAddress: Int
        public var window: TimeInterval
        public var lockout: TimeInterval
        /// Keys remembered per generation (accounts and addresses each); memory stays under twice this.
        public var capacity: Int

        public init(perAccount: Int = 5, perAddress: Int = 20, window: TimeInterval = 900, lockout: TimeInterval = 300, capacity: Int = 50_000) {
            self.perAccount = perAccount
            self.perAddress = perAddress
            self.window = window
            self.lockout = lockout
            self.capacity = max(1, capacity)
        }
    }

    struct Record: Sendable {
        var windowStart: Date
        var failures: Int
        var lockedUntil: Date?
    }

    public let limits: Limits
    private var accounts: BoundedTable<Record>
    private var addresses: BoundedTable<Record>

    public init(limits: Limits) {
        self.limits = limits
        accounts = BoundedTable(capacity: limits.capacity)
        addresses = BoundedTable(capacity: limits.capacity)
    }

    /// How many keys are remembered now (at most 4 × `limits.capacity`).
    public var trackedKeys: Int { accounts.count + addresses.count }

    /// Seconds until `account` / `address` may try again; nil when a try is allowed now.
    public func retryAfter(account: String, address: String, now: Date) -> Int? {
        let waits = [accounts[account]?.lockedUntil, addresses[Self.addressKey(address)]?.lockedUntil]
            .compactMap { $0 }.filter { $0 > now }.map { Int($0.timeIntervalSince(now).rounded(.up)) }
        return waits.max()
    }

    public mutating func recordFailure(account: String, address: String, now: Date) {
        Self.note(&accounts, account, limit: limits.perAccount, limits: limits, now: now)
        Self.note(&addresses, Self.addressKey(address), limit: limits.perAddress, limits: limits, now: now)
    }

    public mutating func recordSuccess(account: String) {
        guard let record = accounts[account], record.failures > 0 || record.lockedUntil != nil else { return }
        accounts.set(account, Record(windowStart: record.windowStart, failures: 0, lockedUntil: nil))
    }

    private static func note(_ table: inout BoundedTable<Record>, _ key: String, limit: Int, limits: Limits, now: Date) {
        var record = table[key] ?? Record(windowStart: now, failures: 0, lockedUntil: nil)
        if now.timeIntervalSince(record.windowStart) > limits.window || now < record.windowStart {
            record.windowStart = now
            record.failures = 0
        }
        record.failures += 1
        if record.failures >= limit {
            record.lockedUntil = now.addingTimeInterval(limits.lockout)
            record.failures = 0
            record.windowStart = now
        }
        table.set(key, record)
    }

    /// The key of a client address: IPv4 as it is, IPv6 by its /64 prefix (IPv4-mapped IPv6 as IPv4).
    public static func addressKey(_ address: String) -> String {
        let host = address.split(separator: "%", maxSplits: 1).first.map(String.init) ?? address
        guard host.contains(":") else { return host }
        var bytes = in6_addr()
        guard inet_pton(AF_INET6, host, &bytes) == 1 else { return host }
        let octets = withUnsafeBytes(of: bytes) { Array($0) }
        if octets[0..<10].allSatisfy({ $0 == 0 }) && octets[10] == 0xFF && octets[11] == 0xFF {
            return octets[12..<16].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(octets[$0]) << 8 | UInt16(octets[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
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
    func decoyHash(_ hasher: any PasswordHashing) async throws -> String {
        if let known = decoy.withLock({ $0 }) { return known }
        let made = try await hasher.hash(UUID().uuidString)
        return decoy.withLock { value in
            if let value { return value }
            value = made
            return made
        }
    }
}
