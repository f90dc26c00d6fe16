import Testing
@_spi(Testing) @testable import Routing

/// Drives a router with a manual clock and keeps every output, checking the invariants after each event.
final class Harness {
    let router: Router
    var now = RoutingInstant.zero
    var log: [RoutingOutput] = []
    var lastOutputs: [RoutingOutput] = []
    var checkInvariants = true

    init(seed: UInt64 = 1, emitsStats: Bool = false) {
        router = Router(randomSeed: seed, emitsStatsChanges: emitsStats)
    }

    @discardableResult
    func send(_ event: RoutingEvent) -> [RoutingOutput] {
        router.handle(event, now: now)
        var out: [RoutingOutput] = []
        while let o = router.pollOutput() { out.append(o) }
        log += out
        lastOutputs = out
        if checkInvariants {
            let problems = router.invariantViolations()
            #expect(problems.isEmpty, "after \(event): \(problems)")
        }
        return out
    }

    /// Advances the clock by `seconds` and fires due timers.
    @discardableResult
    func advance(_ seconds: Int64) -> [RoutingOutput] {
        now = now + .seconds(seconds)
        return send(.tick)
    }

    func queue(_ id: QueueID, _ settings: QueueSettings) { send(.configureQueue(id, settings)) }

    /// Configures an agent, links it to queues (level 1, position = order) and logs it in to them.
    func agent(_ id: AgentID, tenant: TenantID = 1, queues: [QueueID], skills: [SkillLevel] = [],
               capacity: CapacityRules = CapacityRules(), level: UInt8 = 1, position: Int32? = nil) {
        send(.configureAgent(id, AgentProfile(tenant: tenant, skills: skills, capacity: capacity)))
        for q in queues {
            send(.setMembership(Membership(agent: id, queue: q, level: level, position: position ?? Int32(id))))
            send(.logIn(agent: id, queue: q))
        }
    }

    func arrive(_ id: ContactID, queue: QueueID, tenant: TenantID = 1, priority: Int32 = 0,
                skills: [SkillLevel] = [], preferred: AgentID? = nil, preferredFor: Int64 = 0) -> [RoutingOutput] {
        send(.arrive(ContactRequest(id: id, tenant: tenant, queue: queue, priority: priority, requiredSkills: skills,
                                    preferredAgent: preferred, preferredUntil: now + .seconds(preferredFor))))
    }
}

extension [RoutingOutput] {
    var offers: [Offer] { compactMap { if case .offer(let o) = $0 { o } else { nil } } }
    var offeredAgents: [AgentID] { offers.map(\.agent) }
    var withdrawals: [(ContactID, AgentID, WithdrawReason)] {
        compactMap { if case .withdrawOffer(let c, let a, let r) = $0 { (c, a, r) } else { nil } }
    }
    var endings: [(ContactID, QueueID, ContactOutcome)] {
        compactMap { if case .contactEnded(let c, let q, let o) = $0 { (c, q, o) } else { nil } }
    }
    var refusals: [RoutingError] { compactMap { if case .refused(let e) = $0 { e } else { nil } } }
}
