import Routing
import Synchronization

/// The reference of issue 3 §6: the same model kept behind one mutex, picking an agent by scanning the
/// queue's members for the longest-idle one with room, and scanning the agent's queues' lines when it
/// frees up — the way a typical application does it (dictionaries keyed by id, arrays of members).
final class BaselineRouter: Sendable {
    struct Agent {
        var loggedIn: Set<QueueID> = []
        var available = true
        var load: [Int] = [0, 0, 0]
        var maximum: [Int] = [1, 3, 5]
        var lastActivity: Int64 = 0
    }
    struct Queue {
        var channel: Channel
        var members: [AgentID] = []
        var waiting: [(contact: ContactID, arrival: Int64)] = []
    }
    struct Contact {
        var queue: QueueID
        var agent: AgentID?
    }
    struct State {
        var agents: [AgentID: Agent] = [:]
        var queues: [QueueID: Queue] = [:]
        var contacts: [ContactID: Contact] = [:]
    }
    let state = Mutex(State())

    /// The §6 scenario loaded.
    init() {
        state.withLock { s in
            for q in 0..<Scenario.queueCount { s.queues[QueueID(q)] = Queue(channel: Scenario.channel(of: q)) }
            for a in 0..<Scenario.agentCount {
                var agent = Agent()
                for q in Scenario.queues(of: a) {
                    s.queues[QueueID(q)]?.members.append(AgentID(a))
                    agent.loggedIn.insert(QueueID(q))
                }
                s.agents[AgentID(a)] = agent
            }
        }
    }

    private static func hasRoom(_ a: Agent, _ c: Channel) -> Bool {
        let i = Int(c.rawValue)
        if a.load[i] >= a.maximum[i] { return false }
        if c != .voice, a.load[0] > 0 { return false }
        return true
    }

    /// A contact arrives; returns the agent it is offered to, if any.
    func arrive(_ id: ContactID, queue: QueueID, now: Int64) -> AgentID? {
        state.withLock { s in
            guard let q = s.queues[queue] else { return nil }
            var best: AgentID? = nil
            var bestIdle = Int64.max
            for m in q.members {
                guard let a = s.agents[m], a.available, a.loggedIn.contains(queue), Self.hasRoom(a, q.channel) else { continue }
                if a.lastActivity < bestIdle { best = m; bestIdle = a.lastActivity }
            }
            s.contacts[id] = Contact(queue: queue, agent: best)
            if let best {
                s.agents[best]?.load[Int(q.channel.rawValue)] += 1
                s.agents[best]?.lastActivity = now
            } else {
                s.queues[queue]?.waiting.append((id, now))
            }
            return best
        }
    }

    /// The agent accepts (the offer already reserved its capacity).
    func accept(_ id: ContactID, agent: AgentID) -> Bool {
        state.withLock { s in s.contacts[id]?.agent == agent }
    }

    /// The conversation ends (wrap-up starts: capacity stays held).
    func complete(_ id: ContactID) -> Bool {
        state.withLock { s in s.contacts[id] != nil }
    }

    /// Wrap-up ends: release capacity, then give the agent the oldest waiting contact across its queues.
    func endWrapUp(_ id: ContactID, now: Int64) -> (ContactID, AgentID)? {
        state.withLock { s in
            guard let c = s.contacts.removeValue(forKey: id), let agentID = c.agent, var agent = s.agents[agentID],
                  let channel = s.queues[c.queue]?.channel else { return nil }
            agent.load[Int(channel.rawValue)] -= 1
            agent.lastActivity = now
            var pick: (queue: QueueID, index: Int, arrival: Int64)? = nil
            for q in agent.loggedIn.sorted() {
                guard let queue = s.queues[q], Self.hasRoom(agent, queue.channel) else { continue }
                if let first = queue.waiting.indices.first, pick == nil || queue.waiting[first].arrival < pick!.arrival {
                    pick = (q, first, queue.waiting[first].arrival)
                }
            }
            var offered: (ContactID, AgentID)? = nil
            if let pick, let channel = s.queues[pick.queue]?.channel,
               let next = s.queues[pick.queue]?.waiting.remove(at: pick.index) {
                agent.load[Int(channel.rawValue)] += 1
                s.contacts[next.contact]?.agent = agentID
                offered = (next.contact, agentID)
            }
            s.agents[agentID] = agent
            return offered
        }
    }
}

extension BaselineRouter {
    /// Every agent unavailable: new contacts wait (for the memory measurement).
    func makeEveryoneUnavailable() {
        state.withLock { s in
            for id in Array(s.agents.keys) { s.agents[id]?.available = false }
        }
    }
}
