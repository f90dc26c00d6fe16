import Foundation

extension DirectoryService {
    /// Creates a user. Only platform support may (PRODUCT.md path 1). Queues, in order, the password-reset
    /// link and, when an extension is set, the extension-associated notice.
    public func createUser(by principal: Principal, _ input: NewUser) async throws -> User {
        guard principal.role == .support else { throw DirectoryError.forbidden }
        if input.role == .support {
            guard input.tenantID == nil else { throw DirectoryError.invalidField(field: "tenantId", reason: "support users belong to no tenant") }
        } else if input.tenantID == nil {
            throw DirectoryError.invalidField(field: "tenantId", reason: "required for this role")
        }
        let at = now()
        var user = User(
            tenantID: input.tenantID, name: input.name.trimmingCharacters(in: .whitespacesAndNewlines),
            email: FieldRules.normalizeEmail(input.email), role: input.role,
            extension: input.extension?.trimmingCharacters(in: .whitespaces), webrtcEnabled: input.webrtcEnabled,
            omnichannelEnabled: input.omnichannelEnabled, selfManaged: input.selfManaged, language: input.language, createdAt: at)
        if user.extension?.isEmpty == true { user.extension = nil }
        try Self.validate(user)
        let newUser = user
        let (resetToken, resetHash) = secrets.mint()
        let resetLink = try link("reset-password", token: resetToken)
        let resetExpiry = at.addingTimeInterval(configuration.resetTokenLifetime)
        return try await commit { db in
            let user = newUser
            if let tenantID = user.tenantID, try db.tenant(tenantID) == nil { throw DirectoryError.notFound(entity: "tenant") }
            try Self.checkUnique(user, in: db)
            try db.insert(user)
            if !user.selfManaged {
                try db.insert(OneTimeToken(tokenHash: resetHash, userID: user.id, purpose: .passwordReset, createdAt: at, expiresAt: resetExpiry))
                try db.enqueue(Self.message(.passwordReset, to: user, link: resetLink, at: at))
            }
            if let ext = user.extension {
                try db.enqueue(Self.message(.extensionAssigned, to: user, link: nil, parameters: ["extension": ext], at: at))
            }
            try db.append(AuditEntry(
                tenantID: user.tenantID, actorID: principal.userID, action: "user.create", entity: "user",
                entityID: user.id.description, before: nil, after: AuditJSON.encode(user), at: at))
            if let tenantID = user.tenantID { try db.append(DirectoryEvent.agentChanged(tenantID: tenantID, userID: user.id, at: at)) }
            return user
        }
    }

    /// Saves an edit of an existing user (admin of the tenant, or support). Rules, in order: fields are
    /// valid; omnichannel needs WebRTC (`webrtc_required`); editing an agent needs `confirm` (the
    /// product's warning otherwise), and a confirmed edit logs the agent out of every queue.
    public func updateUser(by principal: Principal, id: UserID, _ edit: UserEdit, confirm: Bool) async throws -> User {
        let at = now()
        return try await commit { db in
            guard let before = try db.user(id) else { throw DirectoryError.notFound(entity: "user") }
            // Support accounts are not edited through a tenant's user record.
            guard let tenantID = before.tenantID else {
                throw principal.role == .support ? DirectoryError.forbidden : DirectoryError.notFound(entity: "user")
            }
            guard principal.canSee(tenant: tenantID) else { throw DirectoryError.notFound(entity: "user") }
            guard principal.canAdminister(tenant: tenantID) else { throw DirectoryError.forbidden }
            var after = before
            if let name = edit.name { after.name = name.trimmingCharacters(in: .whitespacesAndNewlines) }
            if let email = edit.email { after.email = FieldRules.normalizeEmail(email) }
            if let role = edit.role {
                guard role != .support else { throw DirectoryError.invalidField(field: "role", reason: "support users belong to no tenant") }
                after.role = role
            }
            if let ext = edit.extension {
                let trimmed = ext?.trimmingCharacters(in: .whitespaces)
                after.extension = trimmed?.isEmpty == true ? nil : trimmed
            }
            if let value = edit.webrtcEnabled { after.webrtcEnabled = value }
            if let value = edit.omnichannelEnabled { after.omnichannelEnabled = value }
            if let value = edit.selfManaged { after.selfManaged = value }
            if let value = edit.language { after.language = value }
            let emailChanged = after.email != before.email
            // Moving onto the omnichannel platform verifies the address anew (PRODUCT.md: an existing
            // agent receives the confirm-e-mail link after setting the new password).
            let enteringOmnichannel = after.omnichannelEnabled && !before.omnichannelEnabled
            if emailChanged || enteringOmnichannel { after.emailVerified = false }
            try Self.validate(after)
            try Self.checkUnique(after, in: db)
            guard after != before else { return before }
            if before.role == .agent && !confirm { throw DirectoryError.confirmationRequired }
            after.updatedAt = at
            try db.update(after)
            if before.role == .agent {
                var loggedOut: [QueueID] = []
                for var membership in try db.memberships(user: id) where membership.loggedIn {
                    membership.loggedIn = false
                    try db.upsert(membership)
                    loggedOut.append(membership.queueID)
                }
                try db.append(DirectoryEvent.agentLoggedOutOfAllQueues(tenantID: tenantID, userID: id, queueIDs: loggedOut, at: at))
                if !loggedOut.isEmpty {
                    try db.append(AuditEntry(
                        tenantID: tenantID, actorID: principal.userID, action: "user.logout_all_queues", entity: "user",
                        entityID: id.description, before: AuditJSON.encode(loggedOut.map(\.description)), after: nil, at: at))
                }
            }
            if emailChanged && !after.selfManaged {
                let (token, hash) = secrets.mint()
                try db.invalidateTokens(user: id, purpose: .emailConfirmation, at: at)
                try db.insert(OneTimeToken(tokenHash: hash, userID: id, purpose: .emailConfirmation, createdAt: at, expiresAt: at.addingTimeInterval(configuration.confirmationTokenLifetime)))
                try db.enqueue(Self.message(.confirmEmail, to: after, link: try link("confirm-email", token: token), at: at))
            }
            if let ext = after.extension, ext != before.extension {
                try db.enqueue(Self.message(.extensionAssigned, to: after, link: nil, parameters: ["extension": ext], at: at))
            }
            try db.append(AuditEntry(
                tenantID: tenantID, actorID: principal.userID, action: "user.update", entity: "user",
                entityID: id.description, before: AuditJSON.encode(before), after: AuditJSON.encode(after), at: at))
            try db.append(DirectoryEvent.agentChanged(tenantID: tenantID, userID: id, at: at))
            return after
        }
    }

    /// Deletes a user, their memberships and sessions. Support only, like creation.
    public func deleteUser(by principal: Principal, id: UserID) async throws {
        guard principal.role == .support else {
            // Hide other tenants' users; refuse the action for one's own.
            if let user = try await store.read({ try $0.user(id) }), let t = user.tenantID, principal.canSee(tenant: t) { throw DirectoryError.forbidden }
            throw DirectoryError.notFound(entity: "user")
        }
        let at = now()
        try await commit { db in
            guard let user = try db.user(id) else { throw DirectoryError.notFound(entity: "user") }
            guard user.id != principal.userID else { throw DirectoryError.conflict(reason: "a user cannot delete themselves") }
            for membership in try db.memberships(user: id) { try db.delete(membershipOf: id, in: membership.queueID) }
            try db.revokeSessions(user: id, at: at)
            try db.append(DirectoryEvent.sessionsEnded(tenantID: user.tenantID, userID: id, reason: .userDeleted, at: at))
            try db.delete(user: id)
            try db.append(AuditEntry(
                tenantID: user.tenantID, actorID: principal.userID, action: "user.delete", entity: "user",
                entityID: id.description, before: AuditJSON.encode(user), after: nil, at: at))
            if let tenantID = user.tenantID { try db.append(DirectoryEvent.agentChanged(tenantID: tenantID, userID: id, at: at)) }
        }
    }

    /// One user, visible to support, to staff of its tenant, and to the user themselves.
    public func user(_ id: UserID, for principal: Principal) async throws -> User {
        guard let user = try await store.read({ try $0.user(id) }) else { throw DirectoryError.notFound(entity: "user") }
        if user.id == principal.userID || principal.role == .support { return user }
        guard let tenantID = user.tenantID, principal.canSee(tenant: tenantID) else { throw DirectoryError.notFound(entity: "user") }
        guard principal.role == .admin || principal.role == .supervisor else { throw DirectoryError.forbidden }
        return user
    }

    /// The users of a tenant, for support and the tenant's admins and supervisors.
    public func users(in tenantID: TenantID, for principal: Principal) async throws -> [User] {
        guard principal.canSee(tenant: tenantID) else { throw DirectoryError.notFound(entity: "tenant") }
        guard principal.role != .agent else { throw DirectoryError.forbidden }
        return try await store.read { db in
            guard try db.tenant(tenantID) != nil else { throw DirectoryError.notFound(entity: "tenant") }
            return try db.users(tenant: tenantID)
        }
    }

    // MARK: Shared rules

    static func validate(_ user: User) throws {
        guard FieldRules.isValidName(user.name) else { throw DirectoryError.invalidField(field: "name", reason: "1-120 characters") }
        guard FieldRules.isValidEmail(user.email) else { throw DirectoryError.invalidField(field: "email", reason: "not a valid e-mail address") }
        if let ext = user.extension, !FieldRules.isValidExtension(ext) {
            throw DirectoryError.invalidField(field: "extension", reason: "2-16 digits")
        }
        if user.omnichannelEnabled && !user.webrtcEnabled { throw DirectoryError.webrtcRequired }
    }

    static func checkUnique(_ user: User, in db: any DirectoryReader) throws {
        if let other = try db.user(tenant: user.tenantID, email: user.email), other.id != user.id { throw DirectoryError.emailTaken }
        if let tenantID = user.tenantID, let ext = user.extension,
           let other = try db.user(tenant: tenantID, extension: ext), other.id != user.id {
            throw DirectoryError.extensionTaken
        }
    }

    static func message(_ kind: NotificationKind, to user: User, link: String?, parameters: [String: String] = [:], at: Date) -> OutboxMessage {
        OutboxMessage(
            tenantID: user.tenantID, userID: user.id, kind: kind, recipient: user.email, recipientName: user.name,
            language: user.language, link: link, parameters: parameters, createdAt: at)
    }
}
