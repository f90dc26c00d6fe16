import Foundation
import HTTPTypes
import Testing

/// Issue 10 §3: tenants are walls on every route family. Another tenant's admin naming this tenant's
/// ids gets 404 — never data, never a change; an agent on admin routes gets 403.
@Suite("Cross-tenant walls")
struct CrossTenantTests {
    struct Probe: Sendable {
        let method: HTTPRequest.Method
        let path: String
        let json: [String: any Sendable]?
        init(_ method: HTTPRequest.Method, _ path: String, _ json: [String: any Sendable]? = nil) {
            self.method = method; self.path = path; self.json = json
        }
    }

    @Test("Every route family: another tenant's ids answer 404 with nothing of them, an agent on admin routes 403")
    func walls() async throws {
        let graph = try await ChatChannelsTests.graph()
        defer { graph.stop() }
        let system = try TestSystem { $0.whatsApp.graphBaseURL = graph.url }
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("acme", support: support)
            let (otherTenant, stranger) = try await api.tenantWithAdmin("globex", support: support)

            // Tenant acme: an agent, a chat queue with members, hours and a site, a WhatsApp queue and number.
            let agent = try await api.createUser(support: support, tenant: tenant, email: "ana@acme.test",
                                                 extra: ["webrtcEnabled": true, "omnichannelEnabled": true]).string("id")
            let agentToken = try await api.activate(email: "ana@acme.test", password: "Ana!2024pw")
            let queue = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "Chat", "channel": "webchat"]).string("id")
            #expect(try await api.send(.put, "/api/v1/queues/\(queue)/members/\(agent)", token: admin, json: ["level": 1]).status == .ok)
            let hours: [String: any Sendable] = ["timeZone": "America/Sao_Paulo", "week": ["mon": [["open": "08:00", "close": "18:00"]]],
                                                 "outsideHours": "accept_for_later"]
            #expect(try await api.send(.put, "/api/v1/queues/\(queue)/business-hours", token: admin, json: hours).status == .ok)
            let site = try await api.send(.post, "/api/v1/chat-sites", token: admin, json: ["queueId": queue, "name": "Loja"]).string("id")
            let whatsapp = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "WhatsApp", "channel": "whatsapp"]).string("id")
            let linked = try await api.send(.put, "/api/v1/whatsapp-numbers/\(ChatChannelsTests.phone)", token: admin,
                                            json: ["queueId": whatsapp, "accessToken": "EAAG-secret-token"])
            #expect(linked.status == .ok, "\(linked.raw)")
            let secrets = ["ana@acme.test", "Loja", "EAAG"]

            let foreign: [Probe] = [
                Probe(.get, "/api/v1/tenants/\(tenant)"),
                Probe(.get, "/api/v1/users?tenantId=\(tenant)"),
                Probe(.get, "/api/v1/users/\(agent)"),
                Probe(.patch, "/api/v1/users/\(agent)?confirm=true", ["name": "Hijacked"]),
                Probe(.post, "/api/v1/users/\(agent)/reset-password"),
                Probe(.post, "/api/v1/users/\(agent)/set-password", ["password": "Hij4ck!ed-pw"]),
                Probe(.put, "/api/v1/users/\(agent)/external-identity", ["objectId": "0a1b2c3d-0000-4000-8000-000000000001"]),
                Probe(.delete, "/api/v1/users/\(agent)/external-identity"),
                Probe(.get, "/api/v1/queues?tenantId=\(tenant)"),
                Probe(.get, "/api/v1/queues/\(queue)"),
                Probe(.patch, "/api/v1/queues/\(queue)", ["name": "Hijacked"]),
                Probe(.delete, "/api/v1/queues/\(queue)"),
                Probe(.get, "/api/v1/queues/\(queue)/members"),
                Probe(.put, "/api/v1/queues/\(queue)/members/\(agent)", ["level": 2]),
                Probe(.delete, "/api/v1/queues/\(queue)/members/\(agent)"),
                Probe(.get, "/api/v1/audit?tenantId=\(tenant)"),
                Probe(.get, "/api/v1/queues/\(queue)/stats"),
                Probe(.get, "/api/v1/agents/\(agent)/state"),
                Probe(.get, "/api/v1/chat-sites?tenantId=\(tenant)"),
                Probe(.post, "/api/v1/chat-sites", ["queueId": queue, "name": "Hijacked"]),
                Probe(.put, "/api/v1/chat-sites/\(site)", ["name": "Hijacked"]),
                Probe(.get, "/api/v1/whatsapp-numbers?tenantId=\(tenant)"),
                Probe(.get, "/api/v1/queues/\(queue)/business-hours"),
                Probe(.put, "/api/v1/queues/\(queue)/business-hours", hours),
                Probe(.delete, "/api/v1/queues/\(queue)/business-hours"),
                Probe(.get, "/api/v1/agents/\(agent)/capacity"),
                Probe(.put, "/api/v1/agents/\(agent)/capacity", ["voice": 1, "webchat": 9, "whatsapp": 9]),
                Probe(.get, "/api/v1/identity-provider?tenantId=\(tenant)"),
                Probe(.put, "/api/v1/identity-provider", ["tenantId": tenant, "directoryId": "11111111-2222-3333-4444-555555555555",
                                                          "clientId": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "clientSecret": "x", "enabled": true]),
            ]
            for probe in foreign {
                let reply = try await api.send(probe.method, probe.path, token: stranger, json: probe.json)
                #expect(reply.status == .notFound, "\(probe.method) \(probe.path) as another tenant's admin: \(reply.status) \(reply.raw)")
                for secret in secrets { #expect(!reply.raw.contains(secret), "\(probe.method) \(probe.path) leaked \(secret)") }
            }
            // The other tenant's WhatsApp number cannot be taken over by naming it.
            let (otherQueue) = try await api.send(.post, "/api/v1/queues", token: stranger, json: ["name": "WA", "channel": "whatsapp"]).string("id")
            let takeover = try await api.send(.put, "/api/v1/whatsapp-numbers/\(ChatChannelsTests.phone)", token: stranger,
                                              json: ["queueId": otherQueue, "accessToken": "EAAG-secret-token"])
            #expect(takeover.status == .conflict, "\(takeover.raw)")
            #expect(otherTenant != tenant)

            // Nothing changed.
            #expect(try await api.send(.get, "/api/v1/queues/\(queue)", token: admin).string("name") == "Chat")
            #expect(try await api.send(.get, "/api/v1/users/\(agent)", token: admin).string("name") == "User ana@acme.test")
            #expect(try await api.send(.get, "/api/v1/queues/\(queue)/members", token: admin).array.count == 1)
            #expect(try await api.send(.get, "/api/v1/agents/\(agent)/capacity", token: admin)["webchat"] as? Int != 9)

            // The tenant's own agent on admin routes: 403.
            let adminOnly: [Probe] = [
                Probe(.get, "/api/v1/users"), Probe(.patch, "/api/v1/queues/\(queue)", ["name": "X"]),
                Probe(.get, "/api/v1/queues/\(queue)/members"), Probe(.get, "/api/v1/audit"), Probe(.get, "/api/v1/queues/\(queue)/stats"),
                Probe(.get, "/api/v1/chat-sites"), Probe(.post, "/api/v1/chat-sites", ["queueId": queue, "name": "X"]),
                Probe(.get, "/api/v1/whatsapp-numbers"), Probe(.put, "/api/v1/queues/\(queue)/business-hours", hours),
                Probe(.put, "/api/v1/agents/\(agent)/capacity", ["voice": 1, "webchat": 9, "whatsapp": 9]),
                Probe(.get, "/api/v1/identity-provider"), Probe(.get, "/api/v1/outbox"), Probe(.post, "/api/v1/users/\(agent)/reset-password"),
                Probe(.put, "/api/v1/users/\(agent)/external-identity", ["objectId": "0a1b2c3d-0000-4000-8000-000000000001"]),
            ]
            for probe in adminOnly {
                let reply = try await api.send(probe.method, probe.path, token: agentToken, json: probe.json)
                #expect(reply.status == .forbidden, "\(probe.method) \(probe.path) as an agent: \(reply.status) \(reply.raw)")
            }
        }
    }
}
