/// How a queue picks an agent among the ready, eligible members (issue 3 §2 "Strategies per queue").
public enum RoutingStrategy: UInt8, Sendable, Hashable, CaseIterable {
    /// The agent idle for the longest time (default).
    case longestIdle = 0
    /// Round robin over members by position, remembering where it stopped.
    case roundRobin = 1
    /// The agent who answered the fewest contacts so far.
    case fewestContacts = 2
    /// The agent with the least accumulated talk time.
    case leastTalkTime = 3
    /// The first ready member by position (top-down / linear hunt).
    case topDown = 4
    /// Offer to every ready member at once; first accept wins, the others are withdrawn (voice).
    case ringAll = 5
    /// A ready member chosen by the router's seeded, deterministic generator.
    case random = 6
}

/// What a queue does with a new contact when none of its members is logged in (issue 3 §1).
public enum NoAgentPolicy: UInt8, Sendable, Hashable {
    /// Queue the contact anyway.
    case accept = 0
    /// Refuse the contact at once (`contactEnded(.refused)`).
    case refuse = 1
}

/// Settings of one queue, pushed by the server at start and while running (issue 3 §1 "Queues").
public struct QueueSettings: Sendable, Hashable {
    /// Owning tenant; members and contacts must belong to the same tenant.
    public var tenant: TenantID
    /// The channel every contact of this queue uses.
    public var channel: Channel
    /// How an agent is picked.
    public var strategy: RoutingStrategy
    /// Time the agent stays in wrap-up after completing a contact (0 = none).
    public var wrapUp: RoutingDuration
    /// Time an agent has to accept an offer before it times out (0 = offers never time out).
    public var offerTimeout: RoutingDuration
    /// Time an agent receives no offer after rejecting one.
    public var rejectDelay: RoutingDuration
    /// Time an agent receives no offer after letting one time out.
    public var noAnswerDelay: RoutingDuration
    /// Consecutive unanswered offers after which the agent is paused with `PauseReason.noAnswer` (0 = never).
    public var maxNoAnswer: UInt16
    /// Longest time a contact waits here before overflowing (0 = no limit).
    public var maxWait: RoutingDuration
    /// Where a contact goes after `maxWait`; nil = it ends as `timedOut`.
    public var overflowQueue: QueueID?
    /// Most contacts waiting at once; further arrivals are refused (0 = no limit).
    public var maxSize: UInt32
    /// What to do with a new contact when no member is logged in.
    public var whenNoAgent: NoAgentPolicy
    /// Queue priority: higher is served first when an agent frees up (global order across queues).
    public var priority: Int32
    /// Time after which the next member level (tier) joins for a waiting contact (0 = all levels at once).
    public var tierWait: RoutingDuration
    /// Answer-time threshold of the service level (answered within it / offered).
    public var serviceLevelThreshold: RoutingDuration

    /// A queue with the product's defaults: longest idle, no wrap-up, 20 s offer timeout, no limits.
    public init(
        tenant: TenantID, channel: Channel, strategy: RoutingStrategy = .longestIdle,
        wrapUp: RoutingDuration = .zero, offerTimeout: RoutingDuration = .seconds(20),
        rejectDelay: RoutingDuration = .zero, noAnswerDelay: RoutingDuration = .zero,
        maxNoAnswer: UInt16 = 0, maxWait: RoutingDuration = .zero, overflowQueue: QueueID? = nil,
        maxSize: UInt32 = 0, whenNoAgent: NoAgentPolicy = .accept, priority: Int32 = 0,
        tierWait: RoutingDuration = .zero, serviceLevelThreshold: RoutingDuration = .seconds(20)
    ) {
        self.tenant = tenant; self.channel = channel; self.strategy = strategy; self.wrapUp = wrapUp
        self.offerTimeout = offerTimeout; self.rejectDelay = rejectDelay; self.noAnswerDelay = noAnswerDelay
        self.maxNoAnswer = maxNoAnswer; self.maxWait = maxWait; self.overflowQueue = overflowQueue
        self.maxSize = maxSize; self.whenNoAgent = whenNoAgent; self.priority = priority
        self.tierWait = tierWait; self.serviceLevelThreshold = serviceLevelThreshold
    }
}

/// A skill and the proficiency (1–5) an agent has, or a contact requires at least (issue 3 §1).
public struct SkillLevel: Sendable, Hashable {
    /// The skill.
    public var skill: SkillID
    /// Proficiency 1–5.
    public var level: UInt8
    @inlinable public init(skill: SkillID, level: UInt8) { self.skill = skill; self.level = level }
}

/// Capacity rules shared by a tenant's agents: one budget for the chat channels, per-channel maxima
/// and the channel-mixing rule (issue 3 §1 "Capacity per agent per channel from one shared budget").
///
/// Budget units: defaults make one webchat cost 20 and one WhatsApp 12 of a chat budget of 60, so an agent
/// holds at most 3 webchats, or 5 WhatsApps, or a mix (1 webchat + 3 WhatsApps = 56). Voice has its own
/// maximum (1). Mixing: while on a voice contact no new chat is offered; chats block a new call only when
/// `chatBlocksVoice` is set.
public struct CapacityRules: Sendable, Hashable {
    /// Per-channel maximum of simultaneous contacts, indexed by `Channel.rawValue`.
    public var maximum: [UInt8]
    /// Per-channel cost against `chatBudget` (voice's cost is ignored: voice has its own maximum).
    public var cost: [UInt16]
    /// The budget shared by webchat and WhatsApp contacts.
    public var chatBudget: UInt16
    /// While on a voice contact, no new chat is offered.
    public var voiceBlocksChat: Bool
    /// While on any chat, no new call is offered.
    public var chatBlocksVoice: Bool

    /// The product defaults (voice 1, webchat 3, WhatsApp 5; voice blocks chat, chat does not block voice).
    public init(maximum: [UInt8] = [1, 3, 5], cost: [UInt16] = [0, 20, 12], chatBudget: UInt16 = 60,
                voiceBlocksChat: Bool = true, chatBlocksVoice: Bool = false) {
        self.maximum = maximum; self.cost = cost; self.chatBudget = chatBudget
        self.voiceBlocksChat = voiceBlocksChat; self.chatBlocksVoice = chatBlocksVoice
    }
}

/// An agent as the directory describes it (issue 3 §1 "Agents").
public struct AgentProfile: Sendable, Hashable {
    /// Owning tenant.
    public var tenant: TenantID
    /// The directory's omnichannel readiness: an ineligible agent is never offered anything.
    public var eligible: Bool
    /// Skills with proficiency 1–5.
    public var skills: [SkillLevel]
    /// Capacity rules; per-agent maxima override the tenant's (0 switches a channel off for this agent).
    public var capacity: CapacityRules

    /// An agent with the default capacity rules.
    public init(tenant: TenantID, eligible: Bool = true, skills: [SkillLevel] = [], capacity: CapacityRules = CapacityRules()) {
        self.tenant = tenant; self.eligible = eligible; self.skills = skills; self.capacity = capacity
    }
}

/// An agent's link to a queue (issue 3 §2 "Tiers", "top-down by position").
public struct Membership: Sendable, Hashable {
    /// The agent.
    public var agent: AgentID
    /// The queue.
    public var queue: QueueID
    /// Tier level, 1 = offered first; level n joins after (n-1) × the queue's tier wait.
    public var level: UInt8
    /// Position for top-down and round robin (lower first).
    public var position: Int32
    /// A membership at level 1.
    public init(agent: AgentID, queue: QueueID, level: UInt8 = 1, position: Int32 = 0) {
        self.agent = agent; self.queue = queue; self.level = level; self.position = position
    }
}

/// A contact entering a queue (issue 3 §1 "Contacts").
///
/// Stored fields are ordered widest first and the optional arrival is kept as a sentinel, so that an
/// `arrive` event fits one 64-byte ring slot with its sequence number (`EventRing`).
public struct ContactRequest: Sendable, Hashable {
    /// The contact.
    public var id: ContactID
    /// End of the preferred-agent window.
    public var preferredUntil: RoutingInstant
    /// `arrival` in nanoseconds, `Int64.min` for nil.
    private var arrivalNanoseconds: Int64
    /// Required skills with minimum proficiency (at most 4).
    public var requiredSkills: [SkillLevel]
    /// Owning tenant; must match the queue's.
    public var tenant: TenantID
    /// Queue the contact enters.
    public var queue: QueueID
    /// Contact priority: higher first within a queue.
    public var priority: Int32
    /// Sticky / last-agent routing: only this agent is offered the contact until `preferredUntil`.
    public var preferredAgent: AgentID?

    /// Arrival time; kept for ordering across overflows. Nil = the `now` of the arrival event
    /// (an instant of `Int64.min` nanoseconds reads back as nil).
    public var arrival: RoutingInstant? {
        get { arrivalNanoseconds == .min ? nil : RoutingInstant(nanoseconds: arrivalNanoseconds) }
        set { arrivalNanoseconds = newValue?.nanoseconds ?? .min }
    }

    /// A contact with no skills and no preferred agent.
    public init(id: ContactID, tenant: TenantID, queue: QueueID, priority: Int32 = 0, arrival: RoutingInstant? = nil,
                requiredSkills: [SkillLevel] = [], preferredAgent: AgentID? = nil, preferredUntil: RoutingInstant = .zero) {
        self.id = id; self.tenant = tenant; self.queue = queue; self.priority = priority
        self.arrivalNanoseconds = arrival?.nanoseconds ?? .min
        self.requiredSkills = requiredSkills; self.preferredAgent = preferredAgent; self.preferredUntil = preferredUntil
    }
}
