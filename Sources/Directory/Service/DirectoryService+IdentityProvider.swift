import Foundation

/// What an admin sends to configure the tenant's Microsoft Entra ID login.
public struct IdentityProviderInput: Sendable {
    public var directoryID: String
    public var clientID: String
    /// Sealed by the caller; nil keeps the stored secret.
    public var sealedClientSecret: String?
    public var enabled: Bool
    public var selfManagedScope: SelfManagedScope
    public var authorityBaseURL: String?

    public init(directoryID: String, clientID: String, sealedClientSecret: String?, enabled: Bool, selfManagedScope: SelfManagedScope, authorityBaseURL: String?) {
        self.directoryID = directoryID
        self.clientID = clientID
        self.sealedClientSecret = sealedClientSecret
        self.enabled = enabled
        self.selfManagedScope = selfManagedScope
        self.authorityBaseURL = authorityBaseURL
    }
}

extension DirectoryService {
    public static let defaultAuthority = "https://login.microsoftonline.com"

    /// The tenant's identity-provider settings (admins of the tenant and support).
    public func identityProvider(tenant: TenantID, for principal: Principal) async throws -> IdentityProviderSettings? {
        guard principal.canSee(tenant: tenant) else { throw DirectoryError.notFound(entity: "tenant") }
        guard principal.canAdminister(tenant: tenant) else { throw DirectoryError.forbidden }
        return try await store.read { try $0.identityProvider(tenant: tenant) }
    }

    /// Saves the tenant's Microsoft Entra ID settings (admins of the tenant and support).
    public func configureIdentityProvider(by principal: Principal, tenant: TenantID, _ input: IdentityProviderInput) async throws -> IdentityProviderSettings {
        guard principal.canSee(tenant: tenant) else { throw DirectoryError.notFound(entity: "tenant") }
        guard principal.canAdminister(tenant: tenant) else { throw DirectoryError.forbidden }
        let guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
        guard input.directoryID.wholeMatch(of: guid) != nil else { throw DirectoryError.invalidField(field: "directoryId", reason: "a directory (tenant) GUID") }
        guard input.clientID.wholeMatch(of: guid) != nil else { throw DirectoryError.invalidField(field: "clientId", reason: "an application (client) GUID") }
        let authority = (input.authorityBaseURL ?? Self.defaultAuthority).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard let url = URL(string: authority), url.scheme == "https" || url.scheme == "http", url.host != nil else {
            throw DirectoryError.invalidField(field: "authorityBaseUrl", reason: "an absolute http(s) URL")
        }
        let at = now()
        return try await commit { db in
            let before = try db.identityProvider(tenant: tenant)
            guard let secret = input.sealedClientSecret ?? before?.sealedClientSecret else {
                throw DirectoryError.invalidField(field: "clientSecret", reason: "is required")
            }
            let settings = IdentityProviderSettings(
                tenantID: tenant, directoryID: input.directoryID.lowercased(), clientID: input.clientID.lowercased(), sealedClientSecret: secret,
                enabled: input.enabled, selfManagedScope: input.selfManagedScope, authorityBaseURL: authority, updatedAt: at)
            try db.upsert(settings)
            try db.append(AuditEntry(
                tenantID: tenant, actorID: principal.userID, action: "identity_provider.update", entity: "identity_provider",
                entityID: tenant.description, before: before.flatMap(Self.auditView), after: Self.auditView(settings), at: at))
            return settings
        }
    }

    /// Whether `user` belongs to the tenant's self-managed group (password login and reset refused).
    static func isSelfManaged(_ user: User, in db: any DirectoryReader) throws -> Bool {
        if user.selfManaged { return true }
        guard let tenant = user.tenantID, let provider = try db.identityProvider(tenant: tenant) else { return false }
        return provider.governs(user)
    }

    /// Starts a login through the tenant's provider: stores the state (hashed), nonce and PKCE verifier.
    public func beginExternalLogin(tenantSlug: String, stateHash: String, nonce: String, codeVerifier: String, lifetime: TimeInterval = 600) async throws -> IdentityProviderSettings {
        let at = now()
        return try await commit { db in
            guard let tenant = try db.tenant(slug: tenantSlug.lowercased()), let provider = try db.identityProvider(tenant: tenant.id), provider.enabled else {
                throw DirectoryError.identityProviderUnavailable
            }
            try db.insert(ExternalLoginState(stateHash: stateHash, tenantID: tenant.id, nonce: nonce, codeVerifier: codeVerifier, createdAt: at, expiresAt: at.addingTimeInterval(lifetime)))
            return provider
        }
    }

    /// Takes the login state back (once): replayed, unknown or expired states are refused.
    public func consumeExternalLogin(stateHash: String) async throws -> (ExternalLoginState, IdentityProviderSettings) {
        let at = now()
        return try await commit { db in
            guard let state = try db.consumeExternalLoginState(hash: stateHash) else { throw DirectoryError.externalLoginFailed(reason: "unknown or already used state") }
            guard at < state.expiresAt else { throw DirectoryError.externalLoginFailed(reason: "the login took too long; start again") }
            guard let provider = try db.identityProvider(tenant: state.tenantID), provider.enabled else { throw DirectoryError.identityProviderUnavailable }
            return (state, provider)
        }
    }

    /// Opens a session for the user the provider vouched for: found by the remembered subject (`oid`)
    /// or by e-mail, only inside `tenant`. Unknown users are refused, never created.
    public func openExternalSession(tenant: TenantID, subject: String, email: String?) async throws -> LoginResult {
        let at = now()
        let (token, tokenHash) = secrets.mint()
        let lifetime = configuration.sessionLifetime
        let user: User = try await commit { db in
            var found = try db.user(tenant: tenant, externalSubject: subject)
            if found == nil, let email { found = try db.user(tenant: tenant, email: FieldRules.normalizeEmail(email)) }
            guard let user = found else { throw DirectoryError.unknownExternalUser }
            try db.link(externalSubject: subject, to: user.id, tenant: tenant)
            try db.insert(Session(tokenHash: tokenHash, userID: user.id, createdAt: at, expiresAt: at.addingTimeInterval(lifetime)))
            try db.append(AuditEntry(
                tenantID: tenant, actorID: user.id, action: "user.login_external", entity: "user", entityID: user.id.description,
                before: nil, after: nil, at: at))
            return user
        }
        return LoginResult(token: token, user: user, expiresAt: at.addingTimeInterval(lifetime))
    }

    static func auditView(_ p: IdentityProviderSettings) -> String? {
        AuditJSON.encode([
            "directoryId": p.directoryID, "clientId": p.clientID, "enabled": String(p.enabled),
            "selfManagedScope": p.selfManagedScope.rawValue, "authorityBaseUrl": p.authorityBaseURL, "clientSecret": "[sealed]",
        ])
    }
}
