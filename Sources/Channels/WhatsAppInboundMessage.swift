import Foundation

/// One message a customer sent to one of our business numbers (webhooks reference "messages":
/// entry[].changes[].value.messages[]).
public struct WhatsAppInboundMessage: Sendable, Hashable {
    /// metadata.phone_number_id (our business number).
    public var phoneNumberID: String
    public var displayPhoneNumber: String?
    /// The customer's wa_id.
    public var from: String
    /// contacts[].profile.name matching wa_id.
    public var profileName: String?
    /// The wamid (idempotency key: Meta retries deliveries).
    public var id: String
    /// From the unix-seconds string.
    public var timestamp: Date
    /// The message this one replies to (context.id).
    public var contextMessageID: String?
    public var content: WhatsAppContent
    /// The message object re-serialized, kept for audit.
    public var rawJSON: String
    /// messages[].errors: why Meta could not deliver the content (e.g. 131051 for type "unsupported").
    public var errors: [WhatsAppGraphError]

    /// An inbound message as parsed from a webhook.
    public init(phoneNumberID: String, displayPhoneNumber: String?, from: String, profileName: String?, id: String,
                timestamp: Date, contextMessageID: String?, content: WhatsAppContent, rawJSON: String,
                errors: [WhatsAppGraphError] = []) {
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
        self.from = from
        self.profileName = profileName
        self.id = id
        self.timestamp = timestamp
        self.contextMessageID = contextMessageID
        self.content = content
        self.rawJSON = rawJSON
        self.errors = errors
    }
}

/// A delivery status of one of OUR outbound messages (webhooks reference "messages" → statuses[]).
public struct WhatsAppStatusUpdate: Sendable, Hashable {
    public var phoneNumberID: String
    /// The wamid of OUR outbound message.
    public var messageID: String
    public var status: WhatsAppDeliveryStatus
    public var timestamp: Date
    public var recipientID: String?
    /// Present when `status` is `.failed` (statuses[].errors[]).
    public var errors: [WhatsAppGraphError]

    /// A status update as parsed from a webhook.
    public init(phoneNumberID: String, messageID: String, status: WhatsAppDeliveryStatus, timestamp: Date,
                recipientID: String?, errors: [WhatsAppGraphError]) {
        self.phoneNumberID = phoneNumberID
        self.messageID = messageID
        self.status = status
        self.timestamp = timestamp
        self.recipientID = recipientID
        self.errors = errors
    }
}

/// statuses[].status (webhooks reference "messages" → Status object): sent, delivered, read, failed,
/// deleted; any other value is kept as `.other`.
public enum WhatsAppDeliveryStatus: Sendable, Hashable {
    case sent, delivered, read, failed, deleted
    case other(String)

    /// Maps Meta's status string.
    public init(_ raw: String) {
        switch raw {
        case "sent": self = .sent
        case "delivered": self = .delivered
        case "read": self = .read
        case "failed": self = .failed
        case "deleted": self = .deleted
        default: self = .other(raw)
        }
    }

    /// Meta's status string.
    public var rawValue: String {
        switch self {
        case .sent: "sent"
        case .delivered: "delivered"
        case .read: "read"
        case .failed: "failed"
        case .deleted: "deleted"
        case .other(let raw): raw
        }
    }
}

/// A Graph API / Cloud API error (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes):
/// `code`, its `title` (webhooks) or `message` (API responses), and `error_data.details`.
public struct WhatsAppGraphError: Sendable, Hashable, Codable {
    public var code: Int
    public var title: String?
    public var message: String?
    public var details: String?

    /// A Graph API error.
    public init(code: Int, title: String? = nil, message: String? = nil, details: String? = nil) {
        self.code = code
        self.title = title
        self.message = message
        self.details = details
    }
}

/// A webhook body that is not JSON or not shaped like Meta's `whatsapp_business_account` payload.
public struct WhatsAppPayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    /// An error with a human-readable reason (it names the path of the offending field).
    public init(reason: String) { self.reason = reason }

    public var description: String { "invalid WhatsApp webhook payload: \(reason)" }
}
