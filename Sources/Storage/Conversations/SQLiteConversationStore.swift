import Directory
import Foundation
import GRDB

/// Conversations, messages and chat entry points in the SQLite file (issue 6 §4): every write is one
/// transaction, committed before the caller acknowledges anything.
public struct SQLiteConversationStore: Sendable {
    let pool: DatabasePool

    public func read<T: Sendable>(_ body: @escaping @Sendable (ConversationAccess) throws -> T) async throws -> T {
        try await pool.read { db in try body(ConversationAccess(db: db)) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (ConversationAccess) throws -> T) async throws -> T {
        try await pool.write { db in try body(ConversationAccess(db: db)) }
    }
}

/// Statements on the chat tables, inside one read or one transaction.
public struct ConversationAccess {
    let db: Database

    // MARK: Conversations

    /// Inserts a conversation and returns it with its sequence number.
    public func insert(_ c: Conversation) throws -> Conversation {
        try db.execute(
            sql: """
                INSERT INTO conversations (id, tenant_id, queue_id, channel, status, customer_name, customer_email, customer_address,
                    source, agent_id, preferred_agent_id, preferred_until, arrived_at, route_after, assigned_at, closed_at, outcome,
                    resume_token_hash, last_customer_message_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [c.id.uuidString, c.tenantID.description, c.queueID.description, c.channel.rawValue, c.status.rawValue,
                        c.customerName, c.customerEmail, c.customerAddress, c.source, c.agentID?.description,
                        c.preferredAgentID?.description, c.preferredUntil?.timeIntervalSince1970, c.arrivedAt.timeIntervalSince1970,
                        c.routeAfter?.timeIntervalSince1970, c.assignedAt?.timeIntervalSince1970, c.closedAt?.timeIntervalSince1970,
                        c.outcome, c.resumeTokenHash, c.lastCustomerMessageAt?.timeIntervalSince1970])
        var stored = c
        stored.seq = db.lastInsertedRowID
        return stored
    }

    /// Writes every mutable field of a conversation.
    public func update(_ c: Conversation) throws {
        try db.execute(
            sql: """
                UPDATE conversations SET queue_id = ?, status = ?, customer_name = ?, customer_email = ?, agent_id = ?,
                    preferred_agent_id = ?, preferred_until = ?, route_after = ?, assigned_at = ?, closed_at = ?, outcome = ?,
                    resume_token_hash = ?, last_customer_message_at = ?
                WHERE seq = ?
                """,
            arguments: [c.queueID.description, c.status.rawValue, c.customerName, c.customerEmail, c.agentID?.description,
                        c.preferredAgentID?.description, c.preferredUntil?.timeIntervalSince1970, c.routeAfter?.timeIntervalSince1970,
                        c.assignedAt?.timeIntervalSince1970, c.closedAt?.timeIntervalSince1970, c.outcome, c.resumeTokenHash,
                        c.lastCustomerMessageAt?.timeIntervalSince1970, c.seq])
    }

    public func conversation(seq: Int64) throws -> Conversation? {
        try Row.fetchOne(db, sql: "SELECT * FROM conversations WHERE seq = ?", arguments: [seq]).map(ChatDecode.conversation)
    }

    public func conversation(resumeTokenHash: String) throws -> Conversation? {
        try Row.fetchOne(db, sql: "SELECT * FROM conversations WHERE resume_token_hash = ?", arguments: [resumeTokenHash])
            .map(ChatDecode.conversation)
    }

    /// Every conversation not closed, in arrival order (the order they re-enter their queues after a restart).
    public func openConversations() throws -> [Conversation] {
        try Row.fetchAll(db, sql: "SELECT * FROM conversations WHERE status != 'closed' ORDER BY arrived_at, seq")
            .map(ChatDecode.conversation)
    }

    /// The latest conversation of a customer on a channel of a tenant (open or not).
    /// The customer's latest conversation through one entry point (`source`: a WhatsApp number), so
    /// that two numbers of one tenant keep their conversations apart.
    public func latestConversation(tenant: TenantID, channel: Channel, customerAddress: String, source: String) throws -> Conversation? {
        try Row.fetchOne(
            db, sql: """
                SELECT * FROM conversations WHERE tenant_id = ? AND channel = ? AND customer_address = ? AND source = ?
                ORDER BY seq DESC LIMIT 1
                """,
            arguments: [tenant.description, channel.rawValue, customerAddress, source]
        ).map(ChatDecode.conversation)
    }

    /// Keeps a webhook item that could not be read; false when the same raw item was kept before.
    @discardableResult
    public func keepRejected(phoneNumberID: String?, path: String, reason: String, raw: String, rawHash: String, at: Date) throws -> Bool {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO whatsapp_rejected_items (received_at, phone_number_id, path, reason, raw, raw_hash)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [at.timeIntervalSince1970, phoneNumberID, path, reason, raw, rawHash])
        return db.changesCount > 0
    }

    // MARK: Messages

    /// Appends a message; returns it with its sequence number, or nil when its external id is already stored.
    public func append(_ m: ChatMessage) throws -> ChatMessage? {
        if let external = m.externalID, try message(externalID: external) != nil { return nil }
        try db.execute(
            sql: """
                INSERT INTO messages (id, conversation_seq, direction, author_id, kind, text, attachment, external_id, status, error, raw, created_at,
                    details, reaction)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [m.id.uuidString, m.conversationSeq, m.direction.rawValue, m.authorID?.description, m.kind, m.text,
                        try m.attachment.map(ChatDecode.encode), m.externalID, m.status, m.error, m.raw, m.createdAt.timeIntervalSince1970,
                        m.details, m.reaction])
        var stored = m
        stored.seq = db.lastInsertedRowID
        return stored
    }

    public func messages(conversation seq: Int64) throws -> [ChatMessage] {
        try Row.fetchAll(db, sql: "SELECT * FROM messages WHERE conversation_seq = ? ORDER BY seq", arguments: [seq]).map(ChatDecode.message)
    }

    public func message(seq: Int64) throws -> ChatMessage? {
        try Row.fetchOne(db, sql: "SELECT * FROM messages WHERE seq = ?", arguments: [seq]).map(ChatDecode.message)
    }

    public func message(externalID: String) throws -> ChatMessage? {
        try Row.fetchOne(db, sql: "SELECT * FROM messages WHERE external_id = ?", arguments: [externalID]).map(ChatDecode.message)
    }

    /// Sets (or, with nil, removes) the customer's reaction on a message.
    public func setReaction(message seq: Int64, emoji: String?) throws {
        try db.execute(sql: "UPDATE messages SET reaction = ? WHERE seq = ?", arguments: [emoji, seq])
    }

    /// Records a delivery state (and the channel's id once known).
    public func setStatus(message seq: Int64, status: String, error: String?, externalID: String? = nil) throws {
        try db.execute(
            sql: "UPDATE messages SET status = ?, error = ?, external_id = coalesce(?, external_id) WHERE seq = ?",
            arguments: [status, error, externalID, seq])
    }

    // MARK: Entry points and hours

    public func insert(_ site: ChatSite) throws {
        try db.execute(
            sql: "INSERT INTO chat_sites (id, tenant_id, queue_id, site_key, name, created_at, allowed_origins) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [site.id.uuidString, site.tenantID.description, site.queueID.description, site.siteKey, site.name,
                        site.createdAt.timeIntervalSince1970, Encode.json(site.allowedOrigins)])
    }

    /// Updates a site's name and allowed origins (its key and queue never change).
    public func update(_ site: ChatSite) throws {
        try db.execute(sql: "UPDATE chat_sites SET name = ?, allowed_origins = ? WHERE id = ?",
                       arguments: [site.name, Encode.json(site.allowedOrigins), site.id.uuidString])
    }

    public func chatSite(id: UUID) throws -> ChatSite? {
        try Row.fetchOne(db, sql: "SELECT * FROM chat_sites WHERE id = ?", arguments: [id.uuidString]).map(ChatDecode.site)
    }

    public func chatSite(key: String) throws -> ChatSite? {
        try Row.fetchOne(db, sql: "SELECT * FROM chat_sites WHERE site_key = ?", arguments: [key]).map(ChatDecode.site)
    }

    public func chatSites(tenant: TenantID) throws -> [ChatSite] {
        try Row.fetchAll(db, sql: "SELECT * FROM chat_sites WHERE tenant_id = ? ORDER BY created_at", arguments: [tenant.description])
            .map(ChatDecode.site)
    }

    /// Links a number to its tenant, or updates the tenant's own link; false (nothing written) when
    /// another tenant holds the number — checked in the statement itself, so two claims cannot race.
    @discardableResult
    public func upsert(_ n: WhatsAppNumber) throws -> Bool {
        try db.execute(
            sql: """
                INSERT INTO whatsapp_numbers (phone_number_id, tenant_id, queue_id, display_name, access_token_sealed, sticky_window_seconds, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(phone_number_id) DO UPDATE SET queue_id = excluded.queue_id, display_name = excluded.display_name,
                    access_token_sealed = excluded.access_token_sealed, sticky_window_seconds = excluded.sticky_window_seconds
                WHERE whatsapp_numbers.tenant_id = excluded.tenant_id
                """,
            arguments: [n.phoneNumberID, n.tenantID.description, n.queueID.description, n.displayName, n.accessTokenSealed,
                        n.stickyWindowSeconds, n.createdAt.timeIntervalSince1970])
        return db.changesCount > 0
    }

    /// Appends an audit entry in this transaction (channel administration is audited with the change).
    public func audit(_ entry: AuditEntry) throws {
        try SQLiteDirectoryAccess(db: db).append(entry)
    }

    public func whatsAppNumber(_ phoneNumberID: String) throws -> WhatsAppNumber? {
        try Row.fetchOne(db, sql: "SELECT * FROM whatsapp_numbers WHERE phone_number_id = ?", arguments: [phoneNumberID])
            .map(ChatDecode.number)
    }

    public func whatsAppNumbers(tenant: TenantID) throws -> [WhatsAppNumber] {
        try Row.fetchAll(db, sql: "SELECT * FROM whatsapp_numbers WHERE tenant_id = ? ORDER BY created_at", arguments: [tenant.description])
            .map(ChatDecode.number)
    }

    /// A queue's business hours as stored JSON (nil: always open).
    public func businessHours(queue: QueueID) throws -> String? {
        try String.fetchOne(db, sql: "SELECT hours FROM queue_business_hours WHERE queue_id = ?", arguments: [queue.description])
    }

    public func setBusinessHours(queue: QueueID, json: String?) throws {
        if let json {
            try db.execute(
                sql: "INSERT INTO queue_business_hours (queue_id, hours) VALUES (?, ?) ON CONFLICT(queue_id) DO UPDATE SET hours = excluded.hours",
                arguments: [queue.description, json])
        } else {
            try db.execute(sql: "DELETE FROM queue_business_hours WHERE queue_id = ?", arguments: [queue.description])
        }
    }

    // MARK: Agent capacity

    public func capacity(user: UserID) throws -> AgentCapacity? {
        try Row.fetchOne(db, sql: "SELECT * FROM agent_capacity WHERE user_id = ?", arguments: [user.description]).map { row in
            AgentCapacity(voice: row["voice"], webchat: row["webchat"], whatsapp: row["whatsapp"])
        }
    }

    public func setCapacity(user: UserID, _ c: AgentCapacity) throws {
        try db.execute(
            sql: """
                INSERT INTO agent_capacity (user_id, voice, webchat, whatsapp) VALUES (?, ?, ?, ?)
                ON CONFLICT(user_id) DO UPDATE SET voice = excluded.voice, webchat = excluded.webchat, whatsapp = excluded.whatsapp
                """,
            arguments: [user.description, c.voice, c.webchat, c.whatsapp])
    }

    // MARK: WhatsApp sends

    public func enqueueWhatsApp(_ send: WhatsAppSend) throws {
        try db.execute(
            sql: "INSERT INTO whatsapp_sends (message_seq, phone_number_id, recipient, attempts, next_attempt_at, status) VALUES (?, ?, ?, ?, ?, 'pending')",
            arguments: [send.messageSeq, send.phoneNumberID, send.recipient, send.attempts, send.nextAttemptAt?.timeIntervalSince1970])
    }

    /// Pending sends due at `now`, oldest message first.
    public func dueWhatsApp(now: Date, limit: Int) throws -> [WhatsAppSend] {
        try Row.fetchAll(
            db, sql: """
                SELECT * FROM whatsapp_sends WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                ORDER BY message_seq LIMIT ?
                """,
            arguments: [now.timeIntervalSince1970, limit]
        ).map { row in
            WhatsAppSend(messageSeq: row["message_seq"], phoneNumberID: row["phone_number_id"], recipient: row["recipient"],
                         attempts: row["attempts"], nextAttemptAt: Decode.optionalDate(row, "next_attempt_at"))
        }
    }

    /// The earliest time a pending send is due (nil when none is pending).
    public func nextWhatsAppDue() throws -> Date? {
        try Double.fetchOne(db, sql: "SELECT min(coalesce(next_attempt_at, 0)) FROM whatsapp_sends WHERE status = 'pending'")
            .map(Date.init(timeIntervalSince1970:))
    }

    public func finishWhatsApp(message seq: Int64, status: String, attempts: Int, error: String?, nextAttemptAt: Date?) throws {
        try db.execute(
            sql: "UPDATE whatsapp_sends SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE message_seq = ?",
            arguments: [status, attempts, error, nextAttemptAt?.timeIntervalSince1970, seq])
    }
}

/// Rows of the chat tables into values; a row that does not decode throws (corrupt database).
enum ChatDecode {
    static func conversation(_ row: Row) throws -> Conversation {
        Conversation(
            seq: row["seq"], id: try uuid(row, "id", "conversations"), tenantID: try Decode.id(row, "tenant_id", "conversations"),
            queueID: try Decode.id(row, "queue_id", "conversations"), channel: try Decode.value(row, "channel", "conversations"),
            status: try Decode.value(row, "status", "conversations"), customerName: row["customer_name"],
            customerEmail: row["customer_email"], customerAddress: row["customer_address"], source: row["source"],
            agentID: Decode.optionalID(row, "agent_id"), preferredAgentID: Decode.optionalID(row, "preferred_agent_id"),
            preferredUntil: Decode.optionalDate(row, "preferred_until"), arrivedAt: Decode.date(row, "arrived_at"),
            routeAfter: Decode.optionalDate(row, "route_after"), assignedAt: Decode.optionalDate(row, "assigned_at"),
            closedAt: Decode.optionalDate(row, "closed_at"), outcome: row["outcome"], resumeTokenHash: row["resume_token_hash"],
            lastCustomerMessageAt: Decode.optionalDate(row, "last_customer_message_at"))
    }

    static func message(_ row: Row) throws -> ChatMessage {
        let attachment: String? = row["attachment"]
        return ChatMessage(
            seq: row["seq"], id: try uuid(row, "id", "messages"), conversationSeq: row["conversation_seq"],
            direction: try Decode.value(row, "direction", "messages"), authorID: Decode.optionalID(row, "author_id"),
            kind: row["kind"], text: row["text"],
            attachment: try attachment.map { try JSONDecoder().decode(ChatAttachment.self, from: Data($0.utf8)) },
            externalID: row["external_id"], status: row["status"], error: row["error"], raw: row["raw"],
            details: row["details"], reaction: row["reaction"], createdAt: Decode.date(row, "created_at"))
    }

    static func site(_ row: Row) throws -> ChatSite {
        ChatSite(id: try uuid(row, "id", "chat_sites"), tenantID: try Decode.id(row, "tenant_id", "chat_sites"),
                 queueID: try Decode.id(row, "queue_id", "chat_sites"), siteKey: row["site_key"], name: row["name"],
                 allowedOrigins: (try? JSONDecoder().decode([String].self, from: Data((row["allowed_origins"] as String? ?? "[]").utf8))) ?? [],
                 createdAt: Decode.date(row, "created_at"))
    }

    static func number(_ row: Row) throws -> WhatsAppNumber {
        WhatsAppNumber(phoneNumberID: row["phone_number_id"], tenantID: try Decode.id(row, "tenant_id", "whatsapp_numbers"),
                       queueID: try Decode.id(row, "queue_id", "whatsapp_numbers"), displayName: row["display_name"],
                       accessTokenSealed: row["access_token_sealed"], stickyWindowSeconds: row["sticky_window_seconds"],
                       createdAt: Decode.date(row, "created_at"))
    }

    static func encode(_ attachment: ChatAttachment) throws -> String {
        String(decoding: try JSONEncoder().encode(attachment), as: UTF8.self)
    }

    private static func uuid(_ row: Row, _ column: String, _ table: String) throws -> UUID {
        guard let text: String = row[column], let id = UUID(uuidString: text) else { throw Decode.CorruptRow(table: table, column: column) }
        return id
    }
}
