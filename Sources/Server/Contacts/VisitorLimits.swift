import Directory
import Foundation
import Synchronization

/// Limits on what anonymous web chat visitors can make the server do (issue 10 §1.2): open connections
/// per client address and per site, new conversations per address and per site (token buckets), and
/// messages per connection. Addresses are keyed by host (IPv6 by /64). Memory is bounded: buckets live
/// in two generations of at most `capacity` keys each; a forgotten bucket only starts full again.
struct VisitorLimitSettings: Sendable {
    /// Open visitor connections from one address.
    var connectionsPerAddress = 10
    /// Open visitor connections to one site.
    var connectionsPerSite = 1_000
    /// New conversations from one address: a burst, then one every `conversationInterval`.
    var conversationsPerAddress = 5
    var conversationInterval: Double = 12
    /// New conversations on one site: a burst, then one every `siteConversationInterval`.
    var conversationsPerSite = 120
    var siteConversationInterval: Double = 0.5
    /// Messages of one connection: a burst, then one every `messageInterval`.
    var messageBurst = 20
    var messageInterval: Double = 1
    /// Messages from one address (all its connections): a burst, then one every `addressMessageInterval`.
    var addressMessageBurst = 60
    var addressMessageInterval: Double = 0.25
    /// Messages on one site: a burst, then one every `siteMessageInterval`.
    var siteMessageBurst = 2_000
    var siteMessageInterval: Double = 0.01
    /// Keys remembered per generation.
    var capacity = 50_000
}

/// A token bucket: `burst` tokens, one more every `interval` seconds.
struct TokenBucket: Sendable {
    var tokens: Double
    var updated: Double

    init(burst: Int, now: Double) { tokens = Double(burst); updated = now }

    /// Takes a token; nil when allowed, else the seconds until one is there.
    mutating func take(burst: Int, interval: Double, now: Double) -> Int? {
        tokens = min(Double(burst), tokens + max(0, now - updated) / interval)
        updated = now
        guard tokens >= 1 else { return Int(((1 - tokens) * interval).rounded(.up)) }
        tokens -= 1
        return nil
    }
}

final class VisitorLimits: Sendable {
    private struct State: Sendable {
        var connections: [String: Int] = [:]
        var siteConnections: [String: Int] = [:]
        var addressBuckets: BoundedTable<TokenBucket>
        var siteBuckets: BoundedTable<TokenBucket>
        var addressMessages: BoundedTable<TokenBucket>
        var siteMessages: BoundedTable<TokenBucket>
    }

    let settings: VisitorLimitSettings
    private let state: Mutex<State>
    private let now: @Sendable () -> Double

    init(settings: VisitorLimitSettings = VisitorLimitSettings(), now: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.settings = settings
        self.now = now
        state = Mutex(State(addressBuckets: BoundedTable(capacity: settings.capacity), siteBuckets: BoundedTable(capacity: settings.capacity),
                            addressMessages: BoundedTable(capacity: settings.capacity), siteMessages: BoundedTable(capacity: settings.capacity)))
    }

    static func key(_ address: String) -> String { LoginThrottle.addressKey(address) }

    /// Whether one more connection from `address` to `site` would be allowed now (nothing reserved).
    func mayConnect(address: String, site: String) -> Bool {
        let key = Self.key(address)
        return state.withLock { s in
            s.connections[key, default: 0] < settings.connectionsPerAddress && s.siteConnections[site, default: 0] < settings.connectionsPerSite
        }
    }

    /// Reserves a connection slot; false when either limit is reached. Pair with `disconnected`.
    func connect(address: String, site: String) -> Bool {
        let key = Self.key(address)
        return state.withLock { s in
            guard s.connections[key, default: 0] < settings.connectionsPerAddress,
                  s.siteConnections[site, default: 0] < settings.connectionsPerSite else { return false }
            s.connections[key, default: 0] += 1
            s.siteConnections[site, default: 0] += 1
            return true
        }
    }

    func disconnected(address: String, site: String) {
        let key = Self.key(address)
        state.withLock { s in
            if let n = s.connections[key] { s.connections[key] = n > 1 ? n - 1 : nil }
            if let n = s.siteConnections[site] { s.siteConnections[site] = n > 1 ? n - 1 : nil }
        }
    }

    /// Takes a new-conversation token for the address and for the site; nil when allowed, else the
    /// seconds to wait. A refusal takes nothing.
    func newConversation(address: String, site: String) -> Int? {
        let key = Self.key(address)
        let at = now()
        return state.withLock { s in
            var byAddress = s.addressBuckets[key] ?? TokenBucket(burst: settings.conversationsPerAddress, now: at)
            var bySite = s.siteBuckets[site] ?? TokenBucket(burst: settings.conversationsPerSite, now: at)
            // Both buckets are taken from copies and stored only when both allow: a refusal takes nothing.
            if let wait = byAddress.take(burst: settings.conversationsPerAddress, interval: settings.conversationInterval, now: at) {
                return wait
            }
            if let wait = bySite.take(burst: settings.conversationsPerSite, interval: settings.siteConversationInterval, now: at) {
                return wait
            }
            s.addressBuckets.set(key, byAddress)
            s.siteBuckets.set(site, bySite)
            return nil
        }
    }

    /// A fresh message bucket for one connection.
    func messageBucket() -> TokenBucket { TokenBucket(burst: settings.messageBurst, now: now()) }

    /// Takes a message token from the connection's bucket, its address's and its site's; nil when
    /// allowed, else the seconds to wait. A refusal takes nothing.
    func message(_ bucket: inout TokenBucket, address: String, site: String) -> Int? {
        let at = now()
        var connection = bucket
        if let wait = connection.take(burst: settings.messageBurst, interval: settings.messageInterval, now: at) { return wait }
        let key = Self.key(address)
        let wait = state.withLock { s -> Int? in
            var byAddress = s.addressMessages[key] ?? TokenBucket(burst: settings.addressMessageBurst, now: at)
            var bySite = s.siteMessages[site] ?? TokenBucket(burst: settings.siteMessageBurst, now: at)
            if let wait = byAddress.take(burst: settings.addressMessageBurst, interval: settings.addressMessageInterval, now: at) { return wait }
            if let wait = bySite.take(burst: settings.siteMessageBurst, interval: settings.siteMessageInterval, now: at) { return wait }
            s.addressMessages.set(key, byAddress)
            s.siteMessages.set(site, bySite)
            return nil
        }
        if wait == nil { bucket = connection }
        return wait
    }
}
