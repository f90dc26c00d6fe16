import Foundation

/// A successful login: the bearer token (shown once) and who it belongs to.
public struct LoginResult: Sendable {
    public let token: String
    public let user: User
    public let expiresAt: Date
}

/// What `/me` shows: the user, their queues, and every readiness condition still unmet.
public struct Profile: Sendable {
    public let user: User
    public let memberships: [Membership]
    public let unmet: [ReadinessCondition]
    public var ready: Bool { unmet.isEmpty }
}

extension DirectoryService {
    /// E-mail + password → session. Repeated failures per account and per client address are throttled;
    /// self-managed users are sent to their identity provider; unverified addresses cannot log in yet.
    public func login(email: String, password: String, tenantSlug: String?, clientAddress: String) async throws -> LoginResult {
        let email = FieldRules.normalizeEmail(email)
        let at = now()
        let steady = steadyNow()
        let account = "\(tenantSlug ?? "")/\(email)"
        if let wait = throttle.withLock({ $0.retryAfter(account: account, address: clientAddress, now: steady) }) {
            throw DirectoryError.tooManyAttempts(retryAfterSeconds: wait)
        }
        let found: (User, Bool)? = try await store.read { db in
            let user: User?
            if let slug = tenantSlug?.lowercased(), !slug.isEmpty {
                user = try db.tenant(slug: slug).flatMap { try db.user(tenant: $0.id, email: email) }
            } else {
                let matches = try db.users(email: email)
                if matches.count > 1 { throw DirectoryError.tenantRequired }
                user = matches.first
            }
            return try user.map { ($0, try Self.isSelfManaged($0, in: db)) }
        }
        if let (_, selfManaged) = found, selfManaged { throw DirectoryError.selfManaged }
        let matches: Bool
        if let (user, _) = found, let hash = user.passwordHash {
            matches = try await passwords.verify(password, against: hash)
        } else {
            // Spend the same hashing work for unknown accounts, so timing does not reveal which e-mails exist.
            _ = try await passwords.verify(password, against: try await throttle.decoyHash(passwords))
            matches = false
        }
        guard matches, let (user, _) = found else {
            throw failure(account: account, address: clientAddress, at: steady)
        }
        guard user.emailVerified else { throw DirectoryError.emailNotVerified }
        throttle.withLock { $0.recordSuccess(account: account) }
        let (token, tokenHash) = secrets.mint()
        let session = Session(tokenHash: tokenHash, userID: user.id, createdAt: at, expiresAt: at.addingTimeInterval(configuration.sessionLifetime))
        try await commit { db in try db.insert(session) }
        return LoginResult(token: token, user: user, expiresAt: session.expiresAt)
    }

    private func failure(account: String, address: String, at: Date) -> DirectoryError {
        throttle.withLock { $0.recordFailure(account: account, address: address, now: at) }
        return .invalidCredentials
    }

    /// Ends the session behind `token`.
    public func logout(token: String) async throws {
        let hash = secrets.hash(token)
        let at = now()
        try await commit { db in
            guard let session = try db.session(hash: hash), session.revokedAt == nil else { return }
            try db.revoke(sessionHash: hash, at: at)
            let tenant = try db.user(session.userID)?.tenantID
            try db.append(DirectoryEvent.sessionsEnded(tenantID: tenant, userID: session.userID, reason: .loggedOut, at: at))
        }
    }

    /// Resolves a bearer token to its principal; expired, revoked or unknown tokens are refused.
    public func authenticate(token: String) async throws -> Principal {
        let hash = secrets.hash(token)
        let at = now()
        return try await store.read { db in
            guard let session = try db.session(hash: hash), session.isValid(at: at), let user = try db.user(session.userID) else {
                throw DirectoryError.unauthenticated
            }
            return Principal(userID: user.id, tenantID: user.tenantID, role: user.role, sessionHash: hash)
        }
    }

    /// The caller's own record with omnichannel readiness (rule 8).
    public func profile(of principal: Principal) async throws -> Profile {
        try await store.read { db in
            guard let user = try db.user(principal.userID) else { throw DirectoryError.unauthenticated }
            let memberships = try db.memberships(user: user.id)
            return Profile(user: user, memberships: memberships, unmet: Readiness.unmet(user: user, linkedQueueCount: memberships.count))
        }
    }

    /// Creates the first platform support account when there is none; returns it with a fresh random
    /// password to print once, or nil when support staff already exist.
    public func bootstrapSupport(email: String, name: String = "Platform Support") async throws -> (User, String)? {
        let password = Self.randomPassword()
        let hash = try await passwords.hash(password)
        let at = now()
        let user = User(tenantID: nil, name: name, email: FieldRules.normalizeEmail(email), role: .support, emailVerified: true, passwordHash: hash, createdAt: at)
        try Self.validate(user)
        return try await commit { db in
            guard try db.supportUserCount() == 0 else { return nil }
            try db.insert(user)
            try db.append(AuditEntry(
                tenantID: nil, actorID: nil, action: "user.bootstrap_support", entity: "user",
                entityID: user.id.description, before: nil, after: AuditJSON.encode(user), at: at))
            return (user, password)
        }
    }

    /// Creates another support account with a given password (the `user create` command).
    public func createSupportUser(email: String, name: String, password: String) async throws -> User {
        let violations = PasswordPolicy.violations(of: password)
        guard violations.isEmpty else { throw DirectoryError.weakPassword(violations) }
        let at = now()
        let user = User(tenantID: nil, name: name, email: FieldRules.normalizeEmail(email), role: .support, emailVerified: true, passwordHash: try await passwords.hash(password), createdAt: at)
        try Self.validate(user)
        return try await commit { db in
            try Self.checkUnique(user, in: db)
            try db.insert(user)
            try db.append(AuditEntry(
                tenantID: nil, actorID: nil, action: "user.create_support", entity: "user",
                entityID: user.id.description, before: nil, after: AuditJSON.encode(user), at: at))
            return user
        }
    }

    /// A random password that satisfies the policy (16 characters from every class).
    static func randomPassword() -> String {
        let upper = Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), lower = Array("abcdefghijkmnopqrstuvwxyz")
        let digits = Array("23456789"), special = Array("!@$%*+-_=?")
        var generator = SystemRandomNumberGenerator()
        var characters = [upper, lower, digits, special].compactMap { $0.randomElement(using: &generator) }
        let all = upper + lower + digits + special
        while characters.count < 16 { characters.append(all.randomElement(using: &generator) ?? "x") }
        return String(characters.shuffled(using: &generator))
    }
}
