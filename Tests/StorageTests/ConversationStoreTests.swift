import Directory
import Foundation
import Storage
import Testing

/// Issue 6 §4: conversations and messages in the SQLite file, surviving a reopen, with redeliveries ignored.
@Suite("Conversation store")
struct ConversationStoreTests {
    @Test("Open conversations come back in arrival order with their messages after a reopen; a known external id is ignored")
    func durableAndIdempotent() async throws {
        let path = SQLiteDirectoryStoreTests.temporaryPath()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let tenant = Tenant(slug: "loja", name: "Loja", createdAt: now)
        let queue = Queue(tenantID: tenant.id, name: "WhatsApp", channel: .whatsapp, settings: QueueSettings(), createdAt: now)
        do {
            let store = try SQLiteDirectoryStore(path: path)
            try await store.write { db in
                try db.insert(tenant)
                try db.insert(queue)
            }
            let conversations = store.conversations
            let (late, early) = try await conversations.write { db in
                // Inserted out of arrival order on purpose: the restart order is by arrival, not by insertion.
                let late = try db.insert(Conversation(tenantID: tenant.id, queueID: queue.id, channel: .whatsapp, status: .waiting,
                                                      customerName: "Late", customerAddress: "551100", source: "1", arrivedAt: now.addingTimeInterval(5)))
                let early = try db.insert(Conversation(tenantID: tenant.id, queueID: queue.id, channel: .whatsapp, status: .waiting,
                                                       customerName: "Early", customerAddress: "551199", source: "1", arrivedAt: now))
                return (late, early)
            }
            let first = try await conversations.write { db in
                try db.append(ChatMessage(conversationSeq: early.seq, direction: .inbound, text: "oi", externalID: "wamid.1", status: "received", createdAt: now))
            }
            let again = try await conversations.write { db in
                try db.append(ChatMessage(conversationSeq: early.seq, direction: .inbound, text: "oi", externalID: "wamid.1", status: "received", createdAt: now))
            }
            #expect(first != nil && again == nil)
            var closed = late
            closed.status = .closed
            closed.closedAt = now
            let done = closed
            try await conversations.write { try $0.update(done) }
            try store.close()
        }
        let reopened = try SQLiteDirectoryStore(path: path).conversations
        let open = try await reopened.read { try $0.openConversations() }
        #expect(open.map(\.customerName) == ["Early"])
        let messages = try await reopened.read { try $0.messages(conversation: open[0].seq) }
        #expect(messages.map(\.text) == ["oi"] && messages[0].externalID == "wamid.1")
        let latest = try await reopened.read { try $0.latestConversation(tenant: tenant.id, channel: .whatsapp, customerAddress: "551100", source: "1") }
        #expect(try await reopened.read { try $0.latestConversation(tenant: tenant.id, channel: .whatsapp, customerAddress: "551100", source: "2") } == nil)
        #expect(latest?.status == .closed)
    }
}
