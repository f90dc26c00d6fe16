import Foundation
import Synchronization

/// Notes, during one transaction, whether outbox rows or events were written, so the service can
/// wake the mail worker and publish events after the commit (never before).
final class CommitRecorder: Sendable {
    private let state = Mutex<(outbox: Bool, events: [DirectoryEvent])>((false, []))

    func noteOutbox() { state.withLock { $0.outbox = true } }
    func note(_ event: DirectoryEvent) { state.withLock { $0.events.append(event) } }
    func drain() -> (Bool, [DirectoryEvent]) {
        state.withLock { value in
            defer { value = (false, []) }
            return value
        }
    }
}

/// Forwards every call to the store's writer and records outbox and event writes.
struct RecordingWriter: DirectoryWriter {
    let base: any DirectoryWriter
    let recorder: CommitRecorder

    func tenant(_ id: TenantID) throws -> Tenant? { try base.tenant(id) }
    func tenant(slug: String) throws -> Tenant? { try base.tenant(slug: slug) }
    func tenants() throws -> [Tenant] { try base.tenants() }
    func user(_ id: UserID) throws -> User? { try base.user(id) }
    func user(tenant: TenantID?, email: String) throws -> User? { try base.user(tenant: tenant, email: email) }
    func users(email: String) throws -> [User] { try base.users(email: email) }
    func user(tenant: TenantID, extension: String) throws -> User? { try base.user(tenant: tenant, extension: `extension`) }
    func users(tenant: TenantID) throws -> [User] { try base.users(tenant: tenant) }
    func supportUserCount() throws -> Int { try base.supportUserCount() }
    func queue(_ id: QueueID) throws -> Queue? { try base.queue(id) }
    func queues(tenant: TenantID) throws -> [Queue] { try base.queues(tenant: tenant) }
    func membership(queue: QueueID, user: UserID) throws -> Membership? { try base.membership(queue: queue, user: user) }
    func memberships(queue: QueueID) throws -> [Membership] { try base.memberships(queue: queue) }
    func memberships(user: UserID) throws -> [Membership] { try base.memberships(user: user) }
    func token(hash: String) throws -> OneTimeToken? { try base.token(hash: hash) }
    func session(hash: String) throws -> Session? { try base.session(hash: hash) }
    func outbox(status: DeliveryStatus, limit: Int) throws -> [OutboxMessage] { try base.outbox(status: status, limit: limit) }
    func outbox(user: UserID) throws -> [OutboxMessage] { try base.outbox(user: user) }
    func outbox(sequence: Int64) throws -> OutboxMessage? { try base.outbox(sequence: sequence) }
    func outboxPending(afterSequence: Int64, limit: Int) throws -> [(message: OutboxMessage, notBefore: Date?)] {
        try base.outboxPending(afterSequence: afterSequence, limit: limit)
    }
    func audit(tenant: TenantID?, limit: Int, beforeSequence: Int64?) throws -> [AuditEntry] {
        try base.audit(tenant: tenant, limit: limit, beforeSequence: beforeSequence)
    }
    func events(afterSequence: Int64, limit: Int) throws -> [(sequence: Int64, event: DirectoryEvent)] {
        try base.events(afterSequence: afterSequence, limit: limit)
    }

    func identityProvider(tenant: TenantID) throws -> IdentityProviderSettings? { try base.identityProvider(tenant: tenant) }
    func user(tenant: TenantID, externalSubject: String) throws -> User? { try base.user(tenant: tenant, externalSubject: externalSubject) }
    func externalSubjects(user: UserID) throws -> [String] { try base.externalSubjects(user: user) }
    func unlinkExternalSubjects(user: UserID, tenant: TenantID) throws { try base.unlinkExternalSubjects(user: user, tenant: tenant) }
    func upsert(_ provider: IdentityProviderSettings) throws { try base.upsert(provider) }
    func link(externalSubject: String, to user: UserID, tenant: TenantID) throws { try base.link(externalSubject: externalSubject, to: user, tenant: tenant) }
    func insert(_ state: ExternalLoginState) throws { try base.insert(state) }
    func consumeExternalLoginState(hash: String) throws -> ExternalLoginState? { try base.consumeExternalLoginState(hash: hash) }

    func insert(_ tenant: Tenant) throws { try base.insert(tenant) }
    func insert(_ user: User) throws { try base.insert(user) }
    func update(_ user: User) throws { try base.update(user) }
    func delete(user: UserID) throws { try base.delete(user: user) }
    func insert(_ queue: Queue) throws { try base.insert(queue) }
    func update(_ queue: Queue) throws { try base.update(queue) }
    func delete(queue: QueueID) throws { try base.delete(queue: queue) }
    func upsert(_ membership: Membership) throws { try base.upsert(membership) }
    func delete(membershipOf user: UserID, in queue: QueueID) throws { try base.delete(membershipOf: user, in: queue) }
    func insert(_ token: OneTimeToken) throws { try base.insert(token) }
    func markUsed(tokenHash: String, at: Date) throws { try base.markUsed(tokenHash: tokenHash, at: at) }
    func invalidateTokens(user: UserID, purpose: TokenPurpose, at: Date) throws { try base.invalidateTokens(user: user, purpose: purpose, at: at) }
    func insert(_ session: Session) throws { try base.insert(session) }
    func revoke(sessionHash: String, at: Date) throws { try base.revoke(sessionHash: sessionHash, at: at) }
    func revokeSessions(user: UserID, at: Date) throws { try base.revokeSessions(user: user, at: at) }
    func enqueue(_ message: OutboxMessage) throws -> Int64 {
        recorder.noteOutbox()
        return try base.enqueue(message)
    }
    func markSent(sequence: Int64, at: Date) throws { try base.markSent(sequence: sequence, at: at) }
    func markFailed(sequence: Int64, error: String, dead: Bool) throws { try base.markFailed(sequence: sequence, error: error, dead: dead) }
    func markRetry(sequence: Int64, error: String, notBefore: Date) throws { try base.markRetry(sequence: sequence, error: error, notBefore: notBefore) }
    func requeue(sequence: Int64) throws -> Bool { try base.requeue(sequence: sequence) }
    func requeue(sequence: Int64, link: String) throws -> Bool {
        recorder.noteOutbox()
        return try base.requeue(sequence: sequence, link: link)
    }
    func append(_ entry: AuditEntry) throws { try base.append(entry) }
    func append(_ event: DirectoryEvent) throws -> Int64 {
        recorder.note(event)
        return try base.append(event)
    }
}
