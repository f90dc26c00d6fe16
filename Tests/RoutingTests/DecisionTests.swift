import Testing
@_spi(Testing) @testable import Routing

/// One test per decision rule of issue 3 §2.
@Suite struct DecisionTests {
    @Test func tiersWidenAfterTheTierWait() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, tierWait: .seconds(30)))
        h.agent(1, queues: [0], level: 2)
        let out = h.arrive(1, queue: 0)
        #expect(out.offers.isEmpty)
        #expect(h.advance(29).offers.isEmpty)
        let widened = h.advance(1).offers
        #expect(widened.map(\.agent) == [1])
        #expect(widened.first?.reason.tier == 2 && widened.first?.reason.agentLevel == 2)
        h.agent(2, queues: [0], level: 1)
        #expect(h.arrive(2, queue: 0).offeredAgents == [2])   // level 1 takes the next one at once
    }

    @Test func skillsRestrictWhoIsOffered() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .webchat))
        h.agent(1, queues: [0], skills: [SkillLevel(skill: 7, level: 2)])
        h.agent(2, queues: [0], skills: [SkillLevel(skill: 7, level: 4)])
        let out = h.arrive(1, queue: 0, skills: [SkillLevel(skill: 7, level: 3)])
        #expect(out.offeredAgents == [2])
        #expect(out.offers.first?.reason.skillsMatched == 1)
        #expect(h.arrive(2, queue: 0, skills: [SkillLevel(skill: 9, level: 1)]).offers.isEmpty)
        #expect(h.router.isWaiting(contact: 2) == true)
    }

    @Test func freedAgentTakesTheBestContactAcrossQueues() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, priority: 0))
        h.queue(1, QueueSettings(tenant: 1, channel: .voice, priority: 5))
        h.agent(1, queues: [0, 1])
        h.send(.pause(agent: 1, reason: .unspecified))
        _ = h.arrive(10, queue: 0, priority: 9)       // low-priority queue, high contact priority, oldest
        h.now = h.now + .seconds(1)
        _ = h.arrive(11, queue: 1)                    // high-priority queue, newer
        h.now = h.now + .seconds(1)
        _ = h.arrive(12, queue: 1, priority: 3)       // high-priority queue, higher contact priority, newest
        h.now = h.now + .seconds(1)
        _ = h.arrive(13, queue: 0)
        let order = [12, 11, 10, 13].map { (expected: ContactID) -> Bool in
            let out = h.send(.setAvailable(agent: 1))
            let got = out.offers.first?.contact
            if let got {
                h.send(.accept(contact: got, agent: 1))
                h.send(.complete(contact: got))
                h.send(.pause(agent: 1, reason: .unspecified))
            }
            return got == expected
        }
        #expect(order == [true, true, true, true])
    }

    @Test func overflowKeepsThePlaceInLine() {
        let h = Harness()
        h.queue(1, QueueSettings(tenant: 1, channel: .voice))
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, maxWait: .seconds(60), overflowQueue: 1))
        h.agent(5, queues: [1])
        h.send(.pause(agent: 5, reason: .unspecified))
        _ = h.arrive(1, queue: 0)                 // t = 0 in queue 0
        h.now = h.now + .seconds(10)
        _ = h.arrive(2, queue: 1)                 // t = 10 directly in queue 1
        let moved = h.advance(50)                 // t = 60: contact 1 overflows into queue 1
        #expect(moved.contains(.overflow(contact: 1, from: 0, to: 1)))
        #expect(moved.endings.map(\.2) == [.overflowed])
        let out = h.send(.setAvailable(agent: 5))
        #expect(out.offers.first?.contact == 1)   // keeps its t = 0 arrival: ahead of contact 2
    }

    @Test func maxWaitWithoutOverflowTimesOut() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, maxWait: .seconds(5)))
        _ = h.arrive(1, queue: 0)
        let out = h.advance(5)
        #expect(out.endings.map(\.2) == [.timedOut])
        #expect(h.router.isWaiting(contact: 1) == nil)
    }

    @Test func rejectAppliesTheDelayAndRoutesElsewhere() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, rejectDelay: .seconds(10)))
        h.agent(1, queues: [0])
        h.now = h.now + .seconds(1)
        h.agent(2, queues: [0])
        #expect(h.arrive(1, queue: 0).offeredAgents == [1])
        let out = h.send(.reject(contact: 1, agent: 1))
        #expect(out.offeredAgents == [2])
        h.send(.reject(contact: 1, agent: 2))
        #expect(h.router.isWaiting(contact: 1) == true)   // both in reject delay
        let back = h.advance(10)
        #expect(back.offers.count == 1)
        #expect(h.router.state(agent: 1)?.rejected == 1)
    }

    @Test func rejectGoesBackToTheSameAgentOnlyWhenNoOneElseIsEligible() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice))
        h.agent(1, queues: [0])
        _ = h.arrive(1, queue: 0)
        let out = h.send(.reject(contact: 1, agent: 1))
        #expect(out.offers.map(\.agent) == [1])
        #expect(out.offers.first?.reason.fallbackToDecliner == true)
    }

    @Test func timeoutCountsNoAnswerAndAutoPauses() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, offerTimeout: .seconds(15), noAnswerDelay: .seconds(5), maxNoAnswer: 2))
        h.agent(1, queues: [0])
        let first = h.arrive(1, queue: 0).offers.first
        #expect(first?.deadline == h.now + .seconds(15))
        let t1 = h.advance(15)
        #expect(t1.withdrawals.map(\.2) == [.timedOut])
        #expect(h.router.state(agent: 1)?.blockedUntil == h.now + .seconds(5))
        let again = h.advance(5)
        #expect(again.offeredAgents == [1])
        let t2 = h.advance(15)
        #expect(t2.contains(.autoPaused(agent: 1, reason: .noAnswer)))
        #expect(h.router.state(agent: 1)?.presence == .paused(.noAnswer))
        #expect(h.router.state(agent: 1)?.noAnswers == 2)
    }

    @Test func abandonWithdrawsTheContactAndItsOffers() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, strategy: .ringAll))
        h.agent(1, queues: [0]); h.agent(2, queues: [0])
        #expect(h.arrive(1, queue: 0).offers.count == 2)
        let out = h.send(.abandon(contact: 1))
        #expect(out.withdrawals.count == 2 && out.withdrawals.allSatisfy { $0.2 == .abandoned })
        #expect(out.endings.map(\.2) == [.abandoned])
        #expect(h.send(.accept(contact: 1, agent: 1)).refusals == [.unknownContact(1)])
        #expect(h.router.stats(queue: 0)?.abandoned == 1)
    }

    @Test func workConservationRoutesAsSoonAsAnAgentFreesUp() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, wrapUp: .seconds(30)))
        h.agent(1, queues: [0])
        _ = h.arrive(1, queue: 0)
        h.send(.accept(contact: 1, agent: 1))
        #expect(h.arrive(2, queue: 0).offers.isEmpty)
        h.send(.complete(contact: 1))
        #expect(h.advance(29).offers.isEmpty)          // still in wrap-up
        let out = h.advance(1)                          // wrap-up ends by timer
        #expect(out.endings.map(\.2) == [.answered])
        #expect(out.offers.map(\.contact) == [2])
    }

    @Test func endWrapUpEarlyFreesTheAgent() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, wrapUp: .seconds(30)))
        h.agent(1, queues: [0])
        _ = h.arrive(1, queue: 0)
        h.send(.accept(contact: 1, agent: 1))
        h.send(.complete(contact: 1))
        _ = h.arrive(2, queue: 0)
        #expect(h.send(.endWrapUp(contact: 1)).offers.map(\.contact) == [2])
    }

    @Test func preferredAgentIsStickyUntilItsWindowEnds() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .webchat))
        h.agent(1, queues: [0]); h.agent(2, queues: [0])
        h.send(.pause(agent: 2, reason: .unspecified))
        #expect(h.arrive(1, queue: 0, preferred: 2, preferredFor: 60).offers.isEmpty)
        #expect(h.send(.setAvailable(agent: 2)).offers.map(\.agent) == [2])
        h.send(.pause(agent: 2, reason: .unspecified))
        #expect(h.arrive(2, queue: 0, preferred: 2, preferredFor: 60).offers.isEmpty)
        #expect(h.advance(60).offers.map(\.agent) == [1, 1])   // windows over: anyone (agent 1 has chat room)
    }
}
