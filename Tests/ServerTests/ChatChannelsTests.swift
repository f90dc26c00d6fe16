import Crypto
import Foundation
import HTTPTypes
import Server
import Testing

/// Issue 6 through the HTTP router: WhatsApp webhook verification, signatures, idempotent storage, and
/// the administration of chat entry points. The WebSocket flows are covered by Tests/Interop/chat.
@Suite("Chat channels")
struct ChatChannelsTests {
    static let phone = "106540352242922"

    func signature(_ body: String, secret: String = TestSystem.whatsAppSecret) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    func payload(_ messages: String, phone: String = Self.phone) -> String {
        """
        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",\
        "metadata":{"display_phone_number":"15550001111","phone_number_id":"\(phone)"},\
        "contacts":[{"profile":{"name":"Carla"},"wa_id":"5511999990000"}],"messages":[\(messages)]}}]}]}
        """
    }

    func text(_ id: String, _ body: String) -> String {
        #"{"from":"5511999990000","id":"\#(id)","timestamp":"1800000000","type":"text","text":{"body":"\#(body)"}}"#
    }

    func post(_ api: API, _ body: String, signature: String?) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let signature { headers[HTTPField.Name("X-Hub-Signature-256")!] = signature }
        return try await api.send(.post, "/webhooks/whatsapp", raw: body, headers: headers)
    }

    /// A local Graph API on which "EAAG-secret-token" owns `phone` (linking checks ownership with Meta).
    static func graph() async throws -> FakeGraph {
        let graph = FakeGraph()
        try await graph.start()
        graph.own(phone, token: "EAAG-secret-token")
        return graph
    }

    /// A tenant with a WhatsApp queue and this number linked to it; returns the admin's token and the queue.
    func linkedNumber(_ api: API) async throws -> (admin: String, queue: String) {
        let support = try await api.supportToken()
        let (_, admin) = try await api.tenantWithAdmin("loja", support: support)
        let queue = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "WhatsApp", "channel": "whatsapp"]).string("id")
        let linked = try await api.send(.put, "/api/v1/whatsapp-numbers/\(Self.phone)", token: admin,
                                        json: ["queueId": queue, "accessToken": "EAAG-secret-token", "displayName": "Loja"])
        #expect(linked.status == .ok, "\(linked.raw)")
        #expect(!linked.raw.contains("EAAG"))
        return (admin, queue)
    }

    @Test("Meta's verification echoes the challenge only for the right token")
    func verification() async throws {
        try await TestSystem().run { api in
            let ok = try await api.send(.get, "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-token&hub.challenge=42424242")
            #expect(ok.status == .ok && ok.raw == "42424242")
            let wrong = try await api.send(.get, "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")
            #expect(wrong.status == .forbidden && !wrong.raw.contains("\"1\""))
            #expect(try await api.send(.get, "/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=verify-token&hub.challenge=1").status == .forbidden)
        }
    }

    @Test("A bad or missing signature is refused with 401 and stores nothing; a redelivery is ignored")
    func signaturesAndIdempotence() async throws {
        let graph = try await Self.graph()
        defer { graph.stop() }
        let system = try TestSystem { $0.whatsApp.graphBaseURL = graph.url }
        try await system.run { api in
            _ = try await linkedNumber(api)
            let body = payload(text("wamid.A1", "olá"))
            #expect(try await post(api, body, signature: nil).status == .unauthorized)
            #expect(try await post(api, body, signature: signature(body, secret: "other-secret")).status == .unauthorized)
            #expect(try await post(api, body + " ", signature: signature(body)).status == .unauthorized)
            #expect(try await post(api, body, signature: "sha1=" + String(repeating: "0", count: 40)).status == .unauthorized)
            #expect(try await system.server.store.conversations.read { try $0.openConversations() }.isEmpty)

            let first = try await post(api, body, signature: signature(body))
            #expect(first.status == .ok && first["received"] as? Int == 1 && first["duplicates"] as? Int == 0, "\(first.raw)")
            let again = try await post(api, body, signature: signature(body))
            #expect(again.status == .ok && again["received"] as? Int == 0 && again["duplicates"] as? Int == 1, "\(again.raw)")
            let open = try await system.server.store.conversations.read { try $0.openConversations() }
            #expect(open.count == 1)
            let conversation = try #require(open.first)
            #expect(conversation.customerName == "Carla" && conversation.customerAddress == "5511999990000" && conversation.channel == .whatsapp)
            let messages = try await system.server.store.conversations.read { try $0.messages(conversation: conversation.seq) }
            #expect(messages.map(\.text) == ["olá"] && messages.first?.externalID == "wamid.A1")

            // The same customer writing again joins the open conversation.
            let more = payload(text("wamid.A2", "mais"))
            #expect(try await post(api, more, signature: signature(more))["received"] as? Int == 1)
            #expect(try await system.server.store.conversations.read { try $0.openConversations() }.count == 1)
        }
    }

    @Test("Signed but malformed bodies get 400; unknown numbers are acknowledged and stored nowhere")
    func malformedAndUnknown() async throws {
        let graph = try await Self.graph()
        defer { graph.stop() }
        let system = try TestSystem { $0.whatsApp.graphBaseURL = graph.url }
        try await system.run { api in
            _ = try await linkedNumber(api)
            for body in ["{not json", "[]", #"{"object":"whatsapp_business_account","entry":"x"}"#] {
                let reply = try await post(api, body, signature: signature(body))
                #expect(reply.status == .badRequest && reply.errorCode == "invalid_payload", "\(body) → \(reply.raw)")
            }
            let stranger = payload(text("wamid.Z1", "oi"), phone: "999")
            let reply = try await post(api, stranger, signature: signature(stranger))
            #expect(reply.status == .ok && reply["received"] as? Int == 0)
            #expect(try await system.server.store.conversations.read { try $0.openConversations() }.isEmpty)
        }
    }

    @Test("Entry points need the right queue channel and an admin of the tenant; tokens stay sealed")
    func administration() async throws {
        let graph = try await Self.graph()
        defer { graph.stop() }
        let system = try TestSystem { $0.whatsApp.graphBaseURL = graph.url }
        try await system.run { api in
            let (admin, whatsappQueue) = try await linkedNumber(api)
            let chatQueue = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "Chat", "channel": "webchat"]).string("id")
            let wrong = try await api.send(.put, "/api/v1/whatsapp-numbers/123", token: admin, json: ["queueId": chatQueue, "accessToken": "x"])
            #expect(wrong.status == .badRequest && wrong.errorField == "queueId")
            let site = try await api.send(.post, "/api/v1/chat-sites", token: admin, json: ["queueId": chatQueue, "name": "Loja"])
            #expect(site.status == .created, "\(site.raw)")
            #expect(site.string("snippet").contains("data-site=\"\(site.string("siteKey"))\"") && site.string("siteKey").count == 32)
            #expect(try await api.send(.post, "/api/v1/chat-sites", token: admin, json: ["queueId": whatsappQueue, "name": "X"]).status == .badRequest)
            let support = try await api.supportToken()
            let (_, stranger) = try await api.tenantWithAdmin("outra", support: support)
            #expect(try await api.send(.post, "/api/v1/chat-sites", token: stranger, json: ["queueId": chatQueue, "name": "X"]).status == .notFound)
            #expect(try await api.send(.get, "/api/v1/whatsapp-numbers", token: stranger).raw.contains(Self.phone) == false)
            let listed = try await api.send(.get, "/api/v1/whatsapp-numbers", token: admin)
            #expect(listed.raw.contains(Self.phone) && !listed.raw.contains("EAAG"))

            let badHours = try await api.send(.put, "/api/v1/queues/\(chatQueue)/business-hours", token: admin,
                                              json: ["timeZone": "America/Sao_Paulo", "week": ["mon": [["open": "18:00", "close": "08:00"]]], "outsideHours": "refuse"])
            #expect(badHours.status == .badRequest, "\(badHours.raw)")
            let hours = try await api.send(.put, "/api/v1/queues/\(chatQueue)/business-hours", token: admin,
                                           json: ["timeZone": "America/Sao_Paulo", "week": ["mon": [["open": "08:00", "close": "18:00"]]], "outsideHours": "accept_for_later"])
            #expect(hours.status == .ok, "\(hours.raw)")
            #expect(try await api.send(.get, "/api/v1/queues/\(chatQueue)/business-hours", token: admin).string("outsideHours") == "accept_for_later")
            #expect(try await api.send(.put, "/api/v1/agents/\(UUID())/capacity", token: admin, json: ["voice": 1, "webchat": 2, "whatsapp": 2]).status == .notFound)

            // The Graph API token is sealed in the SQLite file (and its write-ahead log), never stored in the clear.
            for suffix in ["", "-wal"] {
                let file = (try? Data(contentsOf: URL(fileURLWithPath: system.server.store.path + suffix))) ?? Data()
                #expect(file.range(of: Data("EAAG-secret-token".utf8)) == nil)
            }
        }
    }
}
