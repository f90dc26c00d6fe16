import Testing
import Synchronization
@_spi(Testing) @testable import Routing

/// `restore` (connected contacts put back after a server restart) and `position(contact:)` (a waiting
/// customer's place in line with an estimated wait), issue 3 §2 and issue 6.
@Suite struct RestoreAndPositionTests {
    func request(_ id: ContactID, queue: QueueID, tenant: TenantID = 1) -> ContactRequest {
        ContactRequest(id: id, tenant: tenant, queue: queue)
    }

    @Test func restoredContactHoldsCapacityWithoutAnOffer() {
        let h = Harness()
        h.queue(1, QueueSettings(tenant: 1, channel: .webchat))
        h.agent(1, queues: [1])
        h.now = .zero + .seconds(100)
        for id in ContactID(1)...3 {
            let out = h.send(.restore(request(id, queue: 1), agent: 1, connectedAt: .zero + .seconds(40)))
            #expect(out.offers.isEmpty && out.refusals.isEmpty)
        }
        #expect(h.router.state(agent: 1)?.load == [0, 3, 0])
        #expect(h.arrive(4, queue: 1).offers.isEmpty)             // three chats: no room for a fourth
        let done = h.send(.complete(contact: 1))                   // no wrap-up: ends at once, frees a place
        #expect(done.endings.map(\.2) == [.answered])
        #expect(done.offers.map(\.contact) == [4])
        #expect(h.router.state(agent: 1)?.talkTime == .seconds(60))  // talk counted from connectedAt
        #expect(h.router.explain(contact: 1).map(\.kind) == [.restored, .completed, .ended])
    }

    @Test func restoreNeedsNoLoginAndEndsLikeAnyConnectedContact() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice, wrapUp: .seconds(10)))
        h.send(.configureAgent(1, AgentProfile(tenant: 1)))         // not a member, not logged in
        #expect(h.send(.restore(request(1, queue: 0), agent: 1, connectedAt: .zero)).refusals.isEmpty)
        #expect(h.router.state(agent: 1)?.presence == .offline)
        #expect(h.router.state(agent: 1)?.load == [1, 0, 0])
        h.send(.setMembership(Membership(agent: 1, queue: 0)))
        h.send(.logIn(agent: 1, queue: 0))                          // reconnects: still on the call
        #expect(h.arrive(2, queue: 0).offers.isEmpty)
        h.send(.abandon(contact: 1))                                 // caller hung up: wrap-up starts
        #expect(h.send(.endWrapUp(contact: 1)).offers.map(\.contact) == [2])
        #expect(h.log.endings.filter { $0.0 == 1 }.map(\.2) == [.answered])
    }

    @Test func refusedRestoresChangeNothing() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice))
        h.agent(1, queues: [0])
        h.send(.configureAgent(2, AgentProfile(tenant: 2)))
        _ = h.arrive(5, queue: 0)                                    // offered to agent 1
        h.send(.accept(contact: 5, agent: 1))
        let cases: [(RoutingEvent, RoutingError)] = [
            (.restore(request(1, queue: 9), agent: 1, connectedAt: .zero), .unknownQueue(9)),
            (.restore(request(1, queue: 0), agent: 7, connectedAt: .zero), .unknownAgent(7)),
            (.restore(request(1, queue: 0, tenant: 2), agent: 1, connectedAt: .zero), .tenantMismatch),
            (.restore(request(1, queue: 0), agent: 2, connectedAt: .zero), .tenantMismatch),
            (.restore(request(5, queue: 0), agent: 1, connectedAt: .zero), .duplicateContact(5)),
            (.restore(request(1, queue: 0), agent: 1, connectedAt: .zero), .noRoom(agent: 1, contact: 1)),
        ]
        for (event, error) in cases {
            let before = h.router.state(agent: 1)
            #expect(h.send(event) == [.refused(error)])
            #expect(h.router.state(agent: 1) == before)
            #expect(h.router.explain(contact: 1).isEmpty)
        }
    }

    @Test func restorePushesOutAPendingOfferThatHeldTheRoom() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice))
        h.agent(1, queues: [0])
        #expect(h.arrive(1, queue: 0).offeredAgents == [1])
        h.agent(2, queues: [0])
        h.send(.pause(agent: 2, reason: .unspecified))
        let out = h.send(.restore(request(2, queue: 0), agent: 1, connectedAt: .zero))
        #expect(out.withdrawals.map(\.2) == [.agentBusy])
        #expect(out.offers.isEmpty)                                   // contact 1 waits: nobody else is available
        #expect(h.router.position(contact: 1)?.place == 1)
        #expect(h.send(.setAvailable(agent: 2)).offers.map(\.agent) == [2])
    }

    @Test func positionFollowsPriorityThenArrivalWithAnEstimatePerPlace() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .voice))
        h.agent(1, queues: [0])
        _ = h.arrive(10, queue: 0)
        h.send(.accept(contact: 10, agent: 1))
        h.now = h.now + .seconds(120)
        h.send(.complete(contact: 10))                                // average handle time 120 s
        #expect(h.arrive(11, queue: 0).offers.count == 1)             // the only agent is busy from here on
        _ = h.arrive(1, queue: 0)
        _ = h.arrive(2, queue: 0)
        h.now = h.now + .seconds(10)
        _ = h.arrive(3, queue: 0, priority: 5)
        h.advance(5)                                                  // the router's time is the last event's
        let p3 = h.router.position(contact: 3), p1 = h.router.position(contact: 1), p2 = h.router.position(contact: 2)
        #expect(p3?.place == 1 && p1?.place == 2 && p2?.place == 3)
        #expect(p1?.queue == 0 && p1?.waitingInQueue == 3)
        #expect(p3?.estimatedWait == .seconds(120) && p1?.estimatedWait == .seconds(240) && p2?.estimatedWait == .seconds(360))
        #expect(p1?.waited == .seconds(15) && p3?.waited == .seconds(5))
        #expect(h.router.stats(queue: 0)?.estimatedWait == .seconds(480))   // the tail model: a new contact would be 4th
        #expect(h.router.position(contact: 11) == nil)               // offered
        #expect(h.router.position(contact: 99) == nil)               // unknown
        h.send(.accept(contact: 11, agent: 1))
        #expect(h.router.position(contact: 11) == nil)               // connected
        h.send(.abandon(contact: 3))
        #expect(h.router.position(contact: 1)?.place == 1)
    }

    @Test func positionKeepsTheArrivalTimeAcrossOverflow() {
        let h = Harness()
        h.queue(0, QueueSettings(tenant: 1, channel: .webchat, maxWait: .seconds(30), overflowQueue: 1))
        h.queue(1, QueueSettings(tenant: 1, channel: .webchat))
        _ = h.arrive(1, queue: 0)
        h.advance(40)                                                 // moved to queue 1 at t = 30 s
        let p = h.router.position(contact: 1)
        #expect(p?.queue == 1 && p?.place == 1)
        #expect(p?.waited == .seconds(40) && p?.waitedInQueue == .seconds(10))
    }

    @Test func shardAnswersPositionQueries() {
        let shard = Shard(router: Router(), sink: CollectingSink(), ringCapacity: 16)
        _ = shard.submit(.configureQueue(0, QueueSettings(tenant: 1, channel: .webchat)))
        _ = shard.submit(.arrive(ContactRequest(id: 1, tenant: 1, queue: 0)))
        _ = shard.submit(.arrive(ContactRequest(id: 2, tenant: 1, queue: 0)))
        let answers = Mutex<[RoutingAnswer]>([])
        #expect(shard.query(.position(2)) { a in answers.withLock { $0.append(a) } })
        #expect(shard.query(.position(3)) { a in answers.withLock { $0.append(a) } })
        shard.runOnce(now: .zero + .seconds(7))
        let got = answers.withLock { $0 }
        guard got.count == 2, case .position(let p?) = got[0] else { Issue.record("answers \(got)"); return }
        #expect(p.place == 2 && p.waited == .zero)
        #expect(got[1] == .position(nil))
    }
}
