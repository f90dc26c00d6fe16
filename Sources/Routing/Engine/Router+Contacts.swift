/// The life of a contact (issue 3 §1–2): arrive, offer, accept / reject / timeout, abandon, complete,
/// wrap-up, tier widening, max wait and overflow.
extension RouterCore {
    mutating func arrive(_ request: ContactRequest) {
        let qid = request.queue
        guard isKnownQueue(qid) else { return refuse(.unknownQueue(qid)) }
        let settings = queues[Int(qid)].settings
        guard settings.tenant == request.tenant else { return refuse(.tenantMismatch) }
        guard contactSlots[request.id] == nil else { return refuse(.duplicateContact(request.id)) }
        guard request.requiredSkills.count <= 4 else { return refuse(.tooManySkills(request.id)) }
        let full = settings.maxSize > 0 && queues[Int(qid)].waitingCount >= settings.maxSize
        let nobody = settings.whenNoAgent == .refuse && queues[Int(qid)].loggedInCount == 0
        if full || nobody {
            queues[Int(qid)].counters.refused += 1
            markDirty(qid)
            emit(.contactEnded(contact: request.id, queue: qid, outcome: .refused))
            let d = Decision(contact: request.id, at: RoutingInstant(nanoseconds: now), kind: .refused, queue: qid, agent: nil, reason: nil)
            appendHistory(d)
            return
        }
        var c = ContactRecord()
        c.id = request.id
        c.tenant = request.tenant
        c.priority = request.priority
        c.arrival = min(request.arrival?.nanoseconds ?? now, now)
        c.skillCount = UInt8(request.requiredSkills.count)
        for (i, s) in request.requiredSkills.enumerated() {
            let packed = UInt32(s.skill) << 8 | UInt32(s.level)
            switch i { case 0: c.skills.0 = packed; case 1: c.skills.1 = packed; case 2: c.skills.2 = packed; default: c.skills.3 = packed }
        }
        let slot: UInt32
        if let reused = freeContacts.popLast() { slot = reused } else { slot = UInt32(contacts.count); contacts.append(c) }
        contacts[Int(slot)] = c
        contactSlots[request.id] = slot
        if let p = request.preferredAgent, request.preferredUntil.nanoseconds > now {
            contacts[Int(slot)].preferredAgent = p
            contacts[Int(slot)].preferredUntil = request.preferredUntil.nanoseconds
            contacts[Int(slot)].preferredTimer = timers.schedule(at: request.preferredUntil.nanoseconds, kind: .preferredExpiry, target: slot)
        }
        enterQueue(slot, qid)
        routeContact(slot: slot, trigger: .contactRouted)
    }

    /// Puts a contact in a queue's waiting line (new arrival or overflow), starting its max-wait and tier timers.
    mutating func enterQueue(_ slot: UInt32, _ qid: QueueID) {
        let settings = queues[Int(qid)].settings
        contacts[Int(slot)].queue = qid
        contacts[Int(slot)].channel = settings.channel
        contacts[Int(slot)].enteredQueue = now
        contacts[Int(slot)].declinedBy = nilIndex
        contacts[Int(slot)].phase = .waiting
        insertWaiting(slot)
        queues[Int(qid)].counters.arrived += 1
        if settings.maxWait.nanoseconds > 0 {
            contacts[Int(slot)].maxWaitTimer = timers.schedule(after: settings.maxWait.nanoseconds, now: now, kind: .maxWait, target: slot)
        }
        scheduleTier(slot)
        record(.queued, contact: slot)
        markDirty(qid)
    }

    /// Schedules the next tier widening of a contact if a higher member level exists in its queue.
    mutating func scheduleTier(_ slot: UInt32) {
        if contacts[Int(slot)].tierTimer != .none {
            timers.cancel(contacts[Int(slot)].tierTimer)
            contacts[Int(slot)].tierTimer = .none
        }
        let qi = Int(contacts[Int(slot)].queue)
        let wait = queues[qi].settings.tierWait.nanoseconds
        guard wait > 0 else { return }
        let c = contacts[Int(slot)]
        guard c.phase == .waiting || c.phase == .offered else { return }
        let t = tier(of: c)
        guard t < queues[qi].maxLevel else { return }
        contacts[Int(slot)].tierTimer = timers.schedule(at: c.enteredQueue &+ Int64(t) &* wait, kind: .tierWiden, target: slot)
    }

    mutating func widenTier(slot: UInt32) {
        contacts[Int(slot)].tierTimer = .none
        record(.tierWidened, contact: slot)
        scheduleTier(slot)
        routeContact(slot: slot, trigger: .contactRouted)
    }

    mutating func maxWaitReached(slot: UInt32) {
        let c = contacts[Int(slot)]
        guard c.phase == .waiting || c.phase == .offered else { return }
        let from = c.queue
        let target = queues[Int(from)].settings.overflowQueue
        let canOverflow = target.map { isKnownQueue($0) && queues[Int($0)].settings.tenant == c.tenant && $0 != from } ?? false
        let freed = withdrawAllOffers(contactSlot: slot, reason: canOverflow ? .overflowed : .timedOut)
        if c.phase == .waiting { removeWaiting(slot) }
        timers.cancel(contacts[Int(slot)].tierTimer)
        contacts[Int(slot)].tierTimer = .none
        if canOverflow, let to = target {
            queues[Int(from)].counters.overflowed += 1
            markDirty(from)
            record(.overflowed, contact: slot)
            emit(.contactEnded(contact: c.id, queue: from, outcome: .overflowed))
            emit(.overflow(contact: c.id, from: from, to: to))
            enterQueue(slot, to)
            // Agents freed by the withdrawal choose first (the contact is already in its new line),
            // so a freed agent takes the best contact rather than this one by default.
            for a in freed { routeToAgent(a) }
            routeContact(slot: slot, trigger: .contactRouted)
            return
        } else {
            queues[Int(from)].counters.timedOut += 1
            markDirty(from)
            record(.timedOut, contact: slot)
            emit(.contactEnded(contact: c.id, queue: from, outcome: .timedOut))
            freeContact(slot)
        }
        for a in freed { routeToAgent(a) }
    }

    mutating func accept(contact id: ContactID, agent a: AgentID) {
        guard let slot = contactSlots[id] else { return refuse(.unknownContact(id)) }
        guard contacts[Int(slot)].phase == .offered, let o = findOffer(contactSlot: slot, agent: a) else {
            return refuse(.noOfferPending(contact: id, agent: a))
        }
        unlinkOffer(o, releaseLoad: false)
        let others = withdrawAllOffers(contactSlot: slot, reason: .acceptedByAnother)
        let qid = contacts[Int(slot)].queue
        let wait = now &- contacts[Int(slot)].enteredQueue
        contacts[Int(slot)].phase = .connected
        contacts[Int(slot)].agent = a
        contacts[Int(slot)].answeredAt = now
        timers.cancel(contacts[Int(slot)].maxWaitTimer); contacts[Int(slot)].maxWaitTimer = .none
        timers.cancel(contacts[Int(slot)].tierTimer); contacts[Int(slot)].tierTimer = .none
        timers.cancel(contacts[Int(slot)].preferredTimer); contacts[Int(slot)].preferredTimer = .none
        queues[Int(qid)].counters.answered += 1
        queues[Int(qid)].counters.answerWaitNanos &+= wait
        if wait <= queues[Int(qid)].settings.serviceLevelThreshold.nanoseconds { queues[Int(qid)].counters.answeredWithinThreshold += 1 }
        agents[Int(a)].answered += 1
        agents[Int(a)].consecutiveNoAnswer = 0
        record(.accepted, contact: slot, agent: a)
        markDirty(qid)
        for other in others { routeToAgent(other) }
    }

    mutating func reject(contact id: ContactID, agent a: AgentID) {
        guard let slot = contactSlots[id] else { return refuse(.unknownContact(id)) }
        guard contacts[Int(slot)].phase == .offered, let o = findOffer(contactSlot: slot, agent: a) else {
            return refuse(.noOfferPending(contact: id, agent: a))
        }
        agents[Int(a)].rejected += 1
        record(.rejected, contact: slot, agent: a)
        declined(offer: o, delay: queues[Int(contacts[Int(slot)].queue)].settings.rejectDelay)
    }

    mutating func offerTimedOut(offer o: UInt32) {
        offers[Int(o)].timer = .none
        let a = offers[Int(o)].agent
        let slot = offers[Int(o)].contact
        let settings = queues[Int(offers[Int(o)].queue)].settings
        emit(.withdrawOffer(contact: contacts[Int(slot)].id, agent: a, reason: .timedOut))
        record(.offerTimedOut, contact: slot, agent: a)
        agents[Int(a)].noAnswers += 1
        agents[Int(a)].consecutiveNoAnswer += 1
        if settings.maxNoAnswer > 0, agents[Int(a)].consecutiveNoAnswer >= settings.maxNoAnswer {
            agents[Int(a)].consecutiveNoAnswer = 0
            agents[Int(a)].paused = true
            agents[Int(a)].pauseReason = .noAnswer
            emit(.autoPaused(agent: a, reason: .noAnswer))
        }
        declined(offer: o, delay: settings.noAnswerDelay)
        if agents[Int(a)].paused {
            let freed = withdrawOffers(agent: a, queue: nil, reason: .agentPaused)
            refreshReadiness(agent: a, touch: false)
            routeInOrder(freed)
        }
    }

    /// Common path of reject and timeout: drop the offer, apply the delay, re-route the contact
    /// (not to the same agent while another is eligible), then let the agent take other work.
    mutating func declined(offer o: UInt32, delay: RoutingDuration) {
        let a = offers[Int(o)].agent
        let slot = offers[Int(o)].contact
        unlinkOffer(o, releaseLoad: true)
        block(agent: a, for: delay)
        contacts[Int(slot)].declinedBy = a
        if contacts[Int(slot)].phase == .offered, contacts[Int(slot)].offerCount == 0 {
            contacts[Int(slot)].phase = .waiting
            insertWaiting(slot)
            scheduleTier(slot)
        }
        refreshReadiness(agent: a, touch: false)
        // Others first; the decliner then takes its best contact, which may be this one when no one else could.
        routeContact(slot: slot, trigger: .contactRouted, allowDecliner: false)
        routeToAgent(a)
    }

    mutating func abandon(contact id: ContactID) {
        guard let slot = contactSlots[id] else { return refuse(.unknownContact(id)) }
        let c = contacts[Int(slot)]
        switch c.phase {
        case .connected: return complete(contact: id)
        case .wrapUp, .free: return refuse(.notConnected(id))
        case .waiting, .offered: break
        }
        let freed = withdrawAllOffers(contactSlot: slot, reason: .abandoned)
        if c.phase == .waiting { removeWaiting(slot) }
        queues[Int(c.queue)].counters.abandoned += 1
        markDirty(c.queue)
        record(.abandoned, contact: slot)
        emit(.contactEnded(contact: id, queue: c.queue, outcome: .abandoned))
        freeContact(slot)
        for a in freed { routeToAgent(a) }
    }

    mutating func complete(contact id: ContactID) {
        guard let slot = contactSlots[id] else { return refuse(.unknownContact(id)) }
        guard contacts[Int(slot)].phase == .connected else { return refuse(.notConnected(id)) }
        let c = contacts[Int(slot)]
        let talk = now &- c.answeredAt
        agents[Int(c.agent)].talkNanos &+= talk
        queues[Int(c.queue)].counters.talkNanos &+= talk
        contacts[Int(slot)].phase = .wrapUp
        contacts[Int(slot)].completedAt = now
        record(.completed, contact: slot, agent: c.agent)
        let wrap = queues[Int(c.queue)].settings.wrapUp.nanoseconds
        if wrap > 0 {
            contacts[Int(slot)].wrapTimer = timers.schedule(after: wrap, now: now, kind: .wrapUpEnd, target: slot)
        } else {
            finishWrapUp(slot: slot)
        }
    }

    mutating func endWrapUp(contact id: ContactID) {
        guard let slot = contactSlots[id] else { return refuse(.unknownContact(id)) }
        guard contacts[Int(slot)].phase == .wrapUp else { return refuse(.notInWrapUp(id)) }
        timers.cancel(contacts[Int(slot)].wrapTimer)
        contacts[Int(slot)].wrapTimer = .none
        finishWrapUp(slot: slot)
    }

    /// Wrap-up is over: the agent's capacity is released and the contact ends as answered.
    mutating func finishWrapUp(slot: UInt32) {
        let c = contacts[Int(slot)]
        guard c.phase == .wrapUp else { return }
        agents[Int(c.agent)].addLoad(c.channel, -1)
        queues[Int(c.queue)].counters.completed += 1
        queues[Int(c.queue)].counters.handleNanos &+= now &- c.answeredAt
        markDirty(c.queue)
        record(.ended, contact: slot, agent: c.agent)
        emit(.contactEnded(contact: c.id, queue: c.queue, outcome: .answered))
        freeContact(slot)
        refreshReadiness(agent: c.agent, touch: true)
        routeToAgent(c.agent)
    }

    mutating func freeContact(_ slot: UInt32) {
        let c = contacts[Int(slot)]
        timers.cancel(c.maxWaitTimer); timers.cancel(c.tierTimer); timers.cancel(c.preferredTimer); timers.cancel(c.wrapTimer)
        contactSlots.removeValue(forKey: c.id)
        contacts[Int(slot)] = ContactRecord()
        freeContacts.append(slot)
    }
}
