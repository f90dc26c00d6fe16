import Testing
@_spi(Testing) @testable import Routing

/// One test per strategy (issue 3 §2 "Strategies per queue").
@Suite struct StrategyTests {
    /// Three agents in one voice queue; agents join at 1 s intervals so their idle times differ.
    func setUp(_ strategy: RoutingStrategy, seed: UInt64 = 1) -> Harness {
        let h = Harness(seed: seed)
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, strategy: strategy))
        for a: AgentID in [2, 0, 1] {
            h.agent(a, queues: [0], position: Int32(a))
            h.now = h.now + .seconds(1)
        }
        return h
    }

    /// Runs one full cycle for a contact and returns the agent that got it.
    func cycle(_ h: Harness, _ id: ContactID) -> AgentID? {
        let out = h.arrive(id, queue: 0)
        guard let agent = out.offeredAgents.first else { return nil }
        h.send(.accept(contact: id, agent: agent))
        h.now = h.now + .seconds(Int64(10 * (agent + 1)))
        h.send(.complete(contact: id))
        return agent
    }

    @Test func longestIdleOffersTheAgentIdleLongest() {
        let h = setUp(.longestIdle)
        #expect(cycle(h, 1) == 2)   // logged in first
        #expect(cycle(h, 2) == 0)
        #expect(cycle(h, 3) == 1)
        #expect(cycle(h, 4) == 2)   // 2 finished first again
    }

    @Test func roundRobinRemembersItsPlace() {
        let h = setUp(.roundRobin)
        #expect([cycle(h, 1), cycle(h, 2), cycle(h, 3), cycle(h, 4)] == [0, 1, 2, 0])
        h.send(.pause(agent: 1, reason: .unspecified))
        #expect(cycle(h, 5) == 2)   // skips the paused agent, continues after 0
        #expect(cycle(h, 6) == 0)
    }

    @Test func fewestContactsPrefersTheLeastBusyAgent() {
        let h = setUp(.fewestContacts)
        h.send(.pause(agent: 0, reason: .unspecified))
        h.send(.pause(agent: 1, reason: .unspecified))
        #expect(cycle(h, 1) == 2)
        #expect(cycle(h, 2) == 2)
        h.send(.setAvailable(agent: 0))
        h.send(.setAvailable(agent: 1))
        let third = cycle(h, 3)
        #expect(third == 0 || third == 1)
        let fourth = cycle(h, 4)
        #expect(fourth != 2 && fourth != third)
    }

    @Test func leastTalkTimePrefersTheAgentWhoTalkedLeast() {
        let h = setUp(.leastTalkTime)
        // cycle() talks 10 s × (agent + 1): agent 2 talks 30 s, agent 0 10 s, agent 1 20 s.
        _ = cycle(h, 1); _ = cycle(h, 2); _ = cycle(h, 3)
        #expect(cycle(h, 4) == 0)
        #expect(cycle(h, 5) == 1)   // 0 and 1 both at 20 s: the tie goes to the one idle longer
    }

    @Test func topDownAlwaysStartsAtTheFirstPosition() {
        let h = setUp(.topDown)
        #expect(cycle(h, 1) == 0)
        #expect(cycle(h, 2) == 0)
        let a = h.arrive(3, queue: 0).offeredAgents
        let b = h.arrive(4, queue: 0).offeredAgents
        #expect(a == [0] && b == [1])
    }

    @Test func ringAllOffersEveryoneAndWithdrawsTheRestOnFirstAccept() {
        let h = setUp(.ringAll)
        let out = h.arrive(1, queue: 0)
        #expect(Set(out.offeredAgents) == [0, 1, 2])
        let accepted = h.send(.accept(contact: 1, agent: 1))
        #expect(Set(accepted.withdrawals.map(\.1)) == [0, 2])
        #expect(accepted.withdrawals.allSatisfy { $0.2 == .acceptedByAnother })
        let late = h.send(.accept(contact: 1, agent: 0))
        #expect(late.refusals == [.noOfferPending(contact: 1, agent: 0)])
    }

    @Test func randomIsSeededAndDeterministic() {
        func run(_ seed: UInt64) -> [AgentID?] {
            let h = setUp(.random, seed: seed)
            return (1...12).map { cycle(h, $0) }
        }
        #expect(run(7) == run(7))
        let picks = run(7)
        #expect(Set(picks.compactMap { $0 }).count > 1)
        #expect(run(7) != run(8) || run(7) != run(9))
    }
}
