import Foundation

/// The e-mails of the enablement flow (PRODUCT.md), in the order the product sends them.
public enum NotificationKind: String, Sendable, Codable, CaseIterable {
    /// A link to set a (new) password.
    case passwordReset = "password_reset"
    /// An extension ("ramal") was associated with the user.
    case extensionAssigned = "extension_assigned"
    /// The password was changed.
    case passwordChanged = "password_changed"
    /// A link to confirm the e-mail address.
    case confirmEmail = "confirm_email"
    /// The e-mail address is verified.
    case emailVerified = "email_verified"
}

/// Delivery state of an outbox row.
public enum DeliveryStatus: String, Sendable, Codable {
    case pending
    case sent
    case dead
}

/// One row of the durable outbox, written in the same transaction as the change that causes it.
public struct OutboxMessage: Sendable, Codable, Hashable {
    /// Assigned by the store; orders the outbox.
    public var sequence: Int64?
    public let tenantID: TenantID?
    public let userID: UserID
    public let kind: NotificationKind
    public let recipient: String
    public let recipientName: String
    public let language: Language
    /// A link the message carries (reset or confirmation), nil when it carries none.
    /// The link holds a secret token; it is never logged.
    public let link: String?
    /// Extra values the template shows (for example the extension number).
    public let parameters: [String: String]
    public let createdAt: Date
    public var status: DeliveryStatus
    public var attempts: Int
    public var lastError: String?
    public var sentAt: Date?

    public init(
        tenantID: TenantID?, userID: UserID, kind: NotificationKind, recipient: String, recipientName: String,
        language: Language, link: String?, parameters: [String: String] = [:], createdAt: Date
    ) {
        self.sequence = nil
        self.tenantID = tenantID
        self.userID = userID
        self.kind = kind
        self.recipient = recipient
        self.recipientName = recipientName
        self.language = language
        self.link = link
        self.parameters = parameters
        self.createdAt = createdAt
        self.status = .pending
        self.attempts = 0
        self.lastError = nil
        self.sentAt = nil
    }

    /// The same message carrying `link` instead (the worker renders with the opened link).
    public func withLink(_ link: String?) -> OutboxMessage {
        var copy = OutboxMessage(
            tenantID: tenantID, userID: userID, kind: kind, recipient: recipient, recipientName: recipientName,
            language: language, link: link, parameters: parameters, createdAt: createdAt)
        copy.sequence = sequence
        copy.status = status
        copy.attempts = attempts
        copy.lastError = lastError
        copy.sentAt = sentAt
        return copy
    }
}
