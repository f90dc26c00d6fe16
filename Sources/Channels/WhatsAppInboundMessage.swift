import Foundation

/// One message a customer sent to one of our business numbers (webhooks reference "messages":
/// entry[].changes[].value.messages[]).
public struct WhatsAppInboundMessage: Sendable, Hashable {
    /// metadata.phone_number_id (our business number).
    public var phoneNumberID: String
    /// metadata.display_phone_number, as Meta formats it.
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
    /// What the customer sent, by type.
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
    /// metadata.phone_number_id (our business number that sent the message).
    public var phoneNumberID: String
    /// The wamid of OUR outbound message.
    public var messageID: String
    /// sent, delivered, read, failed, deleted, or other.
    public var status: WhatsAppDeliveryStatus
    /// When the status changed (unix-seconds string).
    public var timestamp: Date
    /// The customer's wa_id.
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
    /// The Graph / Cloud API error code (build handling on it, Meta says, not on titles).
    public var code: Int
    /// The code's title (webhooks).
    public var title: String?
    /// "(#code) title" in API responses.
    public var message: String?
    /// error_data.details: the likely cause.
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
    /// What is wrong and where (a JSON path such as entry[0].changes[1].value.messages[2].id).
    public var reason: String

    /// An error with a human-readable reason (it names the path of the offending field).
    public init(reason: String) { self.reason = reason }

    public var description: String { "invalid WhatsApp webhook payload: \(reason)" }
}
