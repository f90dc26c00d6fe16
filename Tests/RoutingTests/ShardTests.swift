import Testing
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
@testable import Routing

/// Collects outputs; used from the shard thread only, read after `stop()` (which joins that thread).
final class CollectingSink: RoutingSink, @unchecked Sendable {
    // Safe: written only on the shard thread; the test reads it after `stop()` joined that thread.
    var outputs: [RoutingOutput] = []
    func deliver(_ output: RoutingOutput, now: RoutingInstant) { outputs.append(output) }
}

/// A clock the test moves by hand.
final class ManualClock: RoutingClock {
    let nanos = Atomic<Int64>(0)
    func now() -> RoutingInstant { RoutingInstant(nanoseconds: nanos.load(ordering: .acquiring)) }
}

/// Issue 3 §3: the shard drains its ring, runs the router, hands outputs to the sink, answers queries.
@Suite struct ShardTests {
    @Test func runOnceProcessesSubmittedEventsAndTimers() {
        let shard = Shard(router: Router(), sink: CollectingSink(), ringCapacity: 8)
        #expect(shard.submit(.configureQueue(0, QueueSettings(tenant: 1, channel: .voice, offerTimeout: .seconds(5)))) == nil)
        #expect(shard.submit(.configureAgent(1, AgentProfile(tenant: 1))) == nil)
        #expect(shard.submit(.setMembership(Membership(agent: 1, queue: 0))) == nil)
        #expect(shard.submit(.logIn(agent: 1, queue: 0)) == nil)
        #expect(shard.submit(.arrive(ContactRequest(id: 1, tenant: 1, queue: 0))) == nil)
        #expect(shard.runOnce(now: .zero) == 5)
        #expect(shard.sink.outputs.contains { if case .offer(let o) = $0 { o.agent == 1 } else { false } })
        shard.runOnce(now: .zero + .seconds(5))      // nothing submitted: the offer deadline fires
        #expect(shard.sink.outputs.contains(.withdrawOffer(contact: 1, agent: 1, reason: .timedOut)))
    }

    @Test func fullRingReturnsTheEvent() {
        let shard = Shard(router: Router(), sink: CollectingSink(), ringCapacity: 2)
        #expect(shard.submit(.tick) == nil)
        #expect(shard.submit(.tick) == nil)
        #expect(shard.submit(.abandon(contact: 3)) == .abandon(contact: 3))
    }

    @Test func threadedShardAnswersQueriesOnItsOwnThread() throws {
        let dispatcher = Dispatcher(shardCount: 2, ringCapacity: 1024) { _ in CollectingSink() }
        let clock = ManualClock()
        dispatcher.start(clock: clock, idle: .backoff(sleepMicroseconds: 50))
        let tenant: TenantID = 3
        let events: [RoutingEvent] = [
            .configureQueue(7, QueueSettings(tenant: tenant, channel: .webchat)),
            .configureAgent(2, AgentProfile(tenant: tenant)),
            .setMembership(Membership(agent: 2, queue: 7)),
            .logIn(agent: 2, queue: 7),
            .arrive(ContactRequest(id: 1, tenant: tenant, queue: 7)),
            .accept(contact: 1, agent: 2),
        ]
        for e in events { #expect(dispatcher.submit(e, tenant: tenant) == nil) }
        let answer = Mutex<RoutingAnswer?>(nil)
        #expect(dispatcher.query(.queueStats(7), tenant: tenant) { a in answer.withLock { $0 = a } })
        var spins = 0
        while answer.withLock({ $0 }) == nil, spins < 20_000 { usleep(100); spins += 1 }
        dispatcher.stop()
        guard case .queueStats(let stats)? = answer.withLock({ $0 }) else {
            Issue.record("no answer"); return
        }
        #expect(stats?.answered == 1)
        let shard = dispatcher.shards[dispatcher.shardIndex(for: tenant)]
        #expect(shard.sink.outputs.contains { if case .offer = $0 { true } else { false } })
        #expect(dispatcher.shards[1 - dispatcher.shardIndex(for: tenant)].sink.outputs.isEmpty)
    }
}
