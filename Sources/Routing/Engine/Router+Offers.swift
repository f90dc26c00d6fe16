/// Offer bookkeeping and the waiting line of each queue.
extension RouterCore {
    func findOffer(contactSlot: UInt32, agent a: AgentID) -> UInt32? {
        var o = contacts[Int(contactSlot)].offerHead
        while o != nilIndex {
            if offers[Int(o)].agent == a { return o }
            o = offers[Int(o)].next
        }
        return nil
    }

    /// Removes an offer from its contact's list and frees it; `releaseLoad` gives the agent its capacity back.
    mutating func unlinkOffer(_ o: UInt32, releaseLoad: Bool) {
        let offer = offers[Int(o)]
        let slot = Int(offer.contact)
        if contacts[slot].offerHead == o {
            contacts[slot].offerHead = offer.next
        } else {
            var p = contacts[slot].offerHead
            while p != nilIndex, offers[Int(p)].next != o { p = offers[Int(p)].next }
            if p != nilIndex { offers[Int(p)].next = offer.next }
        }
        contacts[slot].offerCount -= 1
        timers.cancel(offer.timer)
        if releaseLoad { agents[Int(offer.agent)].addLoad(contacts[slot].channel, -1) }
        offers[Int(o)] = OfferRecord()
        freeOffers.append(o)
    }

    /// Withdraws every pending offer of a contact; returns the agents whose capacity came back
    /// (the caller lets them take other work once the contact's own state is settled).
    mutating func withdrawAllOffers(contactSlot slot: UInt32, reason: WithdrawReason) -> [AgentID] {
        var freed: [AgentID] = []
        while contacts[Int(slot)].offerHead != nilIndex {
            let o = contacts[Int(slot)].offerHead
            let a = offers[Int(o)].agent
            emit(.withdrawOffer(contact: contacts[Int(slot)].id, agent: a, reason: reason))
            record(.withdrawn, contact: slot, agent: a)
            unlinkOffer(o, releaseLoad: true)
            refreshReadiness(agent: a, touch: false)
            freed.append(a)
        }
        return freed
    }

    /// Withdraws an agent's pending offers (all, or those of one queue); the contacts go back to waiting.
    /// Returns the contact slots to re-route once the agent's state is settled.
    mutating func withdrawOffers(agent a: AgentID, queue: QueueID?, reason: WithdrawReason) -> [UInt32] {
        var back: [UInt32] = []
        for o in offers.indices where offers[o].live && offers[o].agent == a {
            if let q = queue, offers[o].queue != q { continue }
            let slot = offers[o].contact
            emit(.withdrawOffer(contact: contacts[Int(slot)].id, agent: a, reason: reason))
            record(.withdrawn, contact: slot, agent: a)
            unlinkOffer(UInt32(o), releaseLoad: true)
            if contacts[Int(slot)].offerCount == 0 {
                contacts[Int(slot)].phase = .waiting
                insertWaiting(slot)
                scheduleTier(slot)
                back.append(slot)
            }
        }
        return back
    }

    /// Inserts into the queue's line by (priority desc, arrival asc, id asc), walking from the tail
    /// (new arrivals usually belong there, so this is O(1) in the common case).
    mutating func insertWaiting(_ slot: UInt32) {
        let qi = Int(contacts[Int(slot)].queue)
        let c = contacts[Int(slot)]
        var after = queues[qi].waitTail
        while after != nilIndex, waitsBefore(c, contacts[Int(after)]) { after = contacts[Int(after)].waitPrev }
        let before = after == nilIndex ? queues[qi].waitHead : contacts[Int(after)].waitNext
        contacts[Int(slot)].waitPrev = after
        contacts[Int(slot)].waitNext = before
        if after == nilIndex { queues[qi].waitHead = slot } else { contacts[Int(after)].waitNext = slot }
        if before == nilIndex { queues[qi].waitTail = slot } else { contacts[Int(before)].waitPrev = slot }
        queues[qi].waitingCount += 1
    }

    mutating func removeWaiting(_ slot: UInt32) {
        let c = contacts[Int(slot)]
        let qi = Int(c.queue)
        if c.waitPrev == nilIndex { queues[qi].waitHead = c.waitNext } else { contacts[Int(c.waitPrev)].waitNext = c.waitNext }
        if c.waitNext == nilIndex { queues[qi].waitTail = c.waitPrev } else { contacts[Int(c.waitNext)].waitPrev = c.waitPrev }
        contacts[Int(slot)].waitPrev = nilIndex
        contacts[Int(slot)].waitNext = nilIndex
        queues[qi].waitingCount -= 1
    }
}
