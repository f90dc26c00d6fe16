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
    /// nil keeps the stored choice (off for a new configuration).
    public var emailMatching: Bool?

    public init(directoryID: String, clientID: String, sealedClientSecret: String?, enabled: Bool, selfManagedScope: SelfManagedScope, authorityBaseURL: String?, emailMatching: Bool? = nil) {
        self.emailMatching = emailMatching
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
        // The authority is the operator's choice, not the admin's: the server fetches from it and sends the
        // client secret to it (SSRF otherwise). An admin may only repeat it.
        let configured = Self.normalizedAuthority(configuration.identityAuthority)
        if let given = input.authorityBaseURL, Self.normalizedAuthority(given) != configured {
            throw DirectoryError.invalidField(field: "authorityBaseUrl", reason: "must be \(configured) (set by the server's operator)")
        }
        let authority = configured
        let at = now()
        return try await commit { db in
            let before = try db.identityProvider(tenant: tenant)
            guard let secret = input.sealedClientSecret ?? before?.sealedClientSecret else {
                throw DirectoryError.invalidField(field: "clientSecret", reason: "is required")
            }
            let settings = IdentityProviderSettings(
                tenantID: tenant, directoryID: input.directoryID.lowercased(), clientID: input.clientID.lowercased(), sealedClientSecret: secret,
                enabled: input.enabled, selfManagedScope: input.selfManagedScope, authorityBaseURL: authority,
                emailMatching: input.emailMatching ?? before?.emailMatching ?? false, updatedAt: at)
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

    /// `https://Host[:port]` of an authority URL, lower-cased, without a trailing slash or path.
    static func normalizedAuthority(_ text: String) -> String {
        guard let url = URL(string: text.trimmingCharacters(in: .whitespaces)), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
            return text
        }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
    }

    /// Opens a session for the user the provider vouched for, inside `tenant` only. The user is found by
    /// the Entra object id (`oid`, immutable; the token's `tid` was checked against the directory) that
    /// an admin associated, or that an earlier login linked. Mutable claims never find a user — except on
    /// a first login when the tenant allowed e-mail matching and the token says the e-mail is verified,
    /// and only for a user not yet linked to another Entra account (the "nOAuth" pattern otherwise).
    /// Unknown users are refused, never created.
    public func openExternalSession(tenant: TenantID, subject: String, email: String?, emailVerified: Bool = false) async throws -> LoginResult {
        let at = now()
        let (token, tokenHash) = secrets.mint()
        let lifetime = configuration.sessionLifetime
        let user: User = try await commit { db in
            var found = try db.user(tenant: tenant, externalSubject: subject)
            if found == nil, let email, emailVerified, try db.identityProvider(tenant: tenant)?.emailMatching == true,
               let byEmail = try db.user(tenant: tenant, email: FieldRules.normalizeEmail(email)),
               try db.externalSubjects(user: byEmail.id).isEmpty {
                found = byEmail
            }
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

    /// Associates a user with their Entra object id (the `oid` claim), or removes the association
    /// (`objectID` nil): admins of the user's tenant and support. An object id names one user per tenant.
    public func setExternalIdentity(by principal: Principal, user id: UserID, objectID: String?) async throws -> User {
        let guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
        if let objectID, objectID.wholeMatch(of: guid) == nil {
            throw DirectoryError.invalidField(field: "objectId", reason: "the user's Entra object id (a GUID)")
        }
        let at = now()
        return try await commit { db in
            let user = try Self.administeredUser(id, by: principal, in: db)
            guard let tenant = user.tenantID else { throw DirectoryError.invalidField(field: "userId", reason: "support users log in with a password") }
            let before = try db.externalSubjects(user: id)
            if let objectID {
                let subject = objectID.lowercased()
                if let other = try db.user(tenant: tenant, externalSubject: subject), other.id != id {
                    throw DirectoryError.conflict(reason: "this Entra object id is associated with another user")
                }
                try db.unlinkExternalSubjects(user: id, tenant: tenant)
                try db.link(externalSubject: subject, to: id, tenant: tenant)
            } else {
                try db.unlinkExternalSubjects(user: id, tenant: tenant)
            }
            try db.append(AuditEntry(
                tenantID: tenant, actorID: principal.userID, action: objectID == nil ? "user.external_identity_removed" : "user.external_identity_set",
                entity: "user", entityID: id.description, before: AuditJSON.encode(before), after: objectID.map { AuditJSON.encode([$0.lowercased()]) } ?? nil, at: at))
            return user
        }
    }

    static func auditView(_ p: IdentityProviderSettings) -> String? {
        AuditJSON.encode([
            "emailMatching": String(p.emailMatching),
            "directoryId": p.directoryID, "clientId": p.clientID, "enabled": String(p.enabled),
            "selfManagedScope": p.selfManagedScope.rawValue, "authorityBaseUrl": p.authorityBaseURL, "clientSecret": "[sealed]",
        ])
    }
}
