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
}
