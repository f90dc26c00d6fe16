/// Ready lists: per queue, the members who could take one more contact of the queue's channel right now,
/// least recently active first. Kept up to date on every agent change so selection never scans all members.
extension RouterCore {
    /// Whether member `m` can be offered a contact of its queue now (contact-independent part).
    func computeReady(_ m: MemberRecord) -> Bool {
        guard m.live, m.loggedIn else { return false }
        let ai = Int(m.agent), qi = Int(m.queue)
        // Field-by-field reads: copying the whole record would retain its arrays.
        guard agents[ai].configured, agents[ai].eligible, !agents[ai].paused, agents[ai].blockedUntil <= now,
              queues[qi].configured else { return false }
        return agents[ai].hasRoom(queues[qi].settings.channel)
    }

    /// Recomputes the agent's readiness in each of its queues. Any change (or `touch`) marks the agent as
    /// active now and moves it to the tail of its ready lists, so every list stays ordered by last activity.
    /// Hot path (twice per contact): the agent's part of `computeReady` is read once, and the list links are
    /// edited through buffer pointers (one uniqueness check for the whole pass, not one per link).
    mutating func refreshReadiness(agent id: AgentID, touch: Bool) {
        let ai = Int(id)
        let available = agents[ai].configured && agents[ai].eligible && !agents[ai].paused && agents[ai].blockedUntil <= now
        let room = (agents[ai].hasRoom(.voice), agents[ai].hasRoom(.webchat), agents[ai].hasRoom(.whatsapp))
        var changed = touch
        // The agent's slot list is read by index through `agents` (no retain of the nested array, which a
        // closure over it would need), while member and queue links are edited through buffer pointers.
        let slotCount = agents[ai].members.count
        members.withUnsafeMutableBufferPointer { mb in
            queues.withUnsafeMutableBufferPointer { qb in
                for k in 0..<slotCount {
                    let slot = agents[ai].members[k]
                    let s = Int(slot), qi = Int(mb[s].queue)
                    var ready = available && mb[s].live && mb[s].loggedIn && qb[qi].configured
                    if ready {
                        switch qb[qi].settings.channel { case .voice: ready = room.0; case .webchat: ready = room.1; case .whatsapp: ready = room.2 }
                    }
                    if ready != mb[s].ready {
                        changed = true
                        if ready { Self.listAppend(slot, mb, qb) } else { Self.listRemove(slot, mb, qb) }
                    }
                }
                guard changed else { return }
                for k in 0..<slotCount {
                    let slot = agents[ai].members[k]
                    guard mb[Int(slot)].ready, qb[Int(mb[Int(slot)].queue)].readyTail != slot else { continue }
                    Self.listRemove(slot, mb, qb)
                    Self.listAppend(slot, mb, qb)
                }
            }
        }
        if changed { agents[ai].lastActivity = now }
    }

    static func listAppend(_ slot: UInt32, _ mb: UnsafeMutableBufferPointer<MemberRecord>, _ qb: UnsafeMutableBufferPointer<QueueRecord>) {
        let qi = Int(mb[Int(slot)].queue)
        let tail = qb[qi].readyTail
        mb[Int(slot)].prev = tail
        mb[Int(slot)].next = nilIndex
        mb[Int(slot)].ready = true
        if tail == nilIndex { qb[qi].readyHead = slot } else { mb[Int(tail)].next = slot }
        qb[qi].readyTail = slot
        qb[qi].readyCount += 1
    }

    static func listRemove(_ slot: UInt32, _ mb: UnsafeMutableBufferPointer<MemberRecord>, _ qb: UnsafeMutableBufferPointer<QueueRecord>) {
        let m = mb[Int(slot)]
        guard m.ready else { return }
        let qi = Int(m.queue)
        if m.prev == nilIndex { qb[qi].readyHead = m.next } else { mb[Int(m.prev)].next = m.next }
        if m.next == nilIndex { qb[qi].readyTail = m.prev } else { mb[Int(m.next)].prev = m.prev }
        mb[Int(slot)].prev = nilIndex
        mb[Int(slot)].next = nilIndex
        mb[Int(slot)].ready = false
        qb[qi].readyCount -= 1
    }

    /// Sets a reject / no-answer delay on the agent and schedules its end.
    mutating func block(agent id: AgentID, for duration: RoutingDuration) {
        guard duration.nanoseconds > 0 else { return }
        let until = now &+ duration.nanoseconds
        guard until > agents[Int(id)].blockedUntil else { return }
        timers.cancel(agents[Int(id)].blockTimer)
        agents[Int(id)].blockedUntil = until
        agents[Int(id)].blockTimer = timers.schedule(after: duration.nanoseconds, now: now, kind: .agentDelayEnd, target: id)
    }

    func isKnownAgent(_ id: AgentID) -> Bool { Int(id) < agents.count && agents[Int(id)].configured }
    func isKnownQueue(_ id: QueueID) -> Bool { Int(id) < queues.count && queues[Int(id)].configured }

    /// The membership slot linking `agent` to `queue`, if any.
    func memberSlot(agent: AgentID, queue: QueueID) -> UInt32? {
        for slot in agents[Int(agent)].members where members[Int(slot)].queue == queue { return slot }
        return nil
    }
}
