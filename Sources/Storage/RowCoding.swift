import Directory
import Foundation
import GRDB

/// Turns rows into directory records. A row that does not decode is a corrupt database: it throws.
enum Decode {
    struct CorruptRow: Error, CustomStringConvertible {
        let table: String
        let column: String
        var description: String { "corrupt value in \(table).\(column)" }
    }

    static func id<T>(_ row: Row, _ column: String, _ table: String) throws -> Identifier<T> {
        guard let text: String = row[column], let id = Identifier<T>(text) else { throw CorruptRow(table: table, column: column) }
        return id
    }
    static func optionalID<T>(_ row: Row, _ column: String) -> Identifier<T>? {
        (row[column] as String?).flatMap(Identifier<T>.init)
    }
    static func date(_ row: Row, _ column: String) -> Date { Date(timeIntervalSince1970: row[column]) }
    static func optionalDate(_ row: Row, _ column: String) -> Date? { (row[column] as Double?).map(Date.init(timeIntervalSince1970:)) }
    static func value<E: RawRepresentable>(_ row: Row, _ column: String, _ table: String) throws -> E where E.RawValue == String {
        guard let text: String = row[column], let value = E(rawValue: text) else { throw CorruptRow(table: table, column: column) }
        return value
    }

    static func tenant(_ row: Row) throws -> Tenant {
        Tenant(id: try id(row, "id", "tenants"), slug: row["slug"], name: row["name"], createdAt: date(row, "created_at"))
    }

    static func user(_ row: Row) throws -> User {
        User(
            id: try id(row, "id", "users"), tenantID: optionalID(row, "tenant_id"), name: row["name"], email: row["email"],
            role: try value(row, "role", "users"), extension: row["extension"], webrtcEnabled: row["webrtc_enabled"],
            omnichannelEnabled: row["omnichannel_enabled"], emailVerified: row["email_verified"], selfManaged: row["self_managed"],
            language: try value(row, "language", "users"), passwordHash: row["password_hash"], createdAt: date(row, "created_at"),
            updatedAt: date(row, "updated_at"))
    }

    static func queue(_ row: Row) throws -> Queue {
        let settings = QueueSettings(
            strategy: try value(row, "strategy", "queues"), wrapUpSeconds: row["wrap_up_seconds"],
            offerTimeoutSeconds: row["offer_timeout_seconds"], maxNoAnswer: row["max_no_answer"],
            rejectDelaySeconds: row["reject_delay_seconds"], maxWaitSeconds: row["max_wait_seconds"],
            overflowQueueID: optionalID(row, "overflow_queue_id"), priority: row["priority"], maxWaiting: row["max_waiting"])
        return Queue(
            id: try id(row, "id", "queues"), tenantID: try id(row, "tenant_id", "queues"), name: row["name"],
            channel: try value(row, "channel", "queues"), settings: settings, createdAt: date(row, "created_at"))
    }

    static func membership(_ row: Row) throws -> Membership {
        Membership(
            tenantID: try id(row, "tenant_id", "memberships"), queueID: try id(row, "queue_id", "memberships"),
            userID: try id(row, "user_id", "memberships"), level: row["level"], position: row["position"], loggedIn: row["logged_in"])
    }

    static func token(_ row: Row) throws -> OneTimeToken {
        OneTimeToken(
            tokenHash: row["token_hash"], userID: try id(row, "user_id", "tokens"), purpose: try value(row, "purpose", "tokens"),
            createdAt: date(row, "created_at"), expiresAt: date(row, "expires_at"), usedAt: optionalDate(row, "used_at"))
    }

    static func session(_ row: Row) throws -> Session {
        Session(
            tokenHash: row["token_hash"], userID: try id(row, "user_id", "sessions"), createdAt: date(row, "created_at"),
            expiresAt: date(row, "expires_at"), revokedAt: optionalDate(row, "revoked_at"))
    }

    static func outbox(_ row: Row) throws -> OutboxMessage {
        let parameters = (try? JSONDecoder().decode([String: String].self, from: Data((row["parameters"] as String).utf8))) ?? [:]
        var message = OutboxMessage(
            tenantID: optionalID(row, "tenant_id"), userID: try id(row, "user_id", "outbox"), kind: try value(row, "kind", "outbox"),
            recipient: row["recipient"], recipientName: row["recipient_name"], language: try value(row, "language", "outbox"),
            link: row["link"], parameters: parameters, createdAt: date(row, "created_at"))
        message.sequence = row["sequence"]
        message.status = try value(row, "status", "outbox")
        message.attempts = row["attempts"]
        message.lastError = row["last_error"]
        message.sentAt = optionalDate(row, "sent_at")
        return message
    }

    static func audit(_ row: Row) throws -> AuditEntry {
        var entry = AuditEntry(
            tenantID: optionalID(row, "tenant_id"), actorID: optionalID(row, "actor_id"), action: row["action"], entity: row["entity"],
            entityID: row["entity_id"], before: row["before"], after: row["after"], at: date(row, "at"))
        entry.sequence = row["sequence"]
        return entry
    }
}

/// Turns directory records into statement arguments.
enum Encode {
    static func user(_ u: User, idFirst: Bool) -> StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            u.tenantID?.description, u.name, u.email, u.role.rawValue, u.extension, u.webrtcEnabled, u.omnichannelEnabled,
            u.emailVerified, u.selfManaged, u.language.rawValue, u.passwordHash, u.createdAt.timeIntervalSince1970,
            u.updatedAt.timeIntervalSince1970,
        ]
        return StatementArguments(idFirst ? [u.id.description] + values : values + [u.id.description])
    }

    static func queue(_ q: Queue, idFirst: Bool) -> StatementArguments {
        let s = q.settings
        let values: [(any DatabaseValueConvertible)?] = [
            q.tenantID.description, q.name, q.channel.rawValue, s.strategy.rawValue, s.wrapUpSeconds, s.offerTimeoutSeconds,
            s.maxNoAnswer, s.rejectDelaySeconds, s.maxWaitSeconds, s.overflowQueueID?.description, s.priority,
            q.createdAt.timeIntervalSince1970, s.maxWaiting,
        ]
        return StatementArguments(idFirst ? [q.id.description] + values : values + [q.id.description])
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
