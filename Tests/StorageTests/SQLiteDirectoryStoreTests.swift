import Directory
import Foundation
import Storage
import Testing

@Suite("SQLite directory store")
struct SQLiteDirectoryStoreTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path
    }

    @Test("Data written, closed and reopened reads back the same; migrations are recorded")
    func persistsAcrossReopen() async throws {
        let path = Self.temporaryPath()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let tenant = Tenant(slug: "acme", name: "Acme", createdAt: now)
        let user = User(
            tenantID: tenant.id, name: "Ana", email: "ana@acme.test", role: .agent, extension: "2001", webrtcEnabled: true,
            omnichannelEnabled: true, emailVerified: true, language: .en, passwordHash: "$scrypt$x", createdAt: now)
        let overflow = Queue(tenantID: tenant.id, name: "Overflow", channel: .voice, settings: QueueSettings(), createdAt: now)
        let queue = Queue(
            tenantID: tenant.id, name: "Vendas", channel: .voice,
            settings: QueueSettings(strategy: .topDown, wrapUpSeconds: 7, overflowQueueID: overflow.id, priority: 3), createdAt: now)
        let membership = Membership(tenantID: tenant.id, queueID: queue.id, userID: user.id, level: 2, position: 4, loggedIn: true)
        do {
            let store = try SQLiteDirectoryStore(path: path)
            try await store.write { db in
                try db.insert(tenant)
                try db.insert(user)
                try db.insert(overflow)
                try db.insert(queue)
                try db.upsert(membership)
                try db.enqueue(OutboxMessage(tenantID: tenant.id, userID: user.id, kind: .passwordReset, recipient: user.email,
                                             recipientName: user.name, language: .en, link: "http://x/reset?token=t", createdAt: now))
                try db.append(DirectoryEvent.agentLoggedOutOfAllQueues(tenantID: tenant.id, userID: user.id, queueIDs: [queue.id], at: now))
            }
            #expect(try store.appliedMigrations() == ["v1-directory", "v2-identity-providers", "v3-outbox-retry", "v4-conversations", "v5-outbox-terminal-links", "v6-identity-email-matching", "v7-chat-limits", "v8-whatsapp-rejected-items", "v9-message-details"])
            try store.close()
        }
        let reopened = try SQLiteDirectoryStore(path: path)
        let (readTenant, readUser, readQueue, readMembership, outbox, events) = try await reopened.read { db in
            (try db.tenant(slug: "acme"), try db.user(user.id), try db.queue(queue.id), try db.membership(queue: queue.id, user: user.id),
             try db.outbox(status: .pending, limit: 10), try db.events(afterSequence: 0, limit: 10))
        }
        #expect(readTenant == tenant)
        #expect(readUser == user)
        #expect(readQueue == queue)
        #expect(readMembership == membership)
        #expect(outbox.map(\.kind) == [.passwordReset])
        #expect(outbox.first?.link == "http://x/reset?token=t")
        #expect(events.map(\.event) == [.agentLoggedOutOfAllQueues(tenantID: tenant.id, userID: user.id, queueIDs: [queue.id], at: now)])
    }

    @Test("A write that throws commits nothing")
    func failedWriteRollsBack() async throws {
        struct Refused: Error {}
        let store = try SQLiteDirectoryStore(path: Self.temporaryPath())
        let tenant = Tenant(slug: "acme", name: "Acme", createdAt: Date())
        await #expect(throws: Refused.self) {
            try await store.write { db in
                try db.insert(tenant)
                throw Refused()
            }
        }
        #expect(try await store.read { try $0.tenants() }.isEmpty)
    }

    @Test("Concurrent writers lose nothing and uniqueness holds under races")
    func concurrentWrites() async throws {
        let store = try SQLiteDirectoryStore(path: Self.temporaryPath())
        let tenant = Tenant(slug: "acme", name: "Acme", createdAt: Date())
        try await store.write { try $0.insert(tenant) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await store.write { db in
                        try db.insert(Queue(tenantID: tenant.id, name: "Q\(index)", channel: .webchat, settings: QueueSettings(), createdAt: Date()))
                        try db.enqueue(OutboxMessage(tenantID: tenant.id, userID: UserID(), kind: .emailVerified, recipient: "a@b.test",
                                                     recipientName: "A", language: .ptBR, link: nil, createdAt: Date()))
                    }
                }
            }
            try await group.waitForAll()
        }
        let (queues, outbox) = try await store.read { db in (try db.queues(tenant: tenant.id), try db.outbox(status: .pending, limit: 1000)) }
        #expect(queues.count == 200)
        #expect(Set(queues.map(\.name)).count == 200)
        #expect(outbox.count == 200)
        #expect(outbox.compactMap(\.sequence) == outbox.compactMap(\.sequence).sorted())

        // Twenty racing inserts of the same e-mail: exactly one wins, the others get email_taken.
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do {
                        try await store.write { db in
                            try db.insert(User(tenantID: tenant.id, name: "Dup", email: "dup@acme.test", role: .agent, createdAt: Date()))
                        }
                        return true
                    } catch let error as DirectoryError {
                        return error == .emailTaken ? false : true
                    } catch {
                        return true
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
    }

    @Test("Pruning removes ended sessions, old directory events and expired login states, and keeps the rest")
    func prune() async throws {
        let store = try SQLiteDirectoryStore(path: Self.temporaryPath())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let day: TimeInterval = 24 * 3600
        let tenant = Tenant(slug: "acme", name: "Acme", createdAt: now)
        let user = User(tenantID: tenant.id, name: "Ana", email: "ana@acme.test", role: .agent, createdAt: now)
        try await store.write { db in
            try db.insert(tenant)
            try db.insert(user)
            try db.insert(Session(tokenHash: "live", userID: user.id, createdAt: now, expiresAt: now.addingTimeInterval(3600)))
            try db.insert(Session(tokenHash: "expired-long-ago", userID: user.id, createdAt: now.addingTimeInterval(-3 * day), expiresAt: now.addingTimeInterval(-2 * day)))
            try db.insert(Session(tokenHash: "revoked-long-ago", userID: user.id, createdAt: now.addingTimeInterval(-3 * day), expiresAt: now.addingTimeInterval(day),
                                  revokedAt: now.addingTimeInterval(-2 * day)))
            try db.insert(Session(tokenHash: "revoked-just-now", userID: user.id, createdAt: now, expiresAt: now.addingTimeInterval(day), revokedAt: now))
            _ = try db.append(DirectoryEvent.agentChanged(tenantID: tenant.id, userID: user.id, at: now.addingTimeInterval(-40 * day)))
            _ = try db.append(DirectoryEvent.agentChanged(tenantID: tenant.id, userID: user.id, at: now.addingTimeInterval(-day)))
            try db.insert(ExternalLoginState(stateHash: "old", tenantID: tenant.id, nonce: "n", codeVerifier: "v", createdAt: now.addingTimeInterval(-700), expiresAt: now.addingTimeInterval(-100)))
            try db.insert(ExternalLoginState(stateHash: "new", tenantID: tenant.id, nonce: "n", codeVerifier: "v", createdAt: now, expiresAt: now.addingTimeInterval(600)))
        }
        let pruned = try await store.prune(now: now)
        #expect(pruned.sessions == 2 && pruned.events == 1 && pruned.loginStates == 1, "\(pruned)")
        let (sessions, events) = try await store.read { db in
            (try ["live", "revoked-just-now", "expired-long-ago", "revoked-long-ago"].map { try db.session(hash: $0) != nil },
             try db.events(afterSequence: 0, limit: 10).count)
        }
        #expect(sessions == [true, true, false, false])
        #expect(events == 1)
        #expect(try await store.prune(now: now) == SQLiteDirectoryStore.Pruned())
    }
}
