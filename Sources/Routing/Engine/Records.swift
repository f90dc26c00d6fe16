/// Internal state records of the router, kept in arrays indexed by compact IDs or pool slots so the
/// hot path does no dictionary lookups and no allocation (issue 3 §"Quality bar").

let nilIndex: UInt32 = .max

/// Per-agent state. Indexed by `AgentID`.

struct AgentRecord {
    var configured = false
    var tenant: TenantID = 0
    var eligible = false
    var paused = false
    var pauseReason = PauseReason.unspecified
    /// Skills packed as `skill << 8 | level`, sorted.
    var skills: [UInt32] = []
    var capacity = PackedCapacity()
    /// Contacts held per channel (pending offers, connected and in wrap-up), indexed by `Channel.rawValue`.
    var load: (UInt8, UInt8, UInt8) = (0, 0, 0)
    /// Chat budget used.
    var budgetUsed: UInt16 = 0
    /// No offers before this instant (reject / no-answer delay).
    var blockedUntil: Int64 = .min
    var blockTimer: TimerHandle = .none
    var consecutiveNoAnswer: UInt16 = 0
    /// Membership slots of this agent.
    var members: [UInt32] = []
    var loggedInCount: UInt16 = 0
    /// Last time the agent got an offer or became ready (longest-idle key).
    var lastActivity: Int64 = .min
    var offered: UInt64 = 0
    var answered: UInt64 = 0
    var noAnswers: UInt64 = 0
    var rejected: UInt64 = 0
    var talkNanos: Int64 = 0

    func load(_ c: Channel) -> UInt8 {
        switch c { case .voice: load.0; case .webchat: load.1; case .whatsapp: load.2 }
    }
    mutating func addLoad(_ c: Channel, _ delta: Int) {
        switch c {
        case .voice: load.0 = UInt8(Int(load.0) + delta)
        case .webchat: load.1 = UInt8(Int(load.1) + delta)
        case .whatsapp: load.2 = UInt8(Int(load.2) + delta)
        }
        if c != .voice {
            budgetUsed = UInt16(Int(budgetUsed) + delta * Int(capacity.cost(c)))
        }
    }
    /// Whether one more contact of this channel fits (maximum, shared chat budget, mixing rule).
    func hasRoom(_ c: Channel) -> Bool {
        let maximum = capacity.maximum(c)
        guard load(c) < maximum else { return false }
        switch c {
        case .voice:
            return !(capacity.chatBlocksVoice && (load.1 > 0 || load.2 > 0))
        case .webchat, .whatsapp:
            if capacity.voiceBlocksChat && load.0 > 0 { return false }
            return Int(budgetUsed) + Int(capacity.cost(c)) <= Int(capacity.chatBudget)
        }
    }
    func meets(_ skill: UInt32) -> Bool {
        let wanted = skill >> 8, minimum = skill & 0xFF
        for s in skills where s >> 8 == wanted { return s & 0xFF >= minimum }
        return false
    }
}

/// `CapacityRules` without its arrays: read on every readiness check, so kept inline in the agent record
/// (no pointer chase to two heap buffers per check). Defaults are the product defaults, as in `CapacityRules()`.

struct PackedCapacity {
    var maximum: (UInt8, UInt8, UInt8) = (1, 3, 5)
    var cost: (UInt16, UInt16, UInt16) = (0, 20, 12)
    var chatBudget: UInt16 = 60
    var voiceBlocksChat = true
    var chatBlocksVoice = false

    init() {}

    /// From rules whose arrays hold one entry per channel (`configureAgent` checks that); missing entries are 0.
    init(_ rules: CapacityRules) {
        func at<T: FixedWidthInteger>(_ a: [T], _ i: Int) -> T { i < a.count ? a[i] : 0 }
        maximum = (at(rules.maximum, 0), at(rules.maximum, 1), at(rules.maximum, 2))
        cost = (at(rules.cost, 0), at(rules.cost, 1), at(rules.cost, 2))
        chatBudget = rules.chatBudget
        voiceBlocksChat = rules.voiceBlocksChat
        chatBlocksVoice = rules.chatBlocksVoice
    }

    @inline(__always) func maximum(_ c: Channel) -> UInt8 {
        switch c { case .voice: maximum.0; case .webchat: maximum.1; case .whatsapp: maximum.2 }
    }
    @inline(__always) func cost(_ c: Channel) -> UInt16 {
        switch c { case .voice: cost.0; case .webchat: cost.1; case .whatsapp: cost.2 }
    }
}

/// Counters of one queue (issue 3 §2 "Statistics per queue").

struct QueueCounters {
    var offered: UInt64 = 0
    var answered: UInt64 = 0
    var answeredWithinThreshold: UInt64 = 0
    var abandoned: UInt64 = 0
    var timedOut: UInt64 = 0
    var overflowed: UInt64 = 0
    var refused: UInt64 = 0
    var arrived: UInt64 = 0
    var answerWaitNanos: Int64 = 0
    var talkNanos: Int64 = 0
    var handleNanos: Int64 = 0
    var completed: UInt64 = 0
}

/// Per-queue state. Indexed by `QueueID`.

struct QueueRecord {
    // Hot fields first (readiness and line edits touch them on every contact): one cache line.
    var configured = false
    var statsDirty = false
    var maxLevel: UInt8 = 1
    /// Ready members, least recently active first (intrusive list through MemberRecord).
    var readyHead = nilIndex, readyTail = nilIndex
    var readyCount: UInt32 = 0
    /// Waiting contacts ordered by (priority desc, arrival asc, id asc) (intrusive list through ContactRecord).
    var waitHead = nilIndex, waitTail = nilIndex
    var waitingCount: UInt32 = 0
    var loggedInCount: UInt32 = 0
    var settings = QueueSettings(tenant: 0, channel: .voice)
    /// Membership slots sorted by (position, agent).
    var members: [UInt32] = []
    var roundRobinCursor: Int = 0
    var counters = QueueCounters()
}

/// A (agent, queue) link.

struct MemberRecord {
    var agent: AgentID
    var queue: QueueID
    var level: UInt8
    var position: Int32
    var live = true
    var loggedIn = false
    var ready = false
    var prev = nilIndex, next = nilIndex
}


enum ContactPhase: UInt8 { case free = 0, waiting, offered, connected, wrapUp }

/// A contact in the router. Pool slot; the id → slot map is `contactSlots`.

struct ContactRecord {
    var id: ContactID = 0
    var phase = ContactPhase.free
    var tenant: TenantID = 0
    var queue: QueueID = 0
    var channel = Channel.voice
    var priority: Int32 = 0
    var arrival: Int64 = 0
    var enteredQueue: Int64 = 0
    /// Required skills packed as `skill << 8 | level` (at most 4).
    var skills: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    var skillCount: UInt8 = 0
    var tier: UInt8 = 1
    var preferredAgent = nilIndex
    var preferredUntil: Int64 = .min
    var declinedBy = nilIndex
    var agent = nilIndex
    var offerHead = nilIndex
    var offerCount: UInt16 = 0
    var answeredAt: Int64 = 0
    var completedAt: Int64 = 0
    var waitPrev = nilIndex, waitNext = nilIndex
    var maxWaitTimer: TimerHandle = .none
    var tierTimer: TimerHandle = .none
    var preferredTimer: TimerHandle = .none
    var wrapTimer: TimerHandle = .none

    func skill(_ i: Int) -> UInt32 {
        switch i { case 0: skills.0; case 1: skills.1; case 2: skills.2; default: skills.3 }
    }
}

/// A pending offer. Pool slot, linked per contact.

struct OfferRecord {
    var contact: UInt32 = nilIndex
    var agent: AgentID = 0
    var queue: QueueID = 0
    var timer: TimerHandle = .none
    var next = nilIndex
    var live = false
}

/// One entry of the decision history (`explain`).
public struct Decision: Sendable, Hashable {
    /// What happened to the contact.
    public enum Kind: UInt8, Sendable, Hashable {
        case queued = 0, offered, accepted, rejected, offerTimedOut, withdrawn, abandoned, overflowed, timedOut, refused, completed, ended, tierWidened
        /// Put back as connected after a restart (`RoutingEvent.restore`).
        case restored
    }
    public var contact: ContactID
    public var at: RoutingInstant
    public var kind: Kind
    public var queue: QueueID
    /// The agent involved, if any.
    public var agent: AgentID?
    /// The reason of an offer.
    public var reason: OfferReason?
}
