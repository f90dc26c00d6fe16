import Foundation

/// The channel a contact arrives on.
public enum Channel: String, Sendable, Codable, CaseIterable {
    case voice
    case webchat
    case whatsapp
}

/// How a queue picks among eligible agents (the router implements each).
public enum RoutingStrategy: String, Sendable, Codable, CaseIterable {
    case longestIdle = "longest_idle"
    case roundRobin = "round_robin"
    case fewestContacts = "fewest_contacts"
    case leastTalkTime = "least_talk_time"
    case topDown = "top_down"
    case ringAll = "ring_all"
    case random
}

/// The routing settings of a queue, in the contact-center terms PRODUCT.md uses.
public struct QueueSettings: Sendable, Codable, Hashable {
    public var strategy: RoutingStrategy
    public var wrapUpSeconds: Int
    public var offerTimeoutSeconds: Int
    /// Unanswered offers in a row before the agent is paused with reason `no_answer`.
    public var maxNoAnswer: Int
    public var rejectDelaySeconds: Int
    /// 0 means no limit.
    public var maxWaitSeconds: Int
    public var overflowQueueID: QueueID?
    /// Higher is served first when an agent frees up.
    public var priority: Int
    /// Most contacts waiting at once; further arrivals are refused (`queue_full`), so a flood cannot
    /// fill the line and the database.
    public var maxWaiting: Int

    public init(
        strategy: RoutingStrategy = .longestIdle, wrapUpSeconds: Int = 10, offerTimeoutSeconds: Int = 20,
        maxNoAnswer: Int = 3, rejectDelaySeconds: Int = 5, maxWaitSeconds: Int = 0,
        overflowQueueID: QueueID? = nil, priority: Int = 0, maxWaiting: Int = 500
    ) {
        self.maxWaiting = maxWaiting
        self.strategy = strategy
        self.wrapUpSeconds = wrapUpSeconds
        self.offerTimeoutSeconds = offerTimeoutSeconds
        self.maxNoAnswer = maxNoAnswer
        self.rejectDelaySeconds = rejectDelaySeconds
        self.maxWaitSeconds = maxWaitSeconds
        self.overflowQueueID = overflowQueueID
        self.priority = priority
    }
}

/// A voice queue ("Call Center") or a chat queue (WebChat or WhatsApp).
public struct Queue: Sendable, Codable, Hashable {
    public let id: QueueID
    public let tenantID: TenantID
    public var name: String
    public var channel: Channel
    public var settings: QueueSettings
    public let createdAt: Date

    public init(id: QueueID = QueueID(), tenantID: TenantID, name: String, channel: Channel, settings: QueueSettings, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.channel = channel
        self.settings = settings
        self.createdAt = createdAt
    }

    /// Voice queues are "Call Centers"; WebChat and WhatsApp queues are chat queues.
    public var isChat: Bool { channel != .voice }
}

/// Links an agent to a queue they serve, with the tier (level) and position routing uses.
public struct Membership: Sendable, Codable, Hashable {
    public let tenantID: TenantID
    public let queueID: QueueID
    public let userID: UserID
    /// Tier: level 1 is offered first; higher levels join as the wait grows.
    public var level: Int
    /// Order for the top-down strategy.
    public var position: Int
    /// Whether the agent is currently logged in to this queue.
    public var loggedIn: Bool

    public init(tenantID: TenantID, queueID: QueueID, userID: UserID, level: Int = 1, position: Int = 0, loggedIn: Bool = false) {
        self.tenantID = tenantID
        self.queueID = queueID
        self.userID = userID
        self.level = level
        self.position = position
        self.loggedIn = loggedIn
    }
}
