/// Where a waiting customer stands (issue 6: the chat channels show it to customers in line;
/// issue 3 §2 "estimated wait time").

/// The place of one waiting contact in its queue's line.
public struct ContactPosition: Sendable, Hashable {
    public var contact: ContactID
    /// The queue whose line the contact is in.
    public var queue: QueueID
    /// 1-based place in the line, in the order the router serves it (priority, then arrival).
    public var place: Int
    /// Contacts in the line in all.
    public var waitingInQueue: Int
    /// Time since the contact arrived (kept across overflows).
    public var waited: RoutingDuration
    /// Time since the contact entered this queue.
    public var waitedInQueue: RoutingDuration
    /// Estimated wait from now for this place: the `QueueStats.estimatedWait` model applied to `place`.
    public var estimatedWait: RoutingDuration
    /// Members logged in to the queue now (0: nobody can answer, the estimate means nothing).
    public var loggedInAgents: Int = 0
    /// Members ready for an offer now.
    public var readyAgents: Int = 0
    /// Whether the queue has answered or completed a contact the estimate can be computed from.
    public var hasServiceHistory: Bool = false
}

extension RouterCore {
    /// Position of a waiting contact, or nil when it is not waiting (offered, connected, wrap-up, unknown).
    /// O(place): walks the line from its head.
    func position(contact id: ContactID) -> ContactPosition? {
        guard let slot = contactSlots[id], contacts[Int(slot)].phase == .waiting else { return nil }
        let c = contacts[Int(slot)]
        let q = queues[Int(c.queue)]
        var place = 1
        var s = q.waitHead
        while s != nilIndex, s != slot { place += 1; s = contacts[Int(s)].waitNext }
        guard s == slot else { return nil }
        return ContactPosition(contact: id, queue: c.queue, place: place, waitingInQueue: Int(q.waitingCount),
                               waited: RoutingDuration(nanoseconds: max(0, now &- c.arrival)),
                               waitedInQueue: RoutingDuration(nanoseconds: max(0, now &- c.enteredQueue)),
                               estimatedWait: RoutingDuration(nanoseconds: estimatedWait(queue: c.queue, place: Int64(place))),
                               loggedInAgents: Int(q.loggedInCount), readyAgents: Int(q.readyCount),
                               hasServiceHistory: q.counters.completed > 0 || q.counters.answered > 0)
    }

    /// Estimated wait in ns for the `place`-th contact of a queue's line: place × average handle time
    /// (handle + wrap-up; average speed of answer before any contact was handled) ÷ logged-in members,
    /// rounded up; 0 while a member is ready.
    func estimatedWait(queue id: QueueID, place: Int64) -> Int64 {
        let q = queues[Int(id)]
        guard q.readyCount == 0 else { return 0 }
        let k = q.counters
        let aht: Int64
        if k.completed > 0 {
            aht = k.handleNanos / Int64(k.completed) + q.settings.wrapUp.nanoseconds
        } else {
            aht = k.answered > 0 ? k.answerWaitNanos / Int64(k.answered) : 0
        }
        let servers = max(1, Int64(q.loggedInCount))
        return (place &* aht &+ servers &- 1) / servers
    }
}
