import Directory
import Foundation
import GRDB

/// The directory's queries and mutations over one GRDB connection, inside one transaction.
struct SQLiteDirectoryAccess: DirectoryWriter {
    let db: Database

    // MARK: Tenants

    func tenant(_ id: TenantID) throws -> Tenant? {
        try Row.fetchOne(db, sql: "SELECT * FROM tenants WHERE id = ?", arguments: [id.description]).map(Decode.tenant)
    }
    func tenant(slug: String) throws -> Tenant? {
        try Row.fetchOne(db, sql: "SELECT * FROM tenants WHERE slug = ?", arguments: [slug]).map(Decode.tenant)
    }
    func tenants() throws -> [Tenant] {
        try Row.fetchAll(db, sql: "SELECT * FROM tenants ORDER BY created_at, slug").map(Decode.tenant)
    }
    func insert(_ tenant: Tenant) throws {
        try db.execute(
            sql: "INSERT INTO tenants (id, slug, name, created_at) VALUES (?, ?, ?, ?)",
            arguments: [tenant.id.description, tenant.slug, tenant.name, tenant.createdAt.timeIntervalSince1970])
    }

    // MARK: Users

    func user(_ id: UserID) throws -> User? {
        try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id.description]).map(Decode.user)
    }
    func user(tenant: TenantID?, email: String) throws -> User? {
        try Row.fetchOne(db, sql: "SELECT * FROM users WHERE ifnull(tenant_id, '') = ? AND email = ?", arguments: [tenant?.description ?? "", email])
            .map(Decode.user)
    }
    func users(email: String) throws -> [User] {
        try Row.fetchAll(db, sql: "SELECT * FROM users WHERE email = ?", arguments: [email]).map(Decode.user)
    }
    func user(tenant: TenantID, extension value: String) throws -> User? {
        try Row.fetchOne(db, sql: "SELECT * FROM users WHERE tenant_id = ? AND extension = ?", arguments: [tenant.description, value]).map(Decode.user)
    }
    func users(tenant: TenantID) throws -> [User] {
        try Row.fetchAll(db, sql: "SELECT * FROM users WHERE tenant_id = ? ORDER BY name, email", arguments: [tenant.description]).map(Decode.user)
    }
    func supportUserCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users WHERE role = 'support'") ?? 0
    }
    func insert(_ user: User) throws {
        try db.execute(
            sql: """
                INSERT INTO users (id, tenant_id, name, email, role, extension, webrtc_enabled, omnichannel_enabled,
                    email_verified, self_managed, language, password_hash, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: Encode.user(user, idFirst: true))
    }
    func update(_ user: User) throws {
        try db.execute(
            sql: """
                UPDATE users SET tenant_id = ?, name = ?, email = ?, role = ?, extension = ?, webrtc_enabled = ?,
                    omnichannel_enabled = ?, email_verified = ?, self_managed = ?, language = ?, password_hash = ?,
                    created_at = ?, updated_at = ? WHERE id = ?
                """,
            arguments: Encode.user(user, idFirst: false))
    }
    func delete(user: UserID) throws {
        try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [user.description])
    }

    // MARK: Queues

    func queue(_ id: QueueID) throws -> Queue? {
        try Row.fetchOne(db, sql: "SELECT * FROM queues WHERE id = ?", arguments: [id.description]).map(Decode.queue)
    }
    func queues(tenant: TenantID) throws -> [Queue] {
        try Row.fetchAll(db, sql: "SELECT * FROM queues WHERE tenant_id = ? ORDER BY created_at, name", arguments: [tenant.description]).map(Decode.queue)
    }
    func insert(_ queue: Queue) throws {
        try db.execute(
            sql: """
                INSERT INTO queues (id, tenant_id, name, channel, strategy, wrap_up_seconds, offer_timeout_seconds,
                    max_no_answer, reject_delay_seconds, max_wait_seconds, overflow_queue_id, priority, created_at, max_waiting)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: Encode.queue(queue, idFirst: true))
    }
    func update(_ queue: Queue) throws {
        try db.execute(
            sql: """
                UPDATE queues SET tenant_id = ?, name = ?, channel = ?, strategy = ?, wrap_up_seconds = ?,
                    offer_timeout_seconds = ?, max_no_answer = ?, reject_delay_seconds = ?, max_wait_seconds = ?,
                    overflow_queue_id = ?, priority = ?, created_at = ?, max_waiting = ? WHERE id = ?
                """,
            arguments: Encode.queue(queue, idFirst: false))
    }
    func delete(queue: QueueID) throws {
        try db.execute(sql: "DELETE FROM queues WHERE id = ?", arguments: [queue.description])
    }

    // MARK: Memberships

    func membership(queue: QueueID, user: UserID) throws -> Membership? {
        try Row.fetchOne(db, sql: "SELECT * FROM memberships WHERE queue_id = ? AND user_id = ?", arguments: [queue.description, user.description])
            .map(Decode.membership)
    }
    func memberships(queue: QueueID) throws -> [Membership] {
        try Row.fetchAll(db, sql: "SELECT * FROM memberships WHERE queue_id = ? ORDER BY level, position, user_id", arguments: [queue.description])
            .map(Decode.membership)
    }
    func memberships(user: UserID) throws -> [Membership] {
        try Row.fetchAll(db, sql: "SELECT * FROM memberships WHERE user_id = ? ORDER BY queue_id", arguments: [user.description])
            .map(Decode.membership)
    }
    func upsert(_ m: Membership) throws {
        try db.execute(
            sql: """
                INSERT INTO memberships (tenant_id, queue_id, user_id, level, position, logged_in) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(queue_id, user_id) DO UPDATE SET level = excluded.level, position = excluded.position, logged_in = excluded.logged_in
                """,
            arguments: [m.tenantID.description, m.queueID.description, m.userID.description, m.level, m.position, m.loggedIn])
    }
    func delete(membershipOf user: UserID, in queue: QueueID) throws {
        try db.execute(sql: "DELETE FROM memberships WHERE queue_id = ? AND user_id = ?", arguments: [queue.description, user.description])
    }

    // MARK: Tokens and sessions

    func token(hash: String) throws -> OneTimeToken? {
        try Row.fetchOne(db, sql: "SELECT * FROM tokens WHERE token_hash = ?", arguments: [hash]).map(Decode.token)
    }
    func insert(_ t: OneTimeToken) throws {
        try db.execute(
            sql: "INSERT INTO tokens (token_hash, user_id, purpose, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [t.tokenHash, t.userID.description, t.purpose.rawValue, t.createdAt.timeIntervalSince1970,
                        t.expiresAt.timeIntervalSince1970, t.usedAt?.timeIntervalSince1970])
    }
    func markUsed(tokenHash: String, at: Date) throws {
        try db.execute(sql: "UPDATE tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL", arguments: [at.timeIntervalSince1970, tokenHash])
    }
    func invalidateTokens(user: UserID, purpose: TokenPurpose, at: Date) throws {
        try db.execute(
            sql: "UPDATE tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL",
            arguments: [at.timeIntervalSince1970, user.description, purpose.rawValue])
    }
    func session(hash: String) throws -> Session? {
        try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE token_hash = ?", arguments: [hash]).map(Decode.session)
    }
    func insert(_ s: Session) throws {
        try db.execute(
            sql: "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [s.tokenHash, s.userID.description, s.createdAt.timeIntervalSince1970, s.expiresAt.timeIntervalSince1970,
                        s.revokedAt?.timeIntervalSince1970])
    }
    func revoke(sessionHash: String, at: Date) throws {
        try db.execute(sql: "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL", arguments: [at.timeIntervalSince1970, sessionHash])
    }
    func revokeSessions(user: UserID, at: Date) throws {
        try db.execute(sql: "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", arguments: [at.timeIntervalSince1970, user.description])
    }

    // MARK: Outbox, audit, events

    func outbox(status: DeliveryStatus, limit: Int) throws -> [OutboxMessage] {
        try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE status = ? ORDER BY sequence LIMIT ?", arguments: [status.rawValue, limit])
            .map(Decode.outbox)
    }
    func outbox(user: UserID) throws -> [OutboxMessage] {
        try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE user_id = ? ORDER BY sequence", arguments: [user.description]).map(Decode.outbox)
    }
    func outbox(sequence: Int64) throws -> OutboxMessage? {
        try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE sequence = ?", arguments: [sequence]).map(Decode.outbox)
    }
    func outboxPending(afterSequence: Int64, limit: Int) throws -> [(message: OutboxMessage, notBefore: Date?)] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM outbox WHERE status = 'pending' AND sequence > ? ORDER BY sequence LIMIT ?",
            arguments: [afterSequence, limit]
        ).map { row in
            let notBefore: Double? = row["next_attempt_at"]
            return (try Decode.outbox(row), notBefore.map(Date.init(timeIntervalSince1970:)))
        }
    }
    func enqueue(_ m: OutboxMessage) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO outbox (tenant_id, user_id, kind, recipient, recipient_name, language, link, parameters, created_at, status, attempts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                """,
            arguments: [m.tenantID?.description, m.userID.description, m.kind.rawValue, m.recipient, m.recipientName, m.language.rawValue,
                        m.link, Encode.json(m.parameters), m.createdAt.timeIntervalSince1970, DeliveryStatus.pending.rawValue])
        return db.lastInsertedRowID
    }
    /// Marks a message delivered and forgets its link: the link carries a secret token that the
    /// store otherwise keeps only as a hash.
    func markSent(sequence: Int64, at: Date) throws {
        try db.execute(
            sql: "UPDATE outbox SET status = 'sent', sent_at = ?, link = NULL, attempts = attempts + 1 WHERE sequence = ?",
            arguments: [at.timeIntervalSince1970, sequence])
    }
    func markFailed(sequence: Int64, error: String, dead: Bool) throws {
        try db.execute(
            sql: "UPDATE outbox SET status = ?, last_error = ?, attempts = attempts + 1, link = CASE WHEN ? THEN NULL ELSE link END WHERE sequence = ?",
            arguments: [dead ? DeliveryStatus.dead.rawValue : DeliveryStatus.pending.rawValue, error, dead, sequence])
    }
    func markRetry(sequence: Int64, error: String, notBefore: Date) throws {
        try db.execute(
            sql: "UPDATE outbox SET last_error = ?, attempts = attempts + 1, next_attempt_at = ? WHERE sequence = ? AND status = 'pending'",
            arguments: [error, notBefore.timeIntervalSince1970, sequence])
    }
    func requeue(sequence: Int64) throws -> Bool {
        try db.execute(
            // A dead message that carried a link lost it (the token is not kept once a row is terminal): it
            // cannot be resent; a new reset or confirmation is the way.
            sql: """
                UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL
                WHERE sequence = ? AND status IN ('pending', 'dead') AND NOT (link IS NULL AND kind IN ('password_reset', 'confirm_email'))
                """,
            arguments: [sequence])
        return db.changesCount > 0
    }
    func requeue(sequence: Int64, link: String) throws -> Bool {
        try db.execute(
            sql: "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL, link = ? WHERE sequence = ? AND status = 'dead'",
            arguments: [link, sequence])
        return db.changesCount > 0
    }
    func audit(tenant: TenantID?, limit: Int, beforeSequence: Int64?) throws -> [AuditEntry] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM audit_log WHERE ifnull(tenant_id, '') = ? AND sequence < ? ORDER BY sequence DESC LIMIT ?",
            arguments: [tenant?.description ?? "", beforeSequence ?? Int64.max, limit]
        ).map(Decode.audit)
    }
    func append(_ e: AuditEntry) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (tenant_id, actor_id, action, entity, entity_id, before, after, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [e.tenantID?.description, e.actorID?.description, e.action, e.entity, e.entityID, e.before, e.after, e.at.timeIntervalSince1970])
    }
    func events(afterSequence: Int64, limit: Int) throws -> [(sequence: Int64, event: DirectoryEvent)] {
        try Row.fetchAll(db, sql: "SELECT sequence, payload FROM directory_events WHERE sequence > ? ORDER BY sequence LIMIT ?", arguments: [afterSequence, limit])
            .compactMap { row in
                let payload: String = row["payload"]
                guard let event = try? JSONDecoder().decode(DirectoryEvent.self, from: Data(payload.utf8)) else { return nil }
                return (row["sequence"], event)
            }
    }
    func append(_ event: DirectoryEvent) throws -> Int64 {
        let (tenant, at): (TenantID?, Date) = switch event {
        case .agentLoggedOutOfAllQueues(let t, _, _, let at), .agentChanged(let t, _, let at), .queueChanged(let t, _, let at),
             .membershipChanged(let t, _, _, let at): (t, at)
        case .sessionsEnded(let t, _, _, let at): (t, at)
        }
        try db.execute(
            sql: "INSERT INTO directory_events (tenant_id, payload, at) VALUES (?, ?, ?)",
            arguments: [tenant?.description, Encode.json(event), at.timeIntervalSince1970])
        return db.lastInsertedRowID
    }
}
