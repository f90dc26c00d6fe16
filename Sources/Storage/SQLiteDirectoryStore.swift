import Directory
import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode through GRDB. Writes are serialized by GRDB's
/// writer; reads run concurrently on snapshots.
public final class SQLiteDirectoryStore: DirectoryStore {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        try Migrations.migrator.migrate(pool)
    }

    /// The migrations applied so far, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Migrations.migrator.appliedMigrations(db) }
    }

    /// Applies pending migrations of a database file without starting anything else.
    public static func migrate(path: String) throws -> [String] {
        try SQLiteDirectoryStore(path: path).appliedMigrations()
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any DirectoryReader) throws -> T) async throws -> T {
        try await pool.read { db in try body(SQLiteDirectoryAccess(db: db)) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any DirectoryWriter) throws -> T) async throws -> T {
        do {
            return try await pool.write { db in try body(SQLiteDirectoryAccess(db: db)) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            // A uniqueness race lost between the check and the insert: report it as the domain would.
            let message = error.message ?? ""
            if message.contains("users.email") || message.contains("users_email") { throw DirectoryError.emailTaken }
            if message.contains("extension") { throw DirectoryError.extensionTaken }
            if message.contains("tenants.slug") { throw DirectoryError.slugTaken }
            throw DirectoryError.conflict(reason: "the record changed concurrently")
        }
    }

    /// Seals the links of pending outbox rows written in clear by an earlier version (one-time tokens
    /// must not sit in clear); rows that are already sealed are left alone.
    public func sealPlaintextOutboxLinks(with sealer: any SecretSealing) throws {
        try pool.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT sequence, link FROM outbox WHERE link IS NOT NULL AND link NOT LIKE 'v1.%'")
            for row in rows {
                let link: String = row["link"]
                let sequence: Int64 = row["sequence"]
                try db.execute(sql: "UPDATE outbox SET link = ? WHERE sequence = ?", arguments: [try sealer.seal(link), sequence])
            }
        }
    }

    /// How many sealed values `reseal` rewrote, by kind.
    public struct Resealed: Sendable, Equatable {
        public var identityProviderSecrets = 0
        public var whatsAppTokens = 0
        public var outboxLinks = 0
        public init() {}
    }

    /// Key rotation: opens every sealed value with `old` and seals it with `new`, in one transaction —
    /// all of them move to the new key or none does (a value `old` cannot open fails the whole rotation).
    public func reseal(from old: any SecretSealing, to new: any SecretSealing) async throws -> Resealed {
        try await pool.write { db in
            var count = Resealed()
            for row in try Row.fetchAll(db, sql: "SELECT tenant_id, sealed_client_secret FROM identity_providers") {
                let tenant: String = row["tenant_id"]
                let sealed: String = row["sealed_client_secret"]
                try db.execute(sql: "UPDATE identity_providers SET sealed_client_secret = ? WHERE tenant_id = ?",
                               arguments: [try new.seal(try old.open(sealed)), tenant])
                count.identityProviderSecrets += 1
            }
            for row in try Row.fetchAll(db, sql: "SELECT phone_number_id, access_token_sealed FROM whatsapp_numbers") {
                let id: String = row["phone_number_id"]
                let sealed: Data = row["access_token_sealed"]
                let token = try old.open(String(decoding: sealed, as: UTF8.self))
                try db.execute(sql: "UPDATE whatsapp_numbers SET access_token_sealed = ? WHERE phone_number_id = ?",
                               arguments: [Data(try new.seal(token).utf8), id])
                count.whatsAppTokens += 1
            }
            for row in try Row.fetchAll(db, sql: "SELECT sequence, link FROM outbox WHERE link LIKE 'v1.%'") {
                let sequence: Int64 = row["sequence"]
                let sealed: String = row["link"]
                try db.execute(sql: "UPDATE outbox SET link = ? WHERE sequence = ?", arguments: [try new.seal(try old.open(sealed)), sequence])
                count.outboxLinks += 1
            }
            return count
        }
    }

    /// What `prune` removed.
    public struct Pruned: Sendable, Equatable {
        public var sessions = 0
        public var events = 0
        public var loginStates = 0
        public init() {}
    }

    /// Removes rows that only grow (issue 10 §1.12): sessions expired or revoked more than `keepEnded`
    /// ago, directory events older than `keepEvents` (they were published at commit; the audit log keeps
    /// the history), and external-login states past their expiry.
    @discardableResult
    public func prune(now: Date, keepEnded: TimeInterval = 24 * 3600, keepEvents: TimeInterval = 30 * 24 * 3600) async throws -> Pruned {
        try await pool.write { db in
            var pruned = Pruned()
            let endedBefore = now.addingTimeInterval(-keepEnded).timeIntervalSince1970
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?", arguments: [endedBefore, endedBefore])
            pruned.sessions = db.changesCount
            try db.execute(sql: "DELETE FROM directory_events WHERE at < ?", arguments: [now.addingTimeInterval(-keepEvents).timeIntervalSince1970])
            pruned.events = db.changesCount
            try db.execute(sql: "DELETE FROM external_login_states WHERE expires_at < ?", arguments: [now.timeIntervalSince1970])
            pruned.loginStates = db.changesCount
            return pruned
        }
    }

    /// The chat channels' tables in the same file (issue 6).
    public var conversations: SQLiteConversationStore { SQLiteConversationStore(pool: pool) }

    /// Closes the file; further calls fail.
    public func close() throws { try pool.close() }
}
