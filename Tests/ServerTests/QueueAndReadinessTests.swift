import Foundation
import HTTPTypes
import Testing

/// Rules 8 (readiness), 9 (queues and memberships), 10 (audit) and 11 (outbox in the same transaction).
@Suite("Queues, readiness and audit")
struct QueueAndReadinessTests {
    @Test("Rule 8: /me lists every unmet readiness condition until the agent is ready; queue login needs readiness")
    func readiness() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("acme", support: support)
            let agent = try await api.createUser(support: support, tenant: tenant, email: "rui@acme.test")
            let id = agent.string("id")
            let token = try await api.activate(email: "rui@acme.test", password: "Rui!2024pw")

            var me = try await api.send(.get, "/api/v1/me", token: token)
            #expect(me["ready"] as? Bool == false)
            #expect(me["unmet"] as? [String] == ["webrtc_disabled", "omnichannel_disabled", "no_queue"])

            let chat = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "WhatsApp", "channel": "whatsapp"])
            // Linking an agent who is not omnichannel-ready to a chat queue is allowed; readiness reports it.
            #expect(try await api.send(.put, "/api/v1/queues/\(chat.string("id"))/members/\(id)", token: admin, json: ["level": 2, "position": 3]).status == .ok)
            me = try await api.send(.get, "/api/v1/me", token: token)
            #expect(me["unmet"] as? [String] == ["webrtc_disabled", "omnichannel_disabled"])
            let refused = try await api.send(.post, "/api/v1/me/queues/\(chat.string("id"))/login", token: token)
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "not_ready")

            #expect(try await api.send(.patch, "/api/v1/users/\(id)?confirm=true", token: admin, json: ["webrtcEnabled": true, "omnichannelEnabled": true]).status == .ok)
            // Entering omnichannel verifies the address anew: the admin's reset sends the agent through the links again.
            me = try await api.send(.get, "/api/v1/me", token: token)
            #expect(me["unmet"] as? [String] == ["email_not_verified"])
            #expect(try await api.send(.post, "/api/v1/users/\(id)/reset-password", token: admin).status == .accepted)
            let fresh = try await api.activate(email: "rui@acme.test", password: "Rui!2025pw")
            me = try await api.send(.get, "/api/v1/me", token: fresh)
            #expect(me["ready"] as? Bool == true)
            #expect(me["unmet"] as? [String] == [])
            #expect(try await api.send(.post, "/api/v1/me/queues/\(chat.string("id"))/login", token: fresh).status == .ok)
        }
    }

    @Test("Rule 9: voice and chat queues with routing settings, overflow checks, memberships with level and position")
    func queues() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("acme", support: support)
            let overflow = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "Overflow", "channel": "voice"])
            let voice = try await api.send(.post, "/api/v1/queues", token: admin, json: [
                "name": "Vendas", "channel": "voice",
                "settings": ["strategy": "round_robin", "wrapUpSeconds": 30, "offerTimeoutSeconds": 15, "maxNoAnswer": 2,
                             "rejectDelaySeconds": 10, "maxWaitSeconds": 120, "overflowQueueId": overflow.string("id"), "priority": 5],
            ])
            #expect(voice.status == .created)
            #expect(voice["kind"] as? String == "call_center")
            let settings = try #require(voice["settings"] as? [String: Any])
            #expect(settings["strategy"] as? String == "round_robin")
            #expect(settings["overflowQueueId"] as? String == overflow.string("id"))
            #expect(settings["maxNoAnswer"] as? Int == 2)

            let chat = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "Site", "channel": "webchat"])
            #expect(chat["kind"] as? String == "chat")
            let crossKind = try await api.send(.patch, "/api/v1/queues/\(chat.string("id"))", token: admin, json: ["settings": ["overflowQueueId": overflow.string("id")]])
            #expect(crossKind.errorField == "settings.overflowQueueId")
            let badStrategy = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "X", "channel": "voice", "settings": ["strategy": "fastest"]])
            #expect(badStrategy.errorField == "settings.strategy")
            let badChannel = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "X", "channel": "fax"])
            #expect(badChannel.errorField == "channel")
            let badTimeout = try await api.send(.patch, "/api/v1/queues/\(voice.string("id"))", token: admin, json: ["settings": ["offerTimeoutSeconds": 0]])
            #expect(badTimeout.errorField == "settings.offerTimeoutSeconds")
            let inUse = try await api.send(.delete, "/api/v1/queues/\(overflow.string("id"))", token: admin)
            #expect(inUse.status == .conflict)

            let agent = try await api.createUser(support: support, tenant: tenant, email: "lia@acme.test")
            let link = try await api.send(.put, "/api/v1/queues/\(voice.string("id"))/members/\(agent.string("id"))", token: admin, json: ["level": 2, "position": 7])
            #expect(link["level"] as? Int == 2)
            #expect(link["position"] as? Int == 7)
            let badLevel = try await api.send(.put, "/api/v1/queues/\(voice.string("id"))/members/\(agent.string("id"))", token: admin, json: ["level": 0])
            #expect(badLevel.errorField == "level")
            let members = try await api.send(.get, "/api/v1/queues/\(voice.string("id"))/members", token: admin)
            #expect(members.array.count == 1)
            #expect(try await api.send(.delete, "/api/v1/queues/\(voice.string("id"))/members/\(agent.string("id"))", token: admin).status == .noContent)
            #expect(try await api.send(.get, "/api/v1/queues/\(voice.string("id"))/members", token: admin).array.isEmpty)
            #expect(try await api.send(.delete, "/api/v1/queues/\(voice.string("id"))", token: admin).status == .noContent)
            #expect(try await api.send(.get, "/api/v1/queues", token: admin).array.count == 2)
        }
    }

    @Test("Rule 10: changes are audited with before and after, secrets excluded, readable by the tenant's admins")
    func auditLog() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("acme", support: support)
            let agent = try await api.createUser(support: support, tenant: tenant, email: "zoe@acme.test")
            _ = try await api.activate(email: "zoe@acme.test", password: "Zoe!2024pw")
            #expect(try await api.send(.patch, "/api/v1/users/\(agent.string("id"))?confirm=true", token: admin, json: ["extension": "4004"]).status == .ok)
            let queue = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "Q", "channel": "voice"])
            _ = try await api.send(.put, "/api/v1/queues/\(queue.string("id"))/members/\(agent.string("id"))", token: admin, json: [:])

            let audit = try await api.send(.get, "/api/v1/audit", token: admin)
            let actions = audit.array.compactMap { $0["action"] as? String }
            for action in ["user.create", "user.update", "queue.create", "membership.upsert", "user.password_reset_completed", "user.email_verified"] {
                #expect(actions.contains(action), "missing \(action) in \(actions)")
            }
            let update = try #require(audit.array.first { $0["action"] as? String == "user.update" })
            #expect((update["before"] as? String)?.contains("\"extension\"") == false)
            #expect((update["after"] as? String)?.contains("\"extension\":\"4004\"") == true)
            #expect(!audit.raw.contains("scrypt"))
            #expect(!audit.raw.contains("Zoe!2024pw"))
            let page = try await api.send(.get, "/api/v1/audit?limit=2", token: admin)
            #expect(page.array.count == 2)
            let sequences = audit.array.compactMap { $0["sequence"] as? Int }
            #expect(sequences == sequences.sorted(by: >))
        }
    }

    @Test("Rule 11: a refused change queues no e-mail; delivered messages are .eml files and marked sent")
    func outboxIsTransactional() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let tenant = try await api.tenant("acme", support: support)
            _ = try await api.createUser(support: support, tenant: tenant, email: "taken@acme.test", extra: ["extension": "5005"])
            let refused = try await api.createUser(support: support, tenant: tenant, email: "other@acme.test", extra: ["extension": "5005"])
            #expect(refused.errorCode == "extension_taken")
            let mails = try await system.mailbox()
            #expect(mails.count == 2)
            #expect(mails.allSatisfy { $0.to.contains("taken@acme.test") })
            let pending = try await system.server.store.read { try $0.outbox(status: .pending, limit: 100) }
            #expect(pending.isEmpty)
            let sent = try await system.server.store.read { try $0.outbox(status: .sent, limit: 100) }
            #expect(sent.count == 2)
            #expect(sent.allSatisfy { $0.link == nil })
            #expect(mails[0].subject == "Defina sua senha no Tenant acme · Switchboard" || mails[0].subject.hasPrefix("=?utf-8?B?"))
        }
    }

    @Test("Health, Prometheus metrics and the OpenAPI document are served")
    func operationalEndpoints() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let health = try await api.send(.get, "/health")
            #expect(health.status == .ok)
            #expect(health["status"] as? String == "ok")
            let metrics = try await api.send(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.raw.contains("# TYPE hb_requests counter"))
            let spec = try await api.send(.get, "/api/v1/openapi.yaml")
            #expect(spec.status == .ok)
            #expect(spec.raw.hasPrefix("openapi: 3.1"))
        }
    }
}
