import Testing
@_spi(Testing) @testable import Routing

/// Capacity per channel from one shared budget, channel mixing, eligibility and log-in rules (issue 3 §1).
@Suite struct CapacityAndAgentTests {
    func threeChannels() -> Harness {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice))
        h.queue(1, QueueSettings(tenant: 1, channel: .webchat))
        h.queue(2, QueueSettings(tenant: 1, channel: .whatsapp))
        return h
    }

    @Test func defaultMaximaPerChannel() {
        let h = threeChannels()
        h.agent(1, queues: [1])
        h.agent(2, queues: [2])
        let chats = (1...4).map { h.arrive(ContactID($0), queue: 1).offers.count }
        #expect(chats == [1, 1, 1, 0])
        let whatsapps = (11...16).map { h.arrive(ContactID($0), queue: 2).offers.count }
        #expect(whatsapps == [1, 1, 1, 1, 1, 0])
    }

    @Test func chatChannelsShareOneBudget() {
        let h = threeChannels()
        h.agent(1, queues: [1, 2])
        // 2 webchats (40) + 1 WhatsApp (12) = 52; another WhatsApp would be 64 > 60.
        #expect(h.arrive(1, queue: 1).offers.count == 1)
        #expect(h.arrive(2, queue: 1).offers.count == 1)
        #expect(h.arrive(3, queue: 2).offers.count == 1)
        #expect(h.arrive(4, queue: 2).offers.isEmpty)
        #expect(h.router.state(agent: 1)?.load == [0, 2, 1])
    }

    @Test func voiceBlocksNewChatsButChatsDoNotBlockVoice() {
        let h = threeChannels()
        h.agent(1, queues: [0, 1])
        #expect(h.arrive(1, queue: 1).offers.count == 1)     // a chat first
        #expect(h.arrive(2, queue: 0).offers.count == 1)     // a call is still offered
        #expect(h.arrive(3, queue: 1).offers.isEmpty)        // while on voice: no new chat
        h.send(.accept(contact: 2, agent: 1)); h.send(.complete(contact: 2))
        #expect(h.router.state(agent: 1)?.load == [0, 2, 0]) // the waiting chat went out when voice ended
    }

    @Test func tenantRuleChatBlocksVoice() {
        let h = threeChannels()
        h.agent(1, queues: [0, 1], capacity: CapacityRules(chatBlocksVoice: true))
        #expect(h.arrive(1, queue: 1).offers.count == 1)
        #expect(h.arrive(2, queue: 0).offers.isEmpty)
    }

    @Test func channelSwitchedOffForOneAgent() {
        let h = threeChannels()
        h.agent(1, queues: [2], capacity: CapacityRules(maximum: [1, 3, 0]))
        #expect(h.arrive(1, queue: 2).offers.isEmpty)
        h.agent(2, queues: [2])
        #expect(h.log.offers.last?.agent == 2)
    }

    @Test func ineligibleAgentIsNeverOffered() {
        let h = threeChannels()
        h.agent(1, queues: [0])
        h.send(.setEligible(agent: 1, eligible: false))
        #expect(h.arrive(1, queue: 0).offers.isEmpty)
        #expect(h.send(.setEligible(agent: 1, eligible: true)).offeredAgents == [1])
        let out = h.send(.setEligible(agent: 1, eligible: false))
        #expect(out.withdrawals.map(\.2) == [.agentIneligible])
    }

    @Test func logOutOfOneQueueKeepsTheOthers() {
        let h = threeChannels()
        h.agent(1, queues: [0, 1])
        h.send(.logOut(agent: 1, queue: 0))
        #expect(h.arrive(1, queue: 0).offers.isEmpty)
        #expect(h.arrive(2, queue: 1).offers.count == 1)
        #expect(h.router.state(agent: 1)?.loggedInQueues == [1])
    }

    @Test func logOutOfAllQueuesAfterAConfirmedEdit() {
        let h = threeChannels()
        h.agent(1, queues: [0, 1, 2])
        _ = h.arrive(1, queue: 1)
        let out = h.send(.logOutAll(agent: 1))
        #expect(out.withdrawals.map(\.2) == [.agentLoggedOut])
        #expect(h.router.state(agent: 1)?.presence == .offline)
        #expect(h.router.state(agent: 1)?.loggedInQueues == [])
        #expect(h.router.isWaiting(contact: 1) == true)
    }

    @Test func queueRefusesWhenNoAgentIsLoggedIn() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, whenNoAgent: .refuse))
        h.queue(1, QueueSettings(tenant: 1, channel: .voice, whenNoAgent: .accept))
        #expect(h.arrive(1, queue: 0).endings.map(\.2) == [.refused])
        #expect(h.arrive(2, queue: 1).endings.isEmpty)
        #expect(h.router.isWaiting(contact: 2) == true)
    }

    @Test func queueRefusesBeyondMaxSize() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, maxSize: 2))
        #expect(h.arrive(1, queue: 0).endings.isEmpty)
        #expect(h.arrive(2, queue: 0).endings.isEmpty)
        #expect(h.arrive(3, queue: 0).endings.map(\.2) == [.refused])
        #expect(h.router.stats(queue: 0)?.refused == 1)
    }

    @Test func badInputIsRefusedAndChangesNothing() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice))
        #expect(h.arrive(1, queue: 9).refusals == [.unknownQueue(9)])
        #expect(h.arrive(1, queue: 0, tenant: 2).refusals == [.tenantMismatch])
        _ = h.arrive(1, queue: 0)
        #expect(h.arrive(1, queue: 0).refusals == [.duplicateContact(1)])
        #expect(h.send(.logIn(agent: 4, queue: 0)).refusals == [.unknownAgent(4)])
        h.send(.configureAgent(4, AgentProfile(tenant: 2)))
        #expect(h.send(.setMembership(Membership(agent: 4, queue: 0))).refusals == [.tenantMismatch])
        #expect(h.send(.complete(contact: 1)).refusals == [.notConnected(1)])
        #expect(h.router.stats(queue: 0)?.waiting == 1)
    }
}
