import Foundation
@testable import Server
import Synchronization
import Testing

/// Issue 10 §1.2: the budgets of anonymous web chat visitors, on a clock the test moves.
@Suite("Visitor limits")
struct VisitorLimitsTests {
    final class Clock: Sendable {
        private let seconds = Mutex(1_000.0)
        func now() -> Double { seconds.withLock { $0 } }
        func advance(_ by: Double) { seconds.withLock { $0 += by } }
    }

    @Test("Connections per address (IPv6 by /64) and per site; a closed connection frees its slot")
    func connections() {
        var settings = VisitorLimitSettings()
        settings.connectionsPerAddress = 2
        settings.connectionsPerSite = 3
        let limits = VisitorLimits(settings: settings)
        #expect(limits.connect(address: "2001:db8:1:2::1", site: "s"))
        #expect(limits.connect(address: "2001:db8:1:2::2", site: "s"))
        #expect(!limits.mayConnect(address: "2001:db8:1:2::3", site: "s"))
        #expect(!limits.connect(address: "2001:db8:1:2::3", site: "s"))
        #expect(limits.connect(address: "192.0.2.1", site: "s"))
        #expect(!limits.connect(address: "192.0.2.2", site: "s"))  // the site is full
        #expect(limits.connect(address: "192.0.2.2", site: "other"))
        limits.disconnected(address: "2001:db8:1:2::1", site: "s")
        #expect(limits.connect(address: "192.0.2.2", site: "s"))
    }

    @Test("New conversations and messages: bursts, then a steady rate; the address's budget spans its connections; a refusal takes nothing")
    func budgets() {
        let clock = Clock()
        var settings = VisitorLimitSettings()
        settings.conversationsPerAddress = 2
        settings.conversationInterval = 10
        settings.messageBurst = 3
        settings.addressMessageBurst = 4
        settings.addressMessageInterval = 1
        let limits = VisitorLimits(settings: settings, now: { clock.now() })
        #expect(limits.newConversation(address: "198.51.100.1", site: "s") == nil)
        #expect(limits.newConversation(address: "198.51.100.1", site: "s") == nil)
        #expect(limits.newConversation(address: "198.51.100.1", site: "s") == 10)
        #expect(limits.newConversation(address: "198.51.100.2", site: "s") == nil)
        clock.advance(10)
        #expect(limits.newConversation(address: "198.51.100.1", site: "s") == nil)

        var first = limits.messageBucket(), second = limits.messageBucket()
        for _ in 0..<3 { #expect(limits.message(&first, address: "198.51.100.9", site: "s") == nil) }
        #expect(limits.message(&first, address: "198.51.100.9", site: "s") != nil)  // this connection's burst is spent
        #expect(limits.message(&second, address: "198.51.100.9", site: "s") == nil)  // the address's 4th
        #expect(limits.message(&second, address: "198.51.100.9", site: "s") == 1)  // the address's budget is spent
        clock.advance(1)
        #expect(limits.message(&second, address: "198.51.100.9", site: "s") == nil)
    }
}
