import Directory
import Foundation
import HTTPTypes
@testable import Server
import Storage
import Testing

/// Issue 10 §1.12: a contact whose entry into the router's queue fails after it was stored is not left
/// stuck as "waiting" (which nothing would ever route): it is scheduled for another try.
@Suite("Queue entry failures", .serialized)
struct QueueEntryFailureTests {
    @Test("A WhatsApp contact stored while the router refuses events is scheduled for another try, not stuck")
    func whatsAppEntryFailure() async throws {
        let graph = try await ChatChannelsTests.graph()
        defer { graph.stop() }
        let system = try TestSystem { $0.whatsApp.graphBaseURL = graph.url }
        try await system.run { api in
            _ = try await ChatChannelsTests().linkedNumber(api)
            system.server.routing.stop()
            let body = ChatChannelsTests().payload(ChatChannelsTests().text("wamid.STUCK1", "oi"))
            let reply = try await ChatChannelsTests().post(api, body, signature: ChatChannelsTests().signature(body))
            #expect(reply.status == .ok, "\(reply.raw)")
            let stored = try await system.server.store.conversations.read { try $0.openConversations() }
            #expect(stored.count == 1)
            #expect(stored.first?.status == .scheduled, "status \(String(describing: stored.first?.status))")
            #expect(stored.first?.routeAfter != nil)
            // Another round while the router is still down keeps it scheduled (tried again later).
            await system.server.contacts.routeDue()
            let again = try await system.server.store.conversations.read { try $0.openConversations() }
            #expect(again.first?.status == .scheduled)
        }
    }

    @Test("A web chat started while the router refuses events is stored as scheduled for another try, not orphaned")
    func webChatEntryFailure() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (_, admin) = try await api.tenantWithAdmin("loja", support: support)
            let queue = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "Chat", "channel": "webchat"]).string("id")
            let key = try await api.send(.post, "/api/v1/chat-sites", token: admin, json: ["queueId": queue, "name": "Loja"]).string("siteKey")
            let site = try #require(try await system.server.store.conversations.read { try $0.chatSite(key: key) })
            system.server.routing.stop()
            let (ack, seq) = try await system.server.contacts.visitorCommand(
                site: site, seq: nil, outlet: Outlet(buffer: 8), ["type": "start", "name": "Maria", "text": "oi"])
            #expect(ack["conversationId"] != nil && seq != nil)
            let stored = try await system.server.store.conversations.read { try $0.openConversations() }
            #expect(stored.count == 1)
            #expect(stored.first?.status == .scheduled && stored.first?.routeAfter != nil, "\(String(describing: stored.first))")
        }
    }
}
