import Routing

/// Issue 3 §6 scenario: 10,000 agents, 1,000 queues over the three channels, each agent in 5 queues,
/// default capacities. Queue q has channel q % 3, 50 members, a 20 s offer timeout and a 10 s wrap-up.
enum Scenario {
    static let agentCount = 10_000
    static let queueCount = 1_000
    static let queuesPerAgent = 5
    static let tenant: TenantID = 1

    static func channel(of q: Int) -> Channel { Channel(rawValue: UInt8(q % 3)) ?? .voice }

    static func settings(_ q: Int) -> QueueSettings {
        QueueSettings(tenant: tenant, channel: channel(of: q), wrapUp: .seconds(10), offerTimeout: .seconds(20))
    }

    /// The 5 distinct queues of agent `a` (spread so that every queue gets 50 members).
    static func queues(of a: Int) -> [Int] {
        (0..<queuesPerAgent).map { k in (a &* 7 &+ k &* 211) % queueCount }
    }

    /// Configuration events: queues, agents, memberships, log-ins.
    static func configuration(loggedIn: Bool = true) -> [RoutingEvent] {
        var events: [RoutingEvent] = []
        events.reserveCapacity(queueCount + agentCount * (1 + 2 * queuesPerAgent))
        for q in 0..<queueCount { events.append(.configureQueue(QueueID(q), settings(q))) }
        for a in 0..<agentCount {
            events.append(.configureAgent(AgentID(a), AgentProfile(tenant: tenant)))
            for q in queues(of: a) {
                events.append(.setMembership(Membership(agent: AgentID(a), queue: QueueID(q), position: Int32(a))))
                if loggedIn { events.append(.logIn(agent: AgentID(a), queue: QueueID(q))) }
            }
        }
        return events
    }

    /// A router with the scenario loaded, outputs drained. `contacts` is the contact table space reserved up
    /// front (0 for the memory measurement, so that per-agent bytes do not include contact tables).
    static func makeRouter(loggedIn: Bool = true, contacts: Int = 1 << 16) -> Router {
        let router = Router(historyCapacity: 1 << 12, emitsStatsChanges: false)
        router.reserve(agents: agentCount, queues: queueCount, contacts: contacts)
        for e in configuration(loggedIn: loggedIn) {
            router.handle(e, now: .zero)
            while router.pollOutput() != nil {}
        }
        return router
    }

    /// The queue of the i-th contact of a run.
    @inline(__always) static func queue(ofContact i: Int) -> QueueID { QueueID(i % queueCount) }
}
