@_spi(Testing) @testable import Routing

/// splitmix64 for reproducible test scenarios.
struct TestRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// A random but reproducible contact-center workload: mixed channels, skills, tiers, rejections,
/// timeouts, abandons and overflows (issue 3 §5). It reads the outputs to know what it may accept.
struct RandomScenario {
    var random: TestRandom
    let agentCount: Int
    let queueCount = 6
    var now = RoutingInstant.zero
    var nextContact: ContactID = 1
    /// Pending offers, connected and wrap-up contacts as the outputs told us.
    var offers: [(ContactID, AgentID)] = []
    var connected: [ContactID] = []
    var wrapping: [ContactID] = []
    var live: [ContactID] = []

    init(seed: UInt64, agents: Int = 14) {
        random = TestRandom(state: seed)
        agentCount = agents
    }

    /// The configuration events: six queues over three channels with different strategies, tiers,
    /// overflow and limits; agents with skills, capacities and memberships in about 3 queues.
    mutating func configuration() -> [RoutingEvent] {
        var events: [RoutingEvent] = []
        let settings: [QueueSettings] = [
            QueueSettings(tenant: 1, channel: .voice, strategy: .longestIdle, wrapUp: .seconds(3), offerTimeout: .seconds(8),
                          rejectDelay: .seconds(2), noAnswerDelay: .seconds(4), maxNoAnswer: 3, maxWait: .seconds(40), overflowQueue: 1,
                          maxSize: 8, tierWait: .seconds(10)),
            QueueSettings(tenant: 1, channel: .voice, strategy: .ringAll, offerTimeout: .seconds(6), maxWait: .seconds(60), maxSize: 8, priority: 2),
            QueueSettings(tenant: 1, channel: .webchat, strategy: .roundRobin, wrapUp: .seconds(2), offerTimeout: .seconds(10),
                          rejectDelay: .seconds(1), maxWait: .seconds(50), overflowQueue: 3, maxSize: 8, tierWait: .seconds(15)),
            QueueSettings(tenant: 1, channel: .webchat, strategy: .fewestContacts, offerTimeout: .seconds(10), maxSize: 8,
                          whenNoAgent: .refuse, priority: 1),
            QueueSettings(tenant: 1, channel: .whatsapp, strategy: .leastTalkTime, offerTimeout: .seconds(12), maxWait: .seconds(45),
                          overflowQueue: 5, maxSize: 8),
            QueueSettings(tenant: 1, channel: .whatsapp, strategy: .random, wrapUp: .seconds(1), offerTimeout: .zero, maxSize: 8,
                          tierWait: .seconds(5)),
        ]
        for (i, s) in settings.enumerated() { events.append(.configureQueue(QueueID(i), s)) }
        for a in 0..<agentCount {
            let skills = (0..<random.below(3)).map { _ in SkillLevel(skill: SkillID(random.below(3)), level: UInt8(1 + random.below(5))) }
            var caps = CapacityRules()
            if random.chance(15) { caps.maximum[Int(Channel.whatsapp.rawValue)] = 0 }
            if random.chance(10) { caps.chatBlocksVoice = true }
            events.append(.configureAgent(AgentID(a), AgentProfile(tenant: 1, eligible: !random.chance(10), skills: skills, capacity: caps)))
            var chosen: Set<Int> = []
            while chosen.count < 3 { chosen.insert(random.below(queueCount)) }
            for q in chosen.sorted() {
                events.append(.setMembership(Membership(agent: AgentID(a), queue: QueueID(q), level: UInt8(1 + random.below(3)), position: Int32(random.below(100)))))
                events.append(.logIn(agent: AgentID(a), queue: QueueID(q)))
            }
        }
        return events
    }

    /// The next random input; the time step is applied to `now` before it.
    mutating func nextEvent() -> RoutingEvent {
        now = now + .milliseconds(Int64(random.below(1500)))
        let roll = random.below(100)
        switch roll {
        case 0..<24:
            let id = nextContact; nextContact += 1
            let skills = random.chance(30) ? [SkillLevel(skill: SkillID(random.below(3)), level: UInt8(1 + random.below(3)))] : []
            let preferred: AgentID? = random.chance(5) ? AgentID(random.below(agentCount)) : nil
            return .arrive(ContactRequest(id: id, tenant: 1, queue: QueueID(random.below(queueCount)), priority: Int32(random.below(3)),
                                          requiredSkills: skills, preferredAgent: preferred, preferredUntil: now + .seconds(5)))
        case 24..<44 where !offers.isEmpty:
            let (c, a) = offers[random.below(offers.count)]
            return .accept(contact: c, agent: a)
        case 44..<50 where !offers.isEmpty:
            let (c, a) = offers[random.below(offers.count)]
            return .reject(contact: c, agent: a)
        case 50..<58 where !live.isEmpty:
            return .abandon(contact: live[random.below(live.count)])
        case 58..<72 where !connected.isEmpty:
            return .complete(contact: connected[random.below(connected.count)])
        case 72..<76 where !wrapping.isEmpty:
            return .endWrapUp(contact: wrapping[random.below(wrapping.count)])
        case 76..<80:
            return .pause(agent: AgentID(random.below(agentCount)), reason: .unspecified)
        case 80..<88:
            return .setAvailable(agent: AgentID(random.below(agentCount)))
        case 88..<90:
            return .logOut(agent: AgentID(random.below(agentCount)), queue: QueueID(random.below(queueCount)))
        case 90..<93:
            return .logIn(agent: AgentID(random.below(agentCount)), queue: QueueID(random.below(queueCount)))
        case 93:
            return .logOutAll(agent: AgentID(random.below(agentCount)))
        case 94:
            return .setEligible(agent: AgentID(random.below(agentCount)), eligible: random.chance(80))
        case 96:
            // A conversation put back after a restart; it may not fit (refused) or push out pending offers.
            let id = nextContact; nextContact += 1
            let since = now + .milliseconds(-Int64(random.below(20_000)))
            return .restore(ContactRequest(id: id, tenant: 1, queue: QueueID(random.below(queueCount))),
                            agent: AgentID(random.below(agentCount)), connectedAt: since)
        case 95:
            return .setMembership(Membership(agent: AgentID(random.below(agentCount)), queue: QueueID(random.below(queueCount)),
                                             level: UInt8(1 + random.below(3)), position: Int32(random.below(100))))
        default:
            now = now + .seconds(Int64(random.below(6)))
            return .tick
        }
    }

    /// Updates the scenario's view from the router's outputs (and the input that caused them).
    mutating func observe(_ event: RoutingEvent, _ outputs: [RoutingOutput]) {
        let refused = outputs.contains { if case .refused = $0 { true } else { false } }
        if !refused {
            switch event {
            case .arrive(let r): live.append(r.id)
            case .restore(let r, _, _):
                live.append(r.id)
                connected.append(r.id)
            case .accept(let c, _):
                offers.removeAll { $0.0 == c }
                connected.append(c)
            case .reject(let c, let a): offers.removeAll { $0 == (c, a) }
            case .complete(let c), .abandon(let c):
                if connected.contains(c) {
                    connected.removeAll { $0 == c }
                    wrapping.append(c)
                }
            default: break
            }
        }
        for o in outputs {
            switch o {
            case .offer(let offer): offers.append((offer.contact, offer.agent))
            case .withdrawOffer(let c, let a, _): offers.removeAll { $0 == (c, a) }
            case .contactEnded(let c, _, let outcome) where outcome != .overflowed:
                live.removeAll { $0 == c }
                connected.removeAll { $0 == c }
                wrapping.removeAll { $0 == c }
                offers.removeAll { $0.0 == c }
            default: break
            }
        }
    }
}
