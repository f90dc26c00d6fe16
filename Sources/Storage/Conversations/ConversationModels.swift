import Directory
import Foundation

/// Where a conversation stands (issue 6 §4). `scheduled`: accepted outside business hours, enters the
/// queue at `routeAfter`; `waiting`: in the router's line (offered or not); `assigned`: an agent accepted;
/// `wrapUp`: closed by the agent, wrap-up running; `closed`: over.
public enum ConversationStatus: String, Sendable, Hashable, Codable {
    case scheduled, waiting, assigned, wrapUp = "wrap_up", closed
}

/// One customer contact on a chat channel: what the router routes, and the thread of its messages.
public struct Conversation: Sendable, Hashable {
    /// Dense number, also the router's contact id.
    public var seq: Int64
    public var id: UUID
    public var tenantID: TenantID
    public var queueID: QueueID
    public var channel: Channel
    public var status: ConversationStatus
    public var customerName: String
    public var customerEmail: String?
    /// The customer's address on the channel (WhatsApp `wa_id`); nil for web chat.
    public var customerAddress: String?
    /// The entry point: a chat site id or a WhatsApp `phone_number_id`.
    public var source: String
    public var agentID: UserID?
    /// Sticky routing: offered only to this agent until `preferredUntil`.
    public var preferredAgentID: UserID?
    public var preferredUntil: Date?
    /// First entry into a queue; kept across restarts so the line order survives.
    public var arrivedAt: Date
    public var routeAfter: Date?
    public var assignedAt: Date?
    public var closedAt: Date?
    /// answered, abandoned, timed_out, refused, overflowed.
    public var outcome: String?
    public var resumeTokenHash: String?
    public var lastCustomerMessageAt: Date?

    public init(
        seq: Int64 = 0, id: UUID = UUID(), tenantID: TenantID, queueID: QueueID, channel: Channel, status: ConversationStatus,
        customerName: String, customerEmail: String? = nil, customerAddress: String? = nil, source: String,
        agentID: UserID? = nil, preferredAgentID: UserID? = nil, preferredUntil: Date? = nil, arrivedAt: Date,
        routeAfter: Date? = nil, assignedAt: Date? = nil, closedAt: Date? = nil, outcome: String? = nil,
        resumeTokenHash: String? = nil, lastCustomerMessageAt: Date? = nil
    ) {
        self.seq = seq; self.id = id; self.tenantID = tenantID; self.queueID = queueID; self.channel = channel; self.status = status
        self.customerName = customerName; self.customerEmail = customerEmail; self.customerAddress = customerAddress; self.source = source
        self.agentID = agentID; self.preferredAgentID = preferredAgentID; self.preferredUntil = preferredUntil; self.arrivedAt = arrivedAt
        self.routeAfter = routeAfter; self.assignedAt = assignedAt; self.closedAt = closedAt; self.outcome = outcome
        self.resumeTokenHash = resumeTokenHash; self.lastCustomerMessageAt = lastCustomerMessageAt
    }

    public var isOpen: Bool { status != .closed }
}

/// A file sent by reference (issue 6 §1 "attachments by reference"): a URL, or a channel media id.
public struct ChatAttachment: Sendable, Hashable, Codable {
    public var url: String?
    public var mediaID: String?
    public var name: String?
    public var mimeType: String?
    public init(url: String? = nil, mediaID: String? = nil, name: String? = nil, mimeType: String? = nil) {
        self.url = url; self.mediaID = mediaID; self.name = name; self.mimeType = mimeType
    }
}

/// One message of a conversation, in either direction, with its delivery state.
public struct ChatMessage: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable, Codable { case inbound, outbound, system }
    public var seq: Int64
    public var id: UUID
    public var conversationSeq: Int64
    public var direction: Direction
    /// The agent who wrote an outbound message.
    public var authorID: UserID?
    /// text, image, location, … (the channel's type), or `unsupported`.
    public var kind: String
    public var text: String
    public var attachment: ChatAttachment?
    /// The channel's id (WhatsApp `wamid`); unique: a redelivered message is ignored.
    public var externalID: String?
    /// received, queued, sent, delivered, read, failed.
    public var status: String
    public var error: String?
    /// The channel's payload as received, kept for audit.
    public var raw: String?
    /// Structured content as a JSON object: a location's `latitude`/`longitude`/`name`/`address`, the
    /// `reactsTo` message and `emoji` of a reaction.
    public var details: String?
    /// The customer's current reaction (an emoji) on this message, nil when none.
    public var reaction: String?
    public var createdAt: Date

    public init(
        seq: Int64 = 0, id: UUID = UUID(), conversationSeq: Int64, direction: Direction, authorID: UserID? = nil, kind: String = "text",
        text: String, attachment: ChatAttachment? = nil, externalID: String? = nil, status: String, error: String? = nil,
        raw: String? = nil, details: String? = nil, reaction: String? = nil, createdAt: Date
    ) {
        self.details = details; self.reaction = reaction
        self.seq = seq; self.id = id; self.conversationSeq = conversationSeq; self.direction = direction; self.authorID = authorID
        self.kind = kind; self.text = text; self.attachment = attachment; self.externalID = externalID; self.status = status
        self.error = error; self.raw = raw; self.createdAt = createdAt
    }
}

/// A web site's chat entry point: its public key picks the tenant and the web chat queue.
public struct ChatSite: Sendable, Hashable {
    public var id: UUID
    public var tenantID: TenantID
    public var queueID: QueueID
    public var siteKey: String
    public var name: String
    /// Origins (`https://shop.example`) whose pages may open the widget's WebSocket; empty: any.
    public var allowedOrigins: [String]
    public var createdAt: Date
    public init(id: UUID = UUID(), tenantID: TenantID, queueID: QueueID, siteKey: String, name: String, allowedOrigins: [String] = [], createdAt: Date) {
        self.id = id; self.tenantID = tenantID; self.queueID = queueID; self.siteKey = siteKey; self.name = name; self.createdAt = createdAt
        self.allowedOrigins = allowedOrigins
    }

    /// Whether a page of `origin` (the upgrade's Origin header) may open the widget's WebSocket.
    public func allows(origin: String?) -> Bool {
        guard !allowedOrigins.isEmpty else { return true }
        guard let origin = origin?.lowercased() else { return false }
        return allowedOrigins.contains { $0.lowercased() == origin }
    }
}

/// A WhatsApp business number: its tenant, its chat queue, the sealed Graph API token, and how long a
/// returning customer goes back to the same agent first.
public struct WhatsAppNumber: Sendable, Hashable {
    public var phoneNumberID: String
    public var tenantID: TenantID
    public var queueID: QueueID
    public var displayName: String
    public var accessTokenSealed: Data
    public var stickyWindowSeconds: Int
    public var createdAt: Date
    public init(phoneNumberID: String, tenantID: TenantID, queueID: QueueID, displayName: String, accessTokenSealed: Data,
                stickyWindowSeconds: Int, createdAt: Date) {
        self.phoneNumberID = phoneNumberID; self.tenantID = tenantID; self.queueID = queueID; self.displayName = displayName
        self.accessTokenSealed = accessTokenSealed; self.stickyWindowSeconds = stickyWindowSeconds; self.createdAt = createdAt
    }
}

/// A WhatsApp send waiting for (another) attempt.
public struct WhatsAppSend: Sendable, Hashable {
    public var messageSeq: Int64
    public var phoneNumberID: String
    public var recipient: String
    public var attempts: Int
    public var nextAttemptAt: Date?
    public init(messageSeq: Int64, phoneNumberID: String, recipient: String, attempts: Int, nextAttemptAt: Date?) {
        self.messageSeq = messageSeq; self.phoneNumberID = phoneNumberID; self.recipient = recipient
        self.attempts = attempts; self.nextAttemptAt = nextAttemptAt
    }
}

/// How many contacts of each channel an agent may hold at once (issue 3 §1 "Capacity"); 0 switches a
/// channel off for the agent. Agents without a row use the product defaults (voice 1, webchat 3, WhatsApp 5).
public struct AgentCapacity: Sendable, Hashable, Codable {
    public var voice: Int
    public var webchat: Int
    public var whatsapp: Int
    public init(voice: Int = 1, webchat: Int = 3, whatsapp: Int = 5) { self.voice = voice; self.webchat = webchat; self.whatsapp = whatsapp }
}
