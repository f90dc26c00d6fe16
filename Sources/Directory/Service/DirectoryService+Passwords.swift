import Foundation

extension DirectoryService {
    /// Actions → Reset password (admin of the tenant, or support): invalidates open reset links and
    /// queues a new one. Refused for self-managed users with the product's message.
    public func requestPasswordReset(by principal: Principal, id: UserID) async throws {
        let at = now()
        let (token, hash) = secrets.mint()
        let resetLink = try link("reset-password", token: token)
        let expiry = at.addingTimeInterval(configuration.resetTokenLifetime)
        try await commit { db in
            let user = try Self.administeredUser(id, by: principal, in: db)
            guard try !Self.isSelfManaged(user, in: db) else { throw DirectoryError.selfManaged }
            try db.invalidateTokens(user: id, purpose: .passwordReset, at: at)
            try db.insert(OneTimeToken(tokenHash: hash, userID: id, purpose: .passwordReset, createdAt: at, expiresAt: expiry))
            try db.enqueue(Self.message(.passwordReset, to: user, link: resetLink, at: at))
            try db.append(AuditEntry(
                tenantID: user.tenantID, actorID: principal.userID, action: "user.reset_password", entity: "user",
                entityID: id.description, before: nil, after: nil, at: at))
        }
    }

    /// Completes a reset from the e-mailed link: checks the token (single use, not expired) and the
    /// policy, sets the password, ends the user's sessions, and queues "password changed" and — while
    /// the address is unverified — the confirm-e-mail link.
    public func completePasswordReset(token: String, newPassword: String) async throws {
        let violations = PasswordPolicy.violations(of: newPassword)
        guard violations.isEmpty else { throw DirectoryError.weakPassword(violations) }
        let at = now()
        let tokenHash = secrets.hash(token)
        let passwordHash = try await passwords.hash(newPassword)
        let (confirmToken, confirmHash) = secrets.mint()
        let confirmLink = try link("confirm-email", token: confirmToken)
        let confirmExpiry = at.addingTimeInterval(configuration.confirmationTokenLifetime)
        try await commit { db in
            let record = try Self.redeem(tokenHash, purpose: .passwordReset, at: at, in: db)
            guard var user = try db.user(record.userID) else { throw DirectoryError.invalidToken }
            guard try !Self.isSelfManaged(user, in: db) else { throw DirectoryError.selfManaged }
            user.passwordHash = passwordHash
            user.updatedAt = at
            try db.update(user)
            try db.invalidateTokens(user: user.id, purpose: .passwordReset, at: at)
            try db.revokeSessions(user: user.id, at: at)
            try db.append(DirectoryEvent.sessionsEnded(tenantID: user.tenantID, userID: user.id, reason: .passwordChanged, at: at))
            try db.enqueue(Self.message(.passwordChanged, to: user, link: nil, at: at))
            if !user.emailVerified {
                try db.invalidateTokens(user: user.id, purpose: .emailConfirmation, at: at)
                try db.insert(OneTimeToken(tokenHash: confirmHash, userID: user.id, purpose: .emailConfirmation, createdAt: at, expiresAt: confirmExpiry))
                try db.enqueue(Self.message(.confirmEmail, to: user, link: confirmLink, at: at))
            }
            try db.append(AuditEntry(
                tenantID: user.tenantID, actorID: user.id, action: "user.password_reset_completed", entity: "user",
                entityID: user.id.description, before: nil, after: nil, at: at))
        }
    }

    /// Confirms the e-mail address from the e-mailed link and queues "e-mail verified".
    public func confirmEmail(token: String) async throws {
        let at = now()
        let tokenHash = secrets.hash(token)
        try await commit { db in
            let record = try Self.redeem(tokenHash, purpose: .emailConfirmation, at: at, in: db)
            guard var user = try db.user(record.userID) else { throw DirectoryError.invalidToken }
            user.emailVerified = true
            user.updatedAt = at
            try db.update(user)
            try db.enqueue(Self.message(.emailVerified, to: user, link: nil, at: at))
            try db.append(AuditEntry(
                tenantID: user.tenantID, actorID: user.id, action: "user.email_verified", entity: "user",
                entityID: user.id.description, before: nil, after: nil, at: at))
            if let tenantID = user.tenantID { try db.append(DirectoryEvent.agentChanged(tenantID: tenantID, userID: user.id, at: at)) }
        }
    }

    /// The Password tab: an admin sets the password directly (same policy), for an agent who cannot use
    /// their e-mail (PRODUCT.md). Ends the user's sessions and voids every open reset link. The admin
    /// vouches for the account: an unverified address counts as verified from now on (its pending
    /// confirmation links are voided), so the agent can log in with this password; the audit says so.
    public func setPassword(by principal: Principal, id: UserID, password: String) async throws {
        let violations = PasswordPolicy.violations(of: password)
        guard violations.isEmpty else { throw DirectoryError.weakPassword(violations) }
        let at = now()
        let passwordHash = try await passwords.hash(password)
        try await commit { db in
            var user = try Self.administeredUser(id, by: principal, in: db)
            guard try !Self.isSelfManaged(user, in: db) else { throw DirectoryError.selfManaged }
            let vouched = !user.emailVerified
            user.passwordHash = passwordHash
            user.emailVerified = true
            user.updatedAt = at
            try db.update(user)
            try db.revokeSessions(user: id, at: at)
            try db.append(DirectoryEvent.sessionsEnded(tenantID: user.tenantID, userID: id, reason: .passwordChanged, at: at))
            try db.invalidateTokens(user: id, purpose: .passwordReset, at: at)
            if vouched { try db.invalidateTokens(user: id, purpose: .emailConfirmation, at: at) }
            try db.append(AuditEntry(
                tenantID: user.tenantID, actorID: principal.userID, action: "user.set_password", entity: "user",
                entityID: id.description, before: nil,
                after: vouched ? AuditJSON.encode(["email_verified": "vouched_by_admin"]) : nil, at: at))
            if vouched, let tenantID = user.tenantID { try db.append(DirectoryEvent.agentChanged(tenantID: tenantID, userID: id, at: at)) }
        }
    }

    /// Marks a one-time token used, or says why it cannot be.
    static func redeem(_ hash: String, purpose: TokenPurpose, at: Date, in db: any DirectoryWriter) throws -> OneTimeToken {
        guard let record = try db.token(hash: hash), record.purpose == purpose, record.usedAt == nil else { throw DirectoryError.invalidToken }
        guard at < record.expiresAt else { throw DirectoryError.tokenExpired }
        try db.markUsed(tokenHash: hash, at: at)
        return record
    }

    /// The user `id` if `principal` may administer them: 404 across tenants, 403 without the role.
    static func administeredUser(_ id: UserID, by principal: Principal, in db: any DirectoryReader) throws -> User {
        guard let user = try db.user(id) else { throw DirectoryError.notFound(entity: "user") }
        guard let tenantID = user.tenantID else {
            guard principal.role == .support else { throw DirectoryError.notFound(entity: "user") }
            return user
        }
        guard principal.canSee(tenant: tenantID) else { throw DirectoryError.notFound(entity: "user") }
        guard principal.canAdminister(tenant: tenantID) else { throw DirectoryError.forbidden }
        return user
    }
}
