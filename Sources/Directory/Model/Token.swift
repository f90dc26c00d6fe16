import Foundation

/// What a one-time token proves when it comes back.
public enum TokenPurpose: String, Sendable, Codable {
    case passwordReset = "password_reset"
    case emailConfirmation = "email_confirmation"
}

/// A single-use, expiring token. Only its hash is stored; the token itself travels in one e-mail.
public struct OneTimeToken: Sendable, Codable, Hashable {
    public let tokenHash: String
    public let userID: UserID
    public let purpose: TokenPurpose
    public let createdAt: Date
    public let expiresAt: Date
    public var usedAt: Date?

    public init(tokenHash: String, userID: UserID, purpose: TokenPurpose, createdAt: Date, expiresAt: Date, usedAt: Date? = nil) {
        self.tokenHash = tokenHash
        self.userID = userID
        self.purpose = purpose
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }
}

/// A login session. Only the hash of its bearer token is stored.
public struct Session: Sendable, Codable, Hashable {
    public let tokenHash: String
    public let userID: UserID
    public let createdAt: Date
    public let expiresAt: Date
    public var revokedAt: Date?

    public init(tokenHash: String, userID: UserID, createdAt: Date, expiresAt: Date, revokedAt: Date? = nil) {
        self.tokenHash = tokenHash
        self.userID = userID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    public func isValid(at now: Date) -> Bool { revokedAt == nil && now < expiresAt }
}
