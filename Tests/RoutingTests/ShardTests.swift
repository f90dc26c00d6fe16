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

/// Collects outputs behind a lock, so the test can watch them while the shard thread runs.
final class LockedSink: RoutingSink {
    let outputs = Mutex<[RoutingOutput]>([])
    func deliver(_ output: RoutingOutput, now: RoutingInstant) { outputs.withLock { $0.append(output) } }
    /// Waits up to `seconds` for an output matching `match`.
    func waitFor(seconds: Double = 10, _ match: (RoutingOutput) -> Bool) -> Bool {
        let deadline = Double(MonotonicRoutingClock().now().nanoseconds) + seconds * 1e9
        while Double(MonotonicRoutingClock().now().nanoseconds) < deadline {
            if outputs.withLock({ $0.contains(where: match) }) { return true }
            usleep(1_000)
        }
        return false
    }
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

    /// `IdleStrategy.park`: an idle shard sleeps (it is seen parked), a submit wakes it, a timer due while
    /// it sleeps still fires on time, and stop wakes it to end.
    @Test func parkedShardWakesForSubmitsAndTimers() {
        let shard = Shard(router: Router(), sink: LockedSink(), ringCapacity: 64)
        shard.maxParkNanoseconds = 3_600_000_000_000   // an hour: only a wake-up or the timer's own deadline ends a park
        #expect(shard.start(clock: MonotonicRoutingClock(), idle: .park))
        for e: RoutingEvent in [
            .configureQueue(0, QueueSettings(tenant: 1, channel: .voice, offerTimeout: .milliseconds(300))),
            .configureAgent(1, AgentProfile(tenant: 1)),
            .setMembership(Membership(agent: 1, queue: 0)),
            .logIn(agent: 1, queue: 0),
        ] { #expect(shard.submit(e) == nil) }
        var waited = 0
        while !shard.parking.parked.load(ordering: .relaxed), waited < 5_000 { usleep(1_000); waited += 1 }
        let parkedWhenIdle = shard.parking.parked.load(ordering: .relaxed)
        #expect(parkedWhenIdle, "an idle shard parks")
        #expect(shard.submit(.arrive(ContactRequest(id: 9, tenant: 1, queue: 0))) == nil)
        #expect(shard.sink.waitFor { if case .offer(let o) = $0 { o.contact == 9 } else { false } }, "a submit wakes it")
        // Nobody submits again: the offer's 300 ms deadline must wake the parked shard by itself.
        #expect(shard.sink.waitFor { $0 == .withdrawOffer(contact: 9, agent: 1, reason: .timedOut) }, "a due timer wakes it")
        let answered = Mutex<Bool>(false)
        #expect(shard.query(.agentState(1)) { _ in answered.withLock { $0 = true } })
        var spins = 0
        while !answered.withLock({ $0 }), spins < 10_000 { usleep(1_000); spins += 1 }
        #expect(answered.withLock { $0 }, "a query wakes it")
        shard.stop()
        let parkedAfterStop = shard.parking.parked.load(ordering: .relaxed)
        #expect(!parkedAfterStop)
    }
}
