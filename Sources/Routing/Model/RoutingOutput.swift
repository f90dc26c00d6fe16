/// Why an agent was chosen for a contact: attached to every offer and kept for `explain` (issue 3 §2).
public struct OfferReason: Sendable, Hashable {
    /// How the decision was triggered.
    public enum Trigger: UInt8, Sendable, Hashable {
        /// A contact became routable (arrival, tier widening, preferred window over, re-route) and the strategy picked an agent.
        case contactRouted = 0
        /// An agent freed up and took the best contact across their queues (queue priority, contact priority, wait).
        case agentFreed = 1
    }
    /// What triggered the decision.
    public var trigger: Trigger
    /// The queue's strategy.
    public var strategy: RoutingStrategy
    /// The member level of the agent and the contact's tier at decision time.
    public var agentLevel: UInt8
    /// The highest member level allowed for the contact at decision time.
    public var tier: UInt8
    /// Number of required skills, all met.
    public var skillsMatched: UInt8
    /// Strategy score (idle ns, answered count, talk ns, position, or random draw); lower or higher per strategy.
    public var score: Int64
    /// Whether the agent had declined this contact before and was chosen only because no one else was eligible.
    public var fallbackToDecliner: Bool
    public init(trigger: Trigger, strategy: RoutingStrategy, agentLevel: UInt8, tier: UInt8,
                skillsMatched: UInt8, score: Int64, fallbackToDecliner: Bool) {
        self.trigger = trigger; self.strategy = strategy; self.agentLevel = agentLevel; self.tier = tier
        self.skillsMatched = skillsMatched; self.score = score; self.fallbackToDecliner = fallbackToDecliner
    }
}

/// An offer of a contact to an agent (issue 3 §2 "Offers").
public struct Offer: Sendable, Hashable {
    public var contact: ContactID
    public var agent: AgentID
    public var queue: QueueID
    public var channel: Channel
    /// When the offer times out if not accepted (nil: never).
    public var deadline: RoutingInstant?
    public var reason: OfferReason
}

/// How a contact left a queue: exactly one of these per contact per queue (issue 3 §5).
public enum ContactOutcome: UInt8, Sendable, Hashable {
    /// Accepted and served; emitted when its wrap-up ends.
    case answered = 0
    /// The customer left before being answered.
    case abandoned = 1
    /// Waited `maxWait` with no overflow queue.
    case timedOut = 2
    /// Moved to the queue's overflow queue (it keeps its arrival time there).
    case overflowed = 3
    /// Refused at arrival (queue full, or no agent logged in and the queue refuses).
    case refused = 4
}

/// Why an offer was withdrawn.
public enum WithdrawReason: UInt8, Sendable, Hashable {
    case acceptedByAnother = 0, abandoned, agentLoggedOut, agentPaused, agentIneligible, overflowed, timedOut
    /// A restored connected contact (`RoutingEvent.restore`) needed the room the offer held.
    case agentBusy
}

/// One output of the router, drained with `pollOutput()` after each `handle` (STYLE.md sans-IO).
public enum RoutingOutput: Sendable, Hashable {
    /// Offer a contact to an agent (ring the phone / show the chat).
    case offer(Offer)
    /// Take back an offer that is still pending.
    case withdrawOffer(contact: ContactID, agent: AgentID, reason: WithdrawReason)
    /// The router paused an agent (max no-answer reached).
    case autoPaused(agent: AgentID, reason: PauseReason)
    /// A contact moved to an overflow queue.
    case overflow(contact: ContactID, from: QueueID, to: QueueID)
    /// A contact left a queue for good (or for its overflow queue).
    case contactEnded(contact: ContactID, queue: QueueID, outcome: ContactOutcome)
    /// A queue's statistics changed during the last `handle` (at most once per queue per call).
    case statsChanged(queue: QueueID)
    /// The input was refused and changed nothing.
    case refused(RoutingError)
}
