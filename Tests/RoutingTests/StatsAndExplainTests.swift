import Testing
@_spi(Testing) @testable import Routing

/// Statistics, estimated wait and decision history (issue 3 §2).
@Suite struct StatsAndExplainTests {
    @Test func queueStatisticsCountWhatHappened() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, wrapUp: .seconds(5), serviceLevelThreshold: .seconds(20)))
        h.agent(1, queues: [0])
        h.send(.pause(agent: 1, reason: .unspecified))
        _ = h.arrive(1, queue: 0)
        _ = h.arrive(2, queue: 0)
        h.now = h.now + .seconds(10)
        _ = h.arrive(3, queue: 0)
        #expect(h.router.stats(queue: 0)?.longestWait == .seconds(10))
        h.send(.abandon(contact: 3))
        h.send(.setAvailable(agent: 1))                 // offered contact 1, waited 10 s
        h.send(.accept(contact: 1, agent: 1))
        h.now = h.now + .seconds(60)
        h.send(.complete(contact: 1))
        h.advance(5)                                     // wrap-up ends; contact 2 offered (waited 75 s)
        h.send(.accept(contact: 2, agent: 1))
        let s = h.router.stats(queue: 0)
        #expect(s?.offered == 3)
        #expect(s?.answered == 2)
        #expect(s?.abandoned == 1)
        #expect(s?.waiting == 0)
        #expect(s?.averageSpeedOfAnswer == .milliseconds(42_500))   // (10 s + 75 s) / 2
        #expect(s?.serviceLevel == 1.0 / 3.0)           // one of three decided contacts answered within 20 s
        #expect(s?.talkTime == .seconds(60))
        let agent = h.router.state(agent: 1)
        #expect(agent?.answered == 2 && agent?.offered == 2 && agent?.talkTime == .seconds(60))
    }

    @Test func estimatedWaitGrowsWithTheLine() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice))
        h.agent(1, queues: [0])
        _ = h.arrive(1, queue: 0)
        h.send(.accept(contact: 1, agent: 1))
        h.now = h.now + .seconds(120)
        h.send(.complete(contact: 1))                    // average handle time: 120 s
        _ = h.arrive(2, queue: 0)                        // offered at once: the agent is now busy
        #expect(h.router.stats(queue: 0)?.estimatedWait == .seconds(120))  // (0 waiting + 1) × 120 s ÷ 1 agent
        _ = h.arrive(3, queue: 0)
        #expect(h.router.stats(queue: 0)?.estimatedWait == .seconds(240))  // (1 waiting + 1) × 120 s ÷ 1 agent
        h.agent(2, queues: [0])                          // takes contact 3; a ready agent means no wait
        h.agent(3, queues: [0])
        #expect(h.router.stats(queue: 0)?.estimatedWait == .zero)
    }

    @Test func explainReturnsTheDecisionHistory() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice))
        h.agent(1, queues: [0]); h.agent(2, queues: [0])
        _ = h.arrive(7, queue: 0)
        h.send(.reject(contact: 7, agent: 1))
        h.send(.accept(contact: 7, agent: 2))
        h.send(.complete(contact: 7))
        let kinds = h.router.explain(contact: 7).map(\.kind)
        #expect(kinds == [.queued, .offered, .rejected, .offered, .accepted, .completed, .ended])
        let offers = h.router.explain(contact: 7).compactMap(\.reason)
        #expect(offers.map(\.strategy) == [.longestIdle, .longestIdle])
        #expect(offers.first?.trigger == .contactRouted)
    }

    @Test func statsChangedIsEmittedOncePerQueuePerEvent() {
        let h = Harness(emitsStats: true)
        h.queue(0, QueueSettings(tenant: 1, channel: .voice))
        h.agent(1, queues: [0])
        let out = h.arrive(1, queue: 0)
        #expect(out.filter { $0 == .statsChanged(queue: 0) }.count == 1)
    }
}
