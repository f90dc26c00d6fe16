/// Ready lists: per queue, the members who could take one more contact of the queue's channel right now,
/// least recently active first. Kept up to date on every agent change so selection never scans all members.
extension Router {
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
    func refreshReadiness(agent id: AgentID, touch: Bool) {
        var changed = touch
        let slots = agents[Int(id)].members
        for slot in slots {
            let m = members[Int(slot)]
            let ready = computeReady(m)
            if ready != m.ready {
                changed = true
                if ready { listAppend(slot) } else { listRemove(slot) }
            }
        }
        guard changed else { return }
        agents[Int(id)].lastActivity = now
        for slot in slots where members[Int(slot)].ready {
            if queues[Int(members[Int(slot)].queue)].readyTail != slot {
                listRemove(slot)
                listAppend(slot)
            }
        }
    }

    func listAppend(_ slot: UInt32) {
        let qi = Int(members[Int(slot)].queue)
        let tail = queues[qi].readyTail
        members[Int(slot)].prev = tail
        members[Int(slot)].next = nilIndex
        members[Int(slot)].ready = true
        if tail == nilIndex { queues[qi].readyHead = slot } else { members[Int(tail)].next = slot }
        queues[qi].readyTail = slot
        queues[qi].readyCount += 1
    }

    func listRemove(_ slot: UInt32) {
        let m = members[Int(slot)]
        guard m.ready else { return }
        let qi = Int(m.queue)
        if m.prev == nilIndex { queues[qi].readyHead = m.next } else { members[Int(m.prev)].next = m.next }
        if m.next == nilIndex { queues[qi].readyTail = m.prev } else { members[Int(m.next)].prev = m.prev }
        members[Int(slot)].prev = nilIndex
        members[Int(slot)].next = nilIndex
        members[Int(slot)].ready = false
        queues[qi].readyCount -= 1
    }

    /// Sets a reject / no-answer delay on the agent and schedules its end.
    func block(agent id: AgentID, for duration: RoutingDuration) {
        guard duration.nanoseconds > 0 else { return }
        let until = now &+ duration.nanoseconds
        guard until > agents[Int(id)].blockedUntil else { return }
        timers.cancel(agents[Int(id)].blockTimer)
        agents[Int(id)].blockedUntil = until
        agents[Int(id)].blockTimer = timers.schedule(at: until, kind: .agentDelayEnd, target: id)
    }

    func isKnownAgent(_ id: AgentID) -> Bool { Int(id) < agents.count && agents[Int(id)].configured }
    func isKnownQueue(_ id: QueueID) -> Bool { Int(id) < queues.count && queues[Int(id)].configured }

    /// The membership slot linking `agent` to `queue`, if any.
    func memberSlot(agent: AgentID, queue: QueueID) -> UInt32? {
        for slot in agents[Int(agent)].members where members[Int(slot)].queue == queue { return slot }
        return nil
    }
}
