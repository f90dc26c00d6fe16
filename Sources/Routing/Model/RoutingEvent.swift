/// One input to the router (issue 3 §"API shape"): configuration pushed by the server and the events of
/// agents and contacts. Timer expiry is not an event: it happens when `now` passes a deadline.
/// The rare configuration cases are `indirect` (boxed), so the frequent contact and agent events keep the
/// enum small enough for one cache line per ring slot.
public enum RoutingEvent: Sendable, Hashable {
    /// Create or change a queue's settings.
    indirect case configureQueue(QueueID, QueueSettings)
    /// Create or change an agent (directory data: eligibility, skills, capacity).
    indirect case configureAgent(AgentID, AgentProfile)
    /// Link an agent to a queue, or change the link's level / position.
    indirect case setMembership(Membership)
    /// Unlink an agent from a queue (logs the agent out of it first).
    case removeMembership(agent: AgentID, queue: QueueID)
    /// The agent logs in to one queue.
    case logIn(agent: AgentID, queue: QueueID)
    /// The agent logs out of one queue; pending offers from it are withdrawn.
    case logOut(agent: AgentID, queue: QueueID)
    /// Log the agent out of every queue: the admin's confirmed edit (PRODUCT.md "Ao confirmar esta edição…").
    case logOutAll(agent: AgentID)
    /// The agent becomes available.
    case setAvailable(agent: AgentID)
    /// The agent pauses; pending offers are withdrawn.
    case pause(agent: AgentID, reason: PauseReason)
    /// The directory's omnichannel readiness changed.
    case setEligible(agent: AgentID, eligible: Bool)
    /// A contact enters a queue.
    case arrive(ContactRequest)
    /// After a server restart, put back a contact that was already connected to `agent` (talk time counts
    /// from `connectedAt`): it holds the agent's capacity on the queue's channel like an accepted contact,
    /// no offer is emitted, and `complete` / `endWrapUp` / `abandon` work on it as usual. The agent need not be
    /// logged in or available. Pending offers of the agent that would leave no room for it are withdrawn
    /// (`agentBusy`) and re-routed.
    indirect case restore(ContactRequest, agent: AgentID, connectedAt: RoutingInstant)
    /// The agent accepts the offer of a contact.
    case accept(contact: ContactID, agent: AgentID)
    /// The agent rejects the offer of a contact.
    case reject(contact: ContactID, agent: AgentID)
    /// The customer hung up / closed the chat.
    case abandon(contact: ContactID)
    /// The conversation is over; the agent enters the queue's wrap-up.
    case complete(contact: ContactID)
    /// The agent ends wrap-up early (or the server ends it).
    case endWrapUp(contact: ContactID)
    /// Nothing happened but time passed: fire due timers.
    case tick
}

/// Why a bad input was refused (STYLE.md "a small error enum per module"). Refused inputs change nothing.
public enum RoutingError: Error, Sendable, Hashable {
    case unknownQueue(QueueID)
    case unknownAgent(AgentID)
    case unknownContact(ContactID)
    case notAMember(agent: AgentID, queue: QueueID)
    case tenantMismatch
    case duplicateContact(ContactID)
    case noOfferPending(contact: ContactID, agent: AgentID)
    case notConnected(ContactID)
    case notInWrapUp(ContactID)
    case tooManySkills(ContactID)
    case invalidSettings(QueueID)
    /// `restore`: the agent's connected and wrap-up contacts leave no room for one more on the queue's channel.
    case noRoom(agent: AgentID, contact: ContactID)
}
