/// Deciding who gets what (issue 3 §2): strategies over the ready list when a contact becomes routable,
/// and the global order across queues when an agent frees up.
extension RouterCore {
    /// The highest member level a contact may be offered to now (tiers widen every `tierWait`).
    func tier(of c: ContactRecord) -> UInt8 {
        let wait = queues[Int(c.queue)].settings.tierWait.nanoseconds
        guard wait > 0 else { return .max }
        let steps = (now &- c.enteredQueue) / wait
        return UInt8(clamping: 1 &+ max(0, steps))
    }

    /// Contact-dependent eligibility of a ready member: tier, preferred agent, skills, no offer already pending.
    func compatible(agent a: AgentID, level: UInt8, contact c: ContactRecord) -> Bool {
        if c.preferredAgent != nilIndex, c.preferredAgent != a { return false }
        if level > tier(of: c) { return false }
        if c.skillCount > 0 {
            let agent = agents[Int(a)]
            for i in 0..<Int(c.skillCount) where !agent.meets(c.skill(i)) { return false }
        }
        var o = c.offerHead
        while o != nilIndex {
            if offers[Int(o)].agent == a { return false }
            o = offers[Int(o)].next
        }
        return true
    }

    /// Routes a waiting contact with its queue's strategy; leaves it waiting when no ready member fits.
    mutating func routeContact(slot: UInt32, trigger: OfferReason.Trigger, allowDecliner: Bool = true) {
        let c = contacts[Int(slot)]
        guard c.phase == .waiting else { return }
        let qi = Int(c.queue)
        let strategy = queues[qi].settings.strategy
        if strategy == .ringAll {
            var picked: [UInt32] = []
            var m = queues[qi].readyHead
            while m != nilIndex {
                let r = members[Int(m)]
                if r.agent != c.declinedBy, compatible(agent: r.agent, level: r.level, contact: c) { picked.append(m) }
                m = r.next
            }
            if picked.isEmpty, allowDecliner, let d = decliner(of: c) { picked.append(d) }
            for m in picked {
                offer(contact: slot, member: m, trigger: trigger, score: now &- agents[Int(members[Int(m)].agent)].lastActivity,
                      fallback: members[Int(m)].agent == c.declinedBy)
            }
            return
        }
        var best = nilIndex
        var bestScore: Int64 = 0
        switch strategy {
        case .longestIdle, .ringAll:
            var m = queues[qi].readyHead
            while m != nilIndex {
                let r = members[Int(m)]
                if r.agent != c.declinedBy, compatible(agent: r.agent, level: r.level, contact: c) {
                    best = m; bestScore = now &- agents[Int(r.agent)].lastActivity; break
                }
                m = r.next
            }
        case .fewestContacts, .leastTalkTime:
            var m = queues[qi].readyHead
            while m != nilIndex {
                let r = members[Int(m)]
                if r.agent != c.declinedBy, compatible(agent: r.agent, level: r.level, contact: c) {
                    let a = agents[Int(r.agent)]
                    let score = strategy == .fewestContacts ? Int64(clamping: a.answered) : a.talkNanos
                    if best == nilIndex || score < bestScore { best = m; bestScore = score }
                }
                m = r.next
            }
        case .topDown, .roundRobin:
            let count = queues[qi].members.count
            let start = strategy == .topDown ? 0 : (count == 0 ? 0 : queues[qi].roundRobinCursor % count)
            for step in 0..<count {
                let index = (start + step) % count
                let m = queues[qi].members[index]
                let r = members[Int(m)]
                if r.ready, r.agent != c.declinedBy, compatible(agent: r.agent, level: r.level, contact: c) {
                    best = m; bestScore = Int64(r.position)
                    if strategy == .roundRobin { queues[Int(c.queue)].roundRobinCursor = index + 1 }
                    break
                }
            }
        case .random:
            var n: UInt64 = 0
            var m = queues[qi].readyHead
            while m != nilIndex {
                let r = members[Int(m)]
                if r.agent != c.declinedBy, compatible(agent: r.agent, level: r.level, contact: c) { n += 1 }
                m = r.next
            }
            if n > 0 {
                let draw = nextRandom() % n
                var k: UInt64 = 0
                m = queues[qi].readyHead
                while m != nilIndex {
                    let r = members[Int(m)]
                    if r.agent != c.declinedBy, compatible(agent: r.agent, level: r.level, contact: c) {
                        if k == draw { best = m; bestScore = Int64(draw); break }
                        k += 1
                    }
                    m = r.next
                }
            }
        }
        var fallback = false
        if best == nilIndex, allowDecliner, let d = decliner(of: c) { best = d; fallback = true }
        guard best != nilIndex else { return }
        offer(contact: slot, member: best, trigger: trigger, score: bestScore, fallback: fallback)
    }

    /// Routes contacts that went back to waiting together, best first (queue priority, priority, arrival),
    /// so that no agent is given a contact while a better one it could take is still to be routed.
    mutating func routeInOrder(_ slots: [UInt32]) {
        let sorted = slots.sorted { x, y in isBefore(x, priority: queues[Int(contacts[Int(x)].queue)].settings.priority, than: y) }
        for c in sorted { routeContact(slot: c, trigger: .contactRouted) }
    }

    /// The member slot of the agent who declined `c`, if that agent is ready and otherwise compatible.
    func decliner(of c: ContactRecord) -> UInt32? {
        guard c.declinedBy != nilIndex, let slot = memberSlot(agent: c.declinedBy, queue: c.queue) else { return nil }
        let r = members[Int(slot)]
        guard r.ready, compatible(agent: r.agent, level: r.level, contact: c) else { return nil }
        return slot
    }

    /// An agent has room again: give them the best waiting contact across all their queues, by queue priority,
    /// contact priority, then longest waiting (original arrival), repeatedly while room remains.
    mutating func routeToAgent(_ a: AgentID) {
        while true {
            var bestContact = nilIndex
            var bestMember = nilIndex
            // Read-only scan: the agent's slot list is borrowed, not copied (no retain per call).
            agents[Int(a)].members.withUnsafeBufferPointer { slots in
            for m in slots {
                let r = members[Int(m)]
                guard r.ready else { continue }
                let qi = Int(r.queue)
                var c = queues[qi].waitHead
                while c != nilIndex {
                    let rec = contacts[Int(c)]
                    if compatible(agent: a, level: r.level, contact: rec) {
                        if bestContact == nilIndex || isBefore(c, priority: queues[qi].settings.priority, than: bestContact) {
                            bestContact = c; bestMember = m
                        }
                        break
                    }
                    c = rec.waitNext
                }
            }
            }
            guard bestContact != nilIndex else { return }
            let waited = now &- contacts[Int(bestContact)].arrival
            offer(contact: bestContact, member: bestMember, trigger: .agentFreed, score: waited,
                  fallback: contacts[Int(bestContact)].declinedBy == a)
        }
    }

    /// Global order: queue priority, contact priority, original arrival, contact id.
    func isBefore(_ x: UInt32, priority px: Int32, than y: UInt32) -> Bool {
        let cx = contacts[Int(x)], cy = contacts[Int(y)]
        let py = queues[Int(cy.queue)].settings.priority
        if px != py { return px > py }
        return waitsBefore(cx, cy)
    }

    /// Order within a queue: contact priority desc, arrival asc, id asc.
    func waitsBefore(_ a: ContactRecord, _ b: ContactRecord) -> Bool {
        if a.priority != b.priority { return a.priority > b.priority }
        if a.arrival != b.arrival { return a.arrival < b.arrival }
        return a.id < b.id
    }

    /// Makes an offer: reserves the agent's capacity, starts the offer timer, emits `offer`.
    mutating func offer(contact slot: UInt32, member m: UInt32, trigger: OfferReason.Trigger, score: Int64, fallback: Bool) {
        let r = members[Int(m)]
        let qi = Int(r.queue)
        let settings = queues[qi].settings
        if contacts[Int(slot)].phase == .waiting { removeWaiting(slot) }
        contacts[Int(slot)].phase = .offered
        let o: UInt32
        if let reused = freeOffers.popLast() { o = reused } else { o = UInt32(offers.count); offers.append(OfferRecord()) }
        var deadline: RoutingInstant? = nil
        var timer = TimerHandle.none
        if settings.offerTimeout.nanoseconds > 0 {
            let at = now &+ settings.offerTimeout.nanoseconds
            deadline = RoutingInstant(nanoseconds: at)
            timer = timers.schedule(after: settings.offerTimeout.nanoseconds, now: now, kind: .offerTimeout, target: o)
        }
        offers[Int(o)] = OfferRecord(contact: slot, agent: r.agent, queue: r.queue, timer: timer,
                                     next: contacts[Int(slot)].offerHead, live: true)
        contacts[Int(slot)].offerHead = o
        contacts[Int(slot)].offerCount += 1
        agents[Int(r.agent)].addLoad(contacts[Int(slot)].channel, 1)
        agents[Int(r.agent)].offered += 1
        let c = contacts[Int(slot)]
        let tierNow = tier(of: c)
        let reason = OfferReason(trigger: trigger, strategy: settings.strategy, agentLevel: r.level,
                                 tier: tierNow == .max ? queues[qi].maxLevel : tierNow,
                                 skillsMatched: c.skillCount, score: score, fallbackToDecliner: fallback)
        emit(.offer(Offer(contact: c.id, agent: r.agent, queue: r.queue, channel: settings.channel, deadline: deadline, reason: reason)))
        record(.offered, contact: slot, agent: r.agent, reason: reason)
        offerObserver?(c.id, r.agent, r.queue, self)
        markDirty(r.queue)
        refreshReadiness(agent: r.agent, touch: true)
    }
}
