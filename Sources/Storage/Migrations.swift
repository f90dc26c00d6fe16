import GRDB

/// Versioned schema of the embedded store. Never edit a shipped migration: add a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-directory") { db in
            try db.execute(sql: """
                CREATE TABLE tenants (
                    id TEXT PRIMARY KEY NOT NULL,
                    slug TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    created_at DOUBLE NOT NULL
                );
                CREATE TABLE users (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT REFERENCES tenants(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    email TEXT NOT NULL,
                    role TEXT NOT NULL,
                    extension TEXT,
                    webrtc_enabled BOOLEAN NOT NULL,
                    omnichannel_enabled BOOLEAN NOT NULL,
                    email_verified BOOLEAN NOT NULL,
                    self_managed BOOLEAN NOT NULL,
                    language TEXT NOT NULL,
                    password_hash TEXT,
                    created_at DOUBLE NOT NULL,
                    updated_at DOUBLE NOT NULL
                );
                CREATE UNIQUE INDEX users_email ON users(ifnull(tenant_id, ''), email);
                CREATE UNIQUE INDEX users_extension ON users(tenant_id, extension) WHERE extension IS NOT NULL;
                CREATE TABLE queues (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    strategy TEXT NOT NULL,
                    wrap_up_seconds INTEGER NOT NULL,
                    offer_timeout_seconds INTEGER NOT NULL,
                    max_no_answer INTEGER NOT NULL,
                    reject_delay_seconds INTEGER NOT NULL,
                    max_wait_seconds INTEGER NOT NULL,
                    overflow_queue_id TEXT REFERENCES queues(id) ON DELETE SET NULL,
                    priority INTEGER NOT NULL,
                    created_at DOUBLE NOT NULL
                );
                CREATE INDEX queues_tenant ON queues(tenant_id);
                CREATE TABLE memberships (
                    tenant_id TEXT NOT NULL,
                    queue_id TEXT NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    level INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    logged_in BOOLEAN NOT NULL,
                    PRIMARY KEY (queue_id, user_id)
                );
                CREATE INDEX memberships_user ON memberships(user_id);
                CREATE TABLE tokens (
                    token_hash TEXT PRIMARY KEY NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    purpose TEXT NOT NULL,
                    created_at DOUBLE NOT NULL,
                    expires_at DOUBLE NOT NULL,
                    used_at DOUBLE
                );
                CREATE INDEX tokens_user ON tokens(user_id, purpose);
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    created_at DOUBLE NOT NULL,
                    expires_at DOUBLE NOT NULL,
                    revoked_at DOUBLE
                );
                CREATE INDEX sessions_user ON sessions(user_id);
                CREATE TABLE outbox (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    tenant_id TEXT,
                    user_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    recipient_name TEXT NOT NULL,
                    language TEXT NOT NULL,
                    link TEXT,
                    parameters TEXT NOT NULL,
                    created_at DOUBLE NOT NULL,
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    sent_at DOUBLE
                );
                CREATE INDEX outbox_status ON outbox(status, sequence);
                CREATE INDEX outbox_user ON outbox(user_id, sequence);
                CREATE TABLE audit_log (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    tenant_id TEXT,
                    actor_id TEXT,
                    action TEXT NOT NULL,
                    entity TEXT NOT NULL,
                    entity_id TEXT NOT NULL,
                    before TEXT,
                    after TEXT,
                    at DOUBLE NOT NULL
                );
                CREATE INDEX audit_tenant ON audit_log(tenant_id, sequence);
                CREATE TABLE directory_events (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    tenant_id TEXT,
                    payload TEXT NOT NULL,
                    at DOUBLE NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-identity-providers") { db in
            try db.execute(sql: """
                CREATE TABLE identity_providers (
                    tenant_id TEXT PRIMARY KEY NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    directory_id TEXT NOT NULL,
                    client_id TEXT NOT NULL,
                    sealed_client_secret TEXT NOT NULL,
                    enabled BOOLEAN NOT NULL,
                    self_managed_scope TEXT NOT NULL,
                    authority_base_url TEXT NOT NULL,
                    updated_at DOUBLE NOT NULL
                );
                CREATE TABLE external_identities (
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    subject TEXT NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    PRIMARY KEY (tenant_id, subject)
                );
                CREATE TABLE external_login_states (
                    state_hash TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    nonce TEXT NOT NULL,
                    code_verifier TEXT NOT NULL,
                    created_at DOUBLE NOT NULL,
                    expires_at DOUBLE NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3-outbox-retry") { db in
            // When a pending message may be tried again (exponential backoff); NULL means at once.
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN next_attempt_at DOUBLE")
        }
        migrator.registerMigration("v4-conversations") { db in
            try ConversationSchema.create(db)
        }
        migrator.registerMigration("v5-outbox-terminal-links") { db in
            // Sent and dead-lettered rows keep no link: it carried a one-time token in clear.
            try db.execute(sql: "UPDATE outbox SET link = NULL WHERE status IN ('sent', 'dead')")
        }
        migrator.registerMigration("v6-identity-email-matching") { db in
            // Off: a first Microsoft login finds its user only through an admin's association of the oid.
            try db.execute(sql: "ALTER TABLE identity_providers ADD COLUMN email_matching BOOLEAN NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v7-chat-limits") { db in
            // A cap on waiting contacts per queue, and the origins a chat site's widget may be embedded in
            // (a JSON array; empty: any origin).
            try db.execute(sql: """
                ALTER TABLE queues ADD COLUMN max_waiting INTEGER NOT NULL DEFAULT 500;
                ALTER TABLE chat_sites ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]';
                """)
        }
        migrator.registerMigration("v8-whatsapp-rejected-items") { db in
            // Webhook items that could not be read, kept with their raw JSON (a redelivery adds nothing).
            try db.execute(sql: """
                CREATE TABLE whatsapp_rejected_items (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    received_at DOUBLE NOT NULL,
                    phone_number_id TEXT,
                    path TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    raw TEXT NOT NULL,
                    raw_hash TEXT NOT NULL UNIQUE
                );
                """)
        }
        migrator.registerMigration("v9-message-details") { db in
            // Structured content (location coordinates, a reaction's target) and the reaction shown on a message.
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN details TEXT;
                ALTER TABLE messages ADD COLUMN reaction TEXT;
                """)
        }
        return migrator
    }
}
