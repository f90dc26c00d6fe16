/// Brute-force checks of the router's promises (issue 3 §5), written independently of the ready lists and
/// waiting lines they verify. For tests (`@_spi(Testing)`); O(agents × contacts), never on a hot path.
extension RouterCore {
    /// Whether `agent` could be offered `contact` now, ignoring capacity: member of its queue, logged in,
    /// eligible, available, no delay running, tier, skills, preferred agent, and no offer of it already pending.
    func isCompatible(agent a: AgentID, contact id: ContactID) -> Bool {
        guard isKnownAgent(a), let slot = contactSlots[id] else { return false }
        let c = contacts[Int(slot)]
        guard let m = memberSlot(agent: a, queue: c.queue) else { return false }
        let r = members[Int(m)]
        let agent = agents[Int(a)]
        guard r.loggedIn, agent.eligible, !agent.paused, agent.blockedUntil <= now else { return false }
        return compatible(agent: a, level: r.level, contact: c)
    }

    /// Every violated invariant, as text (empty when all hold):
    /// no agent over capacity; load equals offers + connected + wrap-up contacts; no contact with two
    /// connected agents; offers only to eligible, logged-in agents; work conservation (no contact waits
    /// while a compatible agent with room exists); waiting lines sorted.
    func invariantViolations() -> [String] {
        var problems: [String] = []
        var expected = [Int](repeating: 0, count: agents.count * 3)
        for (slot, c) in contacts.enumerated() where c.phase != .free {
            let ch = Int(c.channel.rawValue)
            switch c.phase {
            case .connected, .wrapUp:
                expected[Int(c.agent) * 3 + ch] += 1
                if c.offerCount != 0 { problems.append("contact \(c.id) connected with offers pending") }
            case .offered:
                if c.offerCount == 0 { problems.append("contact \(c.id) offered without offers") }
            case .waiting:
                if c.offerCount != 0 { problems.append("contact \(c.id) waiting with offers") }
            case .free: break
            }
            var o = c.offerHead
            var seen: [AgentID] = []
            while o != nilIndex {
                let offer = offers[Int(o)]
                if offer.contact != UInt32(slot) { problems.append("offer list of \(c.id) broken") }
                if seen.contains(offer.agent) { problems.append("contact \(c.id) offered twice to \(offer.agent)") }
                seen.append(offer.agent)
                expected[Int(offer.agent) * 3 + ch] += 1
                let a = agents[Int(offer.agent)]
                let m = memberSlot(agent: offer.agent, queue: c.queue)
                if !a.eligible || m == nil || !members[Int(m!)].loggedIn {
                    problems.append("contact \(c.id) offered to agent \(offer.agent) who is not eligible / logged in")
                }
                o = offer.next
            }
        }
        for (id, a) in agents.enumerated() where a.configured {
            var budget = 0
            for ch in Channel.allCases {
                let load = Int(a.load(ch))
                let want = expected[id * 3 + Int(ch.rawValue)]
                if load != want { problems.append("agent \(id) load \(ch) = \(load), expected \(want)") }
                if load > Int(a.capacity.maximum(ch)) { problems.append("agent \(id) over capacity on \(ch)") }
                if ch != .voice { budget += load * Int(a.capacity.cost(ch)) }
            }
            if budget > Int(a.capacity.chatBudget) { problems.append("agent \(id) over chat budget") }
            if a.capacity.voiceBlocksChat, a.capacity.chatBlocksVoice, a.load.0 > 0, a.load.1 + a.load.2 > 0 {
                problems.append("agent \(id) mixes voice and chat although both block each other")
            }
        }
        for (qi, q) in queues.enumerated() where q.configured {
            var c = q.waitHead
            var previous: ContactRecord? = nil
            var count = 0
            while c != nilIndex {
                let rec = contacts[Int(c)]
                count += 1
                if rec.phase != .waiting || rec.queue != QueueID(qi) { problems.append("line of queue \(qi) holds \(rec.id) in phase \(rec.phase)") }
                if let p = previous, waitsBefore(rec, p) { problems.append("line of queue \(qi) out of order at \(rec.id)") }
                for m in q.members {
                    let r = members[Int(m)]
                    let a = agents[Int(r.agent)]
                    if isCompatible(agent: r.agent, contact: rec.id), a.hasRoom(rec.channel) {
                        problems.append("contact \(rec.id) waits in queue \(qi) while agent \(r.agent) could take it")
                    }
                }
                previous = rec
                c = rec.waitNext
            }
            if count != Int(q.waitingCount) { problems.append("queue \(qi) waiting count \(q.waitingCount) != \(count)") }
        }
        return problems
    }

    /// The waiting line of a queue, in order.
    func waitingContacts(queue: QueueID) -> [ContactID] {
        guard isKnownQueue(queue) else { return [] }
        var result: [ContactID] = []
        var c = queues[Int(queue)].waitHead
        while c != nilIndex { result.append(contacts[Int(c)].id); c = contacts[Int(c)].waitNext }
        return result
    }

    /// Phase of a contact for tests: nil when the router no longer holds it.
    func isWaiting(contact id: ContactID) -> Bool? {
        guard let slot = contactSlots[id] else { return nil }
        return contacts[Int(slot)].phase == .waiting
    }
}
