import GRDB

/// Tables of the chat channels (issue 6): entry points (web chat sites, WhatsApp business numbers),
/// business hours per chat queue, conversations (one routed contact each) with every message, and the
/// durable queue of WhatsApp sends. Written before anything is acknowledged ("persist before acknowledging").
enum ConversationSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE chat_sites (
                id TEXT PRIMARY KEY,
                tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                queue_id TEXT NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
                site_key TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                created_at DOUBLE NOT NULL
            );
            CREATE TABLE whatsapp_numbers (
                phone_number_id TEXT PRIMARY KEY,
                tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                queue_id TEXT NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
                display_name TEXT NOT NULL,
                access_token_sealed BLOB NOT NULL,
                sticky_window_seconds INTEGER NOT NULL,
                created_at DOUBLE NOT NULL
            );
            CREATE TABLE agent_capacity (
                user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                voice INTEGER NOT NULL,
                webchat INTEGER NOT NULL,
                whatsapp INTEGER NOT NULL
            );
            CREATE TABLE queue_business_hours (
                queue_id TEXT PRIMARY KEY REFERENCES queues(id) ON DELETE CASCADE,
                hours TEXT NOT NULL
            );
            CREATE TABLE conversations (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                queue_id TEXT NOT NULL,
                channel TEXT NOT NULL,
                status TEXT NOT NULL,
                customer_name TEXT NOT NULL,
                customer_email TEXT,
                customer_address TEXT,
                source TEXT NOT NULL,
                agent_id TEXT,
                preferred_agent_id TEXT,
                preferred_until DOUBLE,
                arrived_at DOUBLE NOT NULL,
                route_after DOUBLE,
                assigned_at DOUBLE,
                closed_at DOUBLE,
                outcome TEXT,
                resume_token_hash TEXT UNIQUE,
                last_customer_message_at DOUBLE
            );
            CREATE INDEX conversations_open ON conversations(status, arrived_at) WHERE status != 'closed';
            CREATE INDEX conversations_customer ON conversations(tenant_id, channel, customer_address, seq);
            CREATE TABLE messages (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                conversation_seq INTEGER NOT NULL REFERENCES conversations(seq) ON DELETE CASCADE,
                direction TEXT NOT NULL,
                author_id TEXT,
                kind TEXT NOT NULL,
                text TEXT NOT NULL,
                attachment TEXT,
                external_id TEXT UNIQUE,
                status TEXT NOT NULL,
                error TEXT,
                raw TEXT,
                created_at DOUBLE NOT NULL
            );
            CREATE INDEX messages_conversation ON messages(conversation_seq, seq);
            CREATE TABLE whatsapp_sends (
                message_seq INTEGER PRIMARY KEY REFERENCES messages(seq) ON DELETE CASCADE,
                phone_number_id TEXT NOT NULL,
                recipient TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at DOUBLE,
                status TEXT NOT NULL,
                last_error TEXT
            );
            CREATE INDEX whatsapp_sends_pending ON whatsapp_sends(status, next_attempt_at);
            """)
    }
}
