import Foundation

/// Which users of a tenant log in through its identity provider (PRODUCT.md "Login with an identity provider").
public enum SelfManagedScope: String, Sendable, Codable, CaseIterable {
    /// Every user of the tenant.
    case allUsers = "all_users"
    /// Only the users marked self-managed in their record (the tenant's self-managed group).
    case markedUsers = "marked_users"
}

/// A tenant's Microsoft Entra ID (Azure AD) configuration. The client secret is kept only encrypted.
public struct IdentityProviderSettings: Sendable, Codable, Hashable {
    public let tenantID: TenantID
    /// The Entra directory (tenant) id: the `tid` claim and the path segment of the authority.
    public var directoryID: String
    /// The application (client) id: the `aud` claim.
    public var clientID: String
    /// The client secret, sealed with the server's secret key (never stored in clear).
    public var sealedClientSecret: String
    public var enabled: Bool
    public var selfManagedScope: SelfManagedScope
    /// Always the server's configured authority (`https://login.microsoftonline.com` unless an operator
    /// pointed the server at another one); an admin cannot choose another host.
    public var authorityBaseURL: String
    /// Whether a first login may find its user by the token's e-mail (only a verified one); otherwise a
    /// user logs in through Microsoft only after an admin associated their Entra object id.
    public var emailMatching: Bool
    public var updatedAt: Date

    public init(
        tenantID: TenantID, directoryID: String, clientID: String, sealedClientSecret: String, enabled: Bool,
        selfManagedScope: SelfManagedScope, authorityBaseURL: String, emailMatching: Bool = false, updatedAt: Date
    ) {
        self.emailMatching = emailMatching
        self.tenantID = tenantID
        self.directoryID = directoryID
        self.clientID = clientID
        self.sealedClientSecret = sealedClientSecret
        self.enabled = enabled
        self.selfManagedScope = selfManagedScope
        self.authorityBaseURL = authorityBaseURL
        self.updatedAt = updatedAt
    }

    /// Whether `user` must log in through this provider instead of a password.
    public func governs(_ user: User) -> Bool {
        enabled && user.tenantID == tenantID && (selfManagedScope == .allUsers || user.selfManaged)
    }
}

/// A login through the provider in flight: bound to `state` (stored hashed), with the nonce and the
/// PKCE verifier it must come back with. Single use, short-lived.
public struct ExternalLoginState: Sendable, Codable, Hashable {
    public let stateHash: String
    public let tenantID: TenantID
    public let nonce: String
    public let codeVerifier: String
    public let createdAt: Date
    public let expiresAt: Date

    public init(stateHash: String, tenantID: TenantID, nonce: String, codeVerifier: String, createdAt: Date, expiresAt: Date) {
        self.stateHash = stateHash
        self.tenantID = tenantID
        self.nonce = nonce
        self.codeVerifier = codeVerifier
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
