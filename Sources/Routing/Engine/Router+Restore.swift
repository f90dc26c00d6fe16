/// Putting back connected contacts after a server restart (issue 6 needs it: WebChat / WhatsApp
/// conversations survive a restart of the router, which keeps no state of its own on disk).
extension RouterCore {
    /// Restores `request` as a contact connected to `a` since `connectedAt` (clamped to `now`).
    /// Refused, changing nothing, for an unknown queue or agent, a tenant mismatch, a duplicate id,
    /// more than 4 skills, or when the agent's connected and wrap-up contacts leave no room on the channel.
    mutating func restore(_ request: ContactRequest, agent a: AgentID, connectedAt: RoutingInstant) {
        let qid = request.queue
        guard isKnownQueue(qid) else { return refuse(.unknownQueue(qid)) }
        guard isKnownAgent(a) else { return refuse(.unknownAgent(a)) }
        let channel = queues[Int(qid)].settings.channel
        guard queues[Int(qid)].settings.tenant == request.tenant, agents[Int(a)].tenant == request.tenant else {
            return refuse(.tenantMismatch)
        }
        guard contactSlots[request.id] == nil else { return refuse(.duplicateContact(request.id)) }
        guard request.requiredSkills.count <= 4 else { return refuse(.tooManySkills(request.id)) }
        // Room is judged on what the agent really holds; pending offers give way to a live conversation.
        var settled = agents[Int(a)]
        for o in offers.indices where offers[o].live && offers[o].agent == a {
            settled.addLoad(contacts[Int(offers[o].contact)].channel, -1)
        }
        guard settled.hasRoom(channel) else { return refuse(.noRoom(agent: a, contact: request.id)) }
        var back: [UInt32] = []
        if !agents[Int(a)].hasRoom(channel) {
            back = withdrawOffers(agent: a, queue: nil, reason: .agentBusy)
        }
        let at = min(connectedAt.nanoseconds, now)
        var c = ContactRecord()
        c.id = request.id
        c.tenant = request.tenant
        c.queue = qid
        c.channel = channel
        c.priority = request.priority
        c.arrival = min(request.arrival?.nanoseconds ?? at, at)
        c.enteredQueue = c.arrival
        c.skillCount = UInt8(request.requiredSkills.count)
        for (i, s) in request.requiredSkills.enumerated() {
            let packed = UInt32(s.skill) << 8 | UInt32(s.level)
            switch i { case 0: c.skills.0 = packed; case 1: c.skills.1 = packed; case 2: c.skills.2 = packed; default: c.skills.3 = packed }
        }
        c.phase = .connected
        c.agent = a
        c.answeredAt = at
        let slot: UInt32
        if let reused = freeContacts.popLast() { slot = reused } else { slot = UInt32(contacts.count); contacts.append(c) }
        contacts[Int(slot)] = c
        contactSlots[request.id] = slot
        agents[Int(a)].addLoad(channel, 1)
        record(.restored, contact: slot, agent: a)
        markDirty(qid)
        refreshReadiness(agent: a, touch: false)
        routeInOrder(back)
        if !back.isEmpty { routeToAgent(a) }
    }
}
