/// Read-only views for `GET /api/v1/queues/{id}/stats`, `GET /api/v1/agents/{id}/state` and `explain`
/// (issue 3 §2 "Statistics", "explain(contact)"). Call them on the shard thread (the shard offers them as queries).

/// Statistics of one queue (issue 3 §2).
public struct QueueStats: Sendable, Hashable {
    public var queue: QueueID
    public var waiting: Int
    /// Longest current wait in the queue (since entering it).
    public var longestWait: RoutingDuration
    /// Contacts that entered the queue (arrivals and overflows in).
    public var offered: UInt64
    public var answered: UInt64
    public var abandoned: UInt64
    public var timedOut: UInt64
    public var overflowed: UInt64
    public var refused: UInt64
    /// Average speed of answer.
    public var averageSpeedOfAnswer: RoutingDuration
    /// Answered within the threshold / contacts offered that have left the line (answered, abandoned,
    /// timed out, overflowed); 1 when none has.
    public var serviceLevel: Double
    /// Total talk time of contacts of this queue.
    public var talkTime: RoutingDuration
    /// Estimated wait for a contact arriving now: line position × average handle time ÷ logged-in members.
    public var estimatedWait: RoutingDuration
    public var loggedInAgents: Int
    public var readyAgents: Int
}

/// The live state of one agent (issue 3 §1).
public struct AgentState: Sendable, Hashable {
    public enum Presence: Sendable, Hashable { case offline, available, paused(PauseReason) }
    public var agent: AgentID
    /// Offline when logged in to no queue.
    public var presence: Presence
    public var eligible: Bool
    public var loggedInQueues: [QueueID]
    /// Contacts held per channel (offers, connected, wrap-up), indexed by `Channel.rawValue`.
    public var load: [Int]
    public var offered: UInt64
    public var answered: UInt64
    public var noAnswers: UInt64
    public var rejected: UInt64
    public var talkTime: RoutingDuration
    /// End of a reject / no-answer delay, if one is running.
    public var blockedUntil: RoutingInstant?
}

extension RouterCore {
    /// Statistics of a queue, or nil if unknown.
    func stats(queue id: QueueID) -> QueueStats? {
        guard isKnownQueue(id) else { return nil }
        let q = queues[Int(id)]
        var longest: Int64 = 0
        var c = q.waitHead
        while c != nilIndex { longest = max(longest, now &- contacts[Int(c)].enteredQueue); c = contacts[Int(c)].waitNext }
        let k = q.counters
        let asa = k.answered > 0 ? k.answerWaitNanos / Int64(k.answered) : 0
        let decided = k.answered + k.abandoned + k.timedOut + k.overflowed
        let sl = decided > 0 ? Double(k.answeredWithinThreshold) / Double(decided) : 1
        let ewt = estimatedWait(queue: id, place: Int64(q.waitingCount) + 1)
        return QueueStats(queue: id, waiting: Int(q.waitingCount), longestWait: RoutingDuration(nanoseconds: longest),
                          offered: k.arrived, answered: k.answered, abandoned: k.abandoned, timedOut: k.timedOut,
                          overflowed: k.overflowed, refused: k.refused, averageSpeedOfAnswer: RoutingDuration(nanoseconds: asa),
                          serviceLevel: sl, talkTime: RoutingDuration(nanoseconds: k.talkNanos),
                          estimatedWait: RoutingDuration(nanoseconds: ewt), loggedInAgents: Int(q.loggedInCount),
                          readyAgents: Int(q.readyCount))
    }

    /// State of an agent, or nil if unknown.
    func state(agent id: AgentID) -> AgentState? {
        guard isKnownAgent(id) else { return nil }
        let a = agents[Int(id)]
        let queuesIn = a.members.filter { members[Int($0)].loggedIn }.map { members[Int($0)].queue }.sorted()
        let presence: AgentState.Presence = queuesIn.isEmpty ? .offline : (a.paused ? .paused(a.pauseReason) : .available)
        return AgentState(agent: id, presence: presence, eligible: a.eligible, loggedInQueues: queuesIn,
                          load: Channel.allCases.map { Int(a.load($0)) }, offered: a.offered, answered: a.answered,
                          noAnswers: a.noAnswers, rejected: a.rejected, talkTime: RoutingDuration(nanoseconds: a.talkNanos),
                          blockedUntil: a.blockedUntil > now ? RoutingInstant(nanoseconds: a.blockedUntil) : nil)
    }

    /// Decision history of one contact, oldest first, as far back as the history ring reaches.
    func explain(contact id: ContactID) -> [Decision] {
        let n = history.count
        let start = n < historyCapacity ? 0 : historyNext
        var result: [Decision] = []
        for i in 0..<n {
            let d = history[(start + i) % n]
            if d.contact == id { result.append(d) }
        }
        return result
    }
}
