import Foundation

/// Durable storage of the directory. Implementations run each body in one transaction:
/// a `write` body either commits entirely or changes nothing.
public protocol DirectoryStore: Sendable {
    func read<T: Sendable>(_ body: @escaping @Sendable (any DirectoryReader) throws -> T) async throws -> T
    func write<T: Sendable>(_ body: @escaping @Sendable (any DirectoryWriter) throws -> T) async throws -> T
}

/// Queries, always inside a transaction.
public protocol DirectoryReader {
    func tenant(_ id: TenantID) throws -> Tenant?
    func tenant(slug: String) throws -> Tenant?
    func tenants() throws -> [Tenant]

    func user(_ id: UserID) throws -> User?
    /// The user with this (normalized) e-mail in `tenant`; `tenant == nil` looks among support staff.
    func user(tenant: TenantID?, email: String) throws -> User?
    /// Every user with this e-mail across tenants (login without a tenant handle).
    func users(email: String) throws -> [User]
    func user(tenant: TenantID, extension: String) throws -> User?
    func users(tenant: TenantID) throws -> [User]
    func supportUserCount() throws -> Int

    func queue(_ id: QueueID) throws -> Queue?
    func queues(tenant: TenantID) throws -> [Queue]

    func membership(queue: QueueID, user: UserID) throws -> Membership?
    func memberships(queue: QueueID) throws -> [Membership]
    func memberships(user: UserID) throws -> [Membership]

    func token(hash: String) throws -> OneTimeToken?
    func session(hash: String) throws -> Session?

    func outbox(status: DeliveryStatus, limit: Int) throws -> [OutboxMessage]
    func outbox(user: UserID) throws -> [OutboxMessage]
    func outbox(sequence: Int64) throws -> OutboxMessage?
    /// Pending rows after `afterSequence`, in order, each with the time before which it must not
    /// be tried again (nil: at once). The mail worker pages through the queue with this.
    func outboxPending(afterSequence: Int64, limit: Int) throws -> [(message: OutboxMessage, notBefore: Date?)]
    func audit(tenant: TenantID?, limit: Int, beforeSequence: Int64?) throws -> [AuditEntry]
    func events(afterSequence: Int64, limit: Int) throws -> [(sequence: Int64, event: DirectoryEvent)]

    func identityProvider(tenant: TenantID) throws -> IdentityProviderSettings?
    /// The user an identity provider's subject (`oid`) was linked to at an earlier login.
    func user(tenant: TenantID, externalSubject: String) throws -> User?
    /// The Entra object ids linked to a user.
    func externalSubjects(user: UserID) throws -> [String]
}

/// Mutations; a writer can also read inside the same transaction.
public protocol DirectoryWriter: DirectoryReader {
    func insert(_ tenant: Tenant) throws
    func insert(_ user: User) throws
    func update(_ user: User) throws
    func delete(user: UserID) throws

    func insert(_ queue: Queue) throws
    func update(_ queue: Queue) throws
    func delete(queue: QueueID) throws

    func upsert(_ membership: Membership) throws
    func delete(membershipOf user: UserID, in queue: QueueID) throws

    func insert(_ token: OneTimeToken) throws
    func markUsed(tokenHash: String, at: Date) throws
    /// Marks every unused token of `user` for `purpose` as used, so none of them works any more.
    func invalidateTokens(user: UserID, purpose: TokenPurpose, at: Date) throws

    func insert(_ session: Session) throws
    func revoke(sessionHash: String, at: Date) throws
    func revokeSessions(user: UserID, at: Date) throws

    @discardableResult func enqueue(_ message: OutboxMessage) throws -> Int64
    func markSent(sequence: Int64, at: Date) throws
    func markFailed(sequence: Int64, error: String, dead: Bool) throws
    /// Records a failed attempt (count and error) and keeps the row pending until `notBefore`.
    func markRetry(sequence: Int64, error: String, notBefore: Date) throws
    /// Puts a dead or waiting row back in line for an immediate attempt with a fresh attempt
    /// count; false when the row does not exist or was already sent (sent is never resent).
    func requeue(sequence: Int64) throws -> Bool
    /// Puts a dead message back in line carrying a new (sealed) link; false when it is not dead.
    func requeue(sequence: Int64, link: String) throws -> Bool

    func append(_ entry: AuditEntry) throws
    @discardableResult func append(_ event: DirectoryEvent) throws -> Int64

    func upsert(_ provider: IdentityProviderSettings) throws
    func link(externalSubject: String, to user: UserID, tenant: TenantID) throws
    func unlinkExternalSubjects(user: UserID, tenant: TenantID) throws
    func insert(_ state: ExternalLoginState) throws
    /// Removes and returns the login state for `stateHash` (single use); nil when unknown.
    func consumeExternalLoginState(hash: String) throws -> ExternalLoginState?
}

/// Hashes and checks passwords (implemented with a memory-hard KDF in `Identity`).
/// Password hashing. Deliberately slow work: implementations run it away from the threads that serve
/// requests and sockets, and throw `DirectoryError.busy` rather than queue without bound.
public protocol PasswordHashing: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, against hash: String) async throws -> Bool
}

/// Mints random secrets (session and one-time tokens) and hashes them for storage.
public protocol SecretMinting: Sendable {
    /// A fresh random token, URL-safe, and the hash to store for it.
    func mint() -> (token: String, hash: String)
    /// The storage hash of a token a client presented.
    func hash(_ token: String) -> String
}
