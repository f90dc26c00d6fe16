/// Configuration pushed by the server and the agent's own events (issue 3 §"API shape", §4 wiring):
/// queues, agents, memberships, log in / out (one queue or all), available / paused, eligibility.
extension RouterCore {
    mutating func configureQueue(_ id: QueueID, _ settings: QueueSettings) {
        guard settings.overflowQueue != id else { return refuse(.invalidSettings(id)) }
        if Int(id) >= queues.count { queues.append(contentsOf: repeatElement(QueueRecord(), count: Int(id) + 1 - queues.count)) }
        let old = queues[Int(id)]
        if old.configured, old.settings.tenant != settings.tenant, !old.members.isEmpty || old.waitingCount > 0 {
            return refuse(.tenantMismatch)
        }
        if old.configured, old.settings.channel != settings.channel, old.waitingCount > 0 {
            return refuse(.invalidSettings(id))
        }
        queues[Int(id)].configured = true
        queues[Int(id)].settings = settings
        markDirty(id)
        let agentsOfQueue = old.members.map { members[Int($0)].agent }
        for a in agentsOfQueue { refreshReadiness(agent: a, touch: false) }
        rerouteQueue(id)
        for a in agentsOfQueue { routeToAgent(a) }
    }

    /// Re-routes every waiting contact of a queue (after a configuration change), in line order.
    mutating func rerouteQueue(_ id: QueueID) {
        var c = queues[Int(id)].waitHead
        var line: [UInt32] = []
        while c != nilIndex { line.append(c); c = contacts[Int(c)].waitNext }
        for slot in line {
            scheduleTier(slot)
            routeContact(slot: slot, trigger: .contactRouted)
        }
    }

    mutating func configureAgent(_ id: AgentID, _ profile: AgentProfile) {
        let caps = profile.capacity
        guard caps.maximum.count == Channel.allCases.count, caps.cost.count == Channel.allCases.count else {
            return refuse(.unknownAgent(id))
        }
        if Int(id) >= agents.count { agents.append(contentsOf: repeatElement(AgentRecord(), count: Int(id) + 1 - agents.count)) }
        let old = agents[Int(id)]
        if old.configured, old.tenant != profile.tenant, !old.members.isEmpty { return refuse(.tenantMismatch) }
        agents[Int(id)].configured = true
        agents[Int(id)].tenant = profile.tenant
        agents[Int(id)].skills = profile.skills.map { UInt32($0.skill) << 8 | UInt32($0.level) }.sorted()
        agents[Int(id)].capacity = PackedCapacity(caps)
        if old.configured {
            // Recompute the budget with the new costs from the current loads.
            var used = 0
            for ch in [Channel.webchat, .whatsapp] { used += Int(old.load(ch)) * Int(caps.cost[Int(ch.rawValue)]) }
            agents[Int(id)].budgetUsed = UInt16(clamping: used)
        }
        setEligible(agent: id, eligible: profile.eligible)
    }

    mutating func setMembership(_ m: Membership) {
        guard isKnownAgent(m.agent) else { return refuse(.unknownAgent(m.agent)) }
        guard isKnownQueue(m.queue) else { return refuse(.unknownQueue(m.queue)) }
        guard agents[Int(m.agent)].tenant == queues[Int(m.queue)].settings.tenant else { return refuse(.tenantMismatch) }
        let level = max(1, m.level)
        if let slot = memberSlot(agent: m.agent, queue: m.queue) {
            members[Int(slot)].level = level
            members[Int(slot)].position = m.position
        } else {
            let record = MemberRecord(agent: m.agent, queue: m.queue, level: level, position: m.position)
            let slot: UInt32
            if let reused = freeMembers.popLast() { slot = reused; members[Int(slot)] = record } else { slot = UInt32(members.count); members.append(record) }
            agents[Int(m.agent)].members.append(slot)
            queues[Int(m.queue)].members.append(slot)
        }
        sortMembers(m.queue)
        rerouteQueue(m.queue)
        routeToAgent(m.agent)
    }

    mutating func sortMembers(_ q: QueueID) {
        var list = queues[Int(q)].members
        list.sort { x, y in
            let a = members[Int(x)], b = members[Int(y)]
            return a.position != b.position ? a.position < b.position : a.agent < b.agent
        }
        queues[Int(q)].members = list
        queues[Int(q)].maxLevel = list.reduce(1) { max($0, members[Int($1)].level) }
    }

    mutating func removeMembership(agent a: AgentID, queue q: QueueID) {
        guard isKnownAgent(a) else { return refuse(.unknownAgent(a)) }
        guard let slot = memberSlot(agent: a, queue: q) else { return refuse(.notAMember(agent: a, queue: q)) }
        if members[Int(slot)].loggedIn { logOut(agent: a, queue: q, reason: .agentLoggedOut) }
        agents[Int(a)].members.removeAll { $0 == slot }
        queues[Int(q)].members.removeAll { $0 == slot }
        members[Int(slot)].live = false
        freeMembers.append(slot)
        sortMembers(q)
    }

    mutating func logIn(agent a: AgentID, queue q: QueueID) {
        guard isKnownAgent(a) else { return refuse(.unknownAgent(a)) }
        guard let slot = memberSlot(agent: a, queue: q) else { return refuse(.notAMember(agent: a, queue: q)) }
        guard !members[Int(slot)].loggedIn else { return }
        members[Int(slot)].loggedIn = true
        agents[Int(a)].loggedInCount += 1
        queues[Int(q)].loggedInCount += 1
        markDirty(q)
        refreshReadiness(agent: a, touch: false)
        routeToAgent(a)
    }

    mutating func logOut(agent a: AgentID, queue q: QueueID, reason: WithdrawReason) {
        guard isKnownAgent(a) else { return refuse(.unknownAgent(a)) }
        guard let slot = memberSlot(agent: a, queue: q) else { return refuse(.notAMember(agent: a, queue: q)) }
        guard members[Int(slot)].loggedIn else { return }
        let back = withdrawOffers(agent: a, queue: q, reason: reason)
        members[Int(slot)].loggedIn = false
        agents[Int(a)].loggedInCount -= 1
        queues[Int(q)].loggedInCount -= 1
        markDirty(q)
        refreshReadiness(agent: a, touch: false)
        routeInOrder(back)
        routeToAgent(a)
    }

    /// Product rule (PRODUCT.md): after a confirmed edit the agent is logged out of every queue.
    mutating func logOutAll(agent a: AgentID) {
        guard isKnownAgent(a) else { return refuse(.unknownAgent(a)) }
        for slot in agents[Int(a)].members where members[Int(slot)].loggedIn {
            logOut(agent: a, queue: members[Int(slot)].queue, reason: .agentLoggedOut)
        }
    }

    mutating func setAvailable(agent a: AgentID) {
        guard isKnownAgent(a) else { return refuse(.unknownAgent(a)) }
        guard agents[Int(a)].paused else { return }
        agents[Int(a)].paused = false
        agents[Int(a)].pauseReason = .unspecified
        agents[Int(a)].consecutiveNoAnswer = 0
        refreshReadiness(agent: a, touch: false)
        routeToAgent(a)
    }

    mutating func pause(agent a: AgentID, reason: PauseReason, automatic: Bool) {
        guard isKnownAgent(a) else { return refuse(.unknownAgent(a)) }
        agents[Int(a)].paused = true
        agents[Int(a)].pauseReason = reason
        if automatic { emit(.autoPaused(agent: a, reason: reason)) }
        let back = withdrawOffers(agent: a, queue: nil, reason: .agentPaused)
        refreshReadiness(agent: a, touch: false)
        routeInOrder(back)
    }

    /// An ineligible agent is never offered anything (issue 3 §1); pending offers are withdrawn.
    mutating func setEligible(agent a: AgentID, eligible: Bool) {
        guard isKnownAgent(a) else { return refuse(.unknownAgent(a)) }
        agents[Int(a)].eligible = eligible
        var back: [UInt32] = []
        if !eligible { back = withdrawOffers(agent: a, queue: nil, reason: .agentIneligible) }
        refreshReadiness(agent: a, touch: false)
        routeInOrder(back)
        if eligible { routeToAgent(a) }
    }
}
