import Directory
import Foundation
import HTTPTypes
import Testing

/// PRODUCT.md "Enabling an agent for omnichannel use", rules 3 to 7, through the HTTP API.
@Suite("Enablement flow")
struct EnablementFlowTests {
    @Test("Rule 3: only support creates users; a new omnichannel user gets the five e-mails in the product's order")
    func newUserEmailSequence() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("acme", support: support)

            let byAdmin = try await api.createUser(support: admin, tenant: tenant, email: "x@acme.test")
            #expect(byAdmin.status == .forbidden)
            #expect(byAdmin.errorCode == "forbidden")

            let created = try await api.createUser(
                support: support, tenant: tenant, email: "Ana@Acme.test",
                extra: ["extension": "2001", "webrtcEnabled": true, "omnichannelEnabled": true])
            #expect(created.status == .created)
            let id = created.string("id")
            #expect(created.string("email") == "ana@acme.test")
            #expect(try await system.outboxKinds(id) == [.passwordReset, .extensionAssigned])

            let token = try await api.activate(email: "ana@acme.test", password: "S3nha!forte")
            #expect(!token.isEmpty)
            #expect(try await system.outboxKinds(id) == [.passwordReset, .extensionAssigned, .passwordChanged, .confirmEmail, .emailVerified])

            let mails = try await system.mailbox().filter { $0.to.contains("ana@acme.test") }
            #expect(mails.count == 5)
            #expect(mails[1].text.contains("2001"))
            #expect(mails.allSatisfy { $0.headers["content-type"]?.hasPrefix("multipart/alternative") == true })
            #expect(mails[0].link?.hasPrefix("http://switchboard.test/reset-password?token=") == true)
            #expect(mails[3].link?.hasPrefix("http://switchboard.test/confirm-email?token=") == true)
        }
    }

    @Test("Rule 4: omnichannel without WebRTC is refused with webrtc_required and nothing is saved")
    func webrtcRequired() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("acme", support: support)
            let refused = try await api.createUser(support: support, tenant: tenant, email: "bia@acme.test", extra: ["omnichannelEnabled": true])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorCode == "webrtc_required")
            #expect(refused.errorField == "webrtcEnabled")
            let users = try await api.send(.get, "/api/v1/users", token: admin)
            #expect(!users.array.contains { $0["email"] as? String == "bia@acme.test" })
            #expect(try await system.mailbox().allSatisfy { !$0.to.contains("bia@acme.test") })

            let agent = try await api.createUser(support: support, tenant: tenant, email: "caio@acme.test")
            let id = agent.string("id")
            let edit = try await api.send(.patch, "/api/v1/users/\(id)?confirm=true", token: admin, json: ["omnichannelEnabled": true])
            #expect(edit.status == .unprocessableContent)
            #expect(edit.errorCode == "webrtc_required")
            let after = try await api.send(.get, "/api/v1/users/\(id)", token: admin)
            #expect(after["omnichannelEnabled"] as? Bool == false)
        }
    }

    @Test("Rule 5: editing an agent needs confirmation; the confirmed edit logs the agent out of every queue")
    func confirmedEditLogsOut() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("acme", support: support)
            let agent = try await api.createUser(
                support: support, tenant: tenant, email: "duda@acme.test", extra: ["webrtcEnabled": true, "omnichannelEnabled": true])
            let id = agent.string("id")
            let agentToken = try await api.activate(email: "duda@acme.test", password: "Duda!2024x")
            var queues: [String] = []
            for (name, channel) in [("Vendas", "voice"), ("Chat", "webchat")] {
                let queue = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": name, "channel": channel])
                queues.append(queue.string("id"))
                #expect(try await api.send(.put, "/api/v1/queues/\(queue.string("id"))/members/\(id)", token: admin, json: ["level": 1]).status == .ok)
                #expect(try await api.send(.post, "/api/v1/me/queues/\(queue.string("id"))/login", token: agentToken).status == .ok)
            }

            let unconfirmed = try await api.send(.patch, "/api/v1/users/\(id)", token: admin, json: ["name": "Duda Lima"])
            #expect(unconfirmed.status == .conflict)
            #expect(unconfirmed.errorCode == "confirmation_required")
            #expect(unconfirmed.errorMessage == "Você editou o usuário. Ao confirmar esta edição, o sistema realizará o logout do usuário na(s) fila(s). Deseja confirmar?")
            let english = try await api.send(.patch, "/api/v1/users/\(id)", token: admin, json: ["name": "Duda Lima"], language: "en-US,en;q=0.9")
            #expect(english.errorMessage?.hasPrefix("You edited the user.") == true)
            let unchanged = try await api.send(.get, "/api/v1/users/\(id)", token: admin)
            #expect(unchanged["name"] as? String == "User duda@acme.test")
            let stillIn = try await api.send(.get, "/api/v1/me", token: agentToken)
            #expect((stillIn["memberships"] as? [[String: Any]])?.allSatisfy { $0["loggedIn"] as? Bool == true } == true)

            let confirmed = try await api.send(.patch, "/api/v1/users/\(id)?confirm=true", token: admin, json: ["name": "Duda Lima"])
            #expect(confirmed.status == .ok)
            #expect(confirmed["name"] as? String == "Duda Lima")
            let me = try await api.send(.get, "/api/v1/me", token: agentToken)
            let memberships = try #require(me["memberships"] as? [[String: Any]])
            #expect(memberships.count == 2)
            #expect(memberships.allSatisfy { $0["loggedIn"] as? Bool == false })

            let events = try await system.server.store.read { try $0.events(afterSequence: 0, limit: 1000) }.map(\.event)
            let logout = events.compactMap { event -> [QueueID]? in
                if case .agentLoggedOutOfAllQueues(_, let user, let queueIDs, _) = event, user.description == id { return queueIDs }
                return nil
            }
            #expect(logout.count == 1)
            #expect(Set(logout[0].map(\.description)) == Set(queues))
            let audit = try await api.send(.get, "/api/v1/audit", token: admin)
            #expect(audit.array.contains { $0["action"] as? String == "user.logout_all_queues" && $0["entityId"] as? String == id })
        }
    }

    @Test("Rule 6: reset password for an existing agent: reset link, password changed, confirm link, e-mail verified")
    func existingAgentResetSequence() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("acme", support: support)
            let agent = try await api.createUser(support: support, tenant: tenant, email: "eva@acme.test")
            let id = agent.string("id")
            // The agent record existed before; the creation link is ignored, the admin runs Actions → Reset password.
            #expect(try await api.send(.patch, "/api/v1/users/\(id)?confirm=true", token: admin, json: ["webrtcEnabled": true, "omnichannelEnabled": true]).status == .ok)
            let firstLink = try await system.token(for: "eva@acme.test", page: "reset-password")
            #expect(try await api.send(.post, "/api/v1/users/\(id)/reset-password", token: admin).status == .accepted)
            let stale = try await api.send(.post, "/api/v1/password-reset/complete", json: ["token": firstLink, "password": "Ev@2024pass"])
            #expect(stale.errorCode == "invalid_token")

            let reset = try await system.token(for: "eva@acme.test", page: "reset-password")
            let weak = try await api.send(.post, "/api/v1/password-reset/complete", json: ["token": reset, "password": "short#"])
            #expect(weak.status == .badRequest)
            #expect(weak.errorCode == "weak_password")
            #expect(Set(weak.object["error"].flatMap { ($0 as? [String: Any])?["violations"] as? [String] } ?? []) ==
                    ["too_short", "missing_uppercase", "missing_digit", "missing_special", "forbidden_character"])
            let ok = try await api.send(.post, "/api/v1/password-reset/complete", json: ["token": reset, "password": "Ev@2024pass"])
            #expect(ok.status == .noContent)
            let reused = try await api.send(.post, "/api/v1/password-reset/complete", json: ["token": reset, "password": "Ev@2024pass"])
            #expect(reused.errorCode == "invalid_token")

            let early = try await api.send(.post, "/api/v1/auth/login", json: ["email": "eva@acme.test", "password": "Ev@2024pass"])
            #expect(early.errorCode == "email_not_verified")
            let confirm = try await system.token(for: "eva@acme.test", page: "confirm-email")
            #expect(try await api.send(.post, "/api/v1/email-confirmation", json: ["token": confirm]).status == .noContent)
            _ = try await api.login("eva@acme.test", "Ev@2024pass")

            let kinds = try await system.outboxKinds(id)
            #expect(Array(kinds.suffix(4)) == [.passwordReset, .passwordChanged, .confirmEmail, .emailVerified])
        }
    }

    @Test("Rule 6: reset tokens expire after 24 hours and are stored only as a hash")
    func resetTokenExpiryAndHashing() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let tenant = try await api.tenant("acme", support: support)
            _ = try await api.createUser(support: support, tenant: tenant, email: "fabio@acme.test")
            let token = try await system.token(for: "fabio@acme.test", page: "reset-password")
            let byRaw = try await system.server.store.read { try $0.token(hash: token) }
            #expect(byRaw == nil)
            let hashed = try await system.server.store.read { try $0.token(hash: Self.sha256(token)) }
            #expect(hashed?.purpose == .passwordReset)
            let sqlite = try Data(contentsOf: URL(fileURLWithPath: system.server.store.path))
            #expect(sqlite.range(of: Data(token.utf8)) == nil)

            system.clock.advance(seconds: 24 * 3600 + 1)
            let expired = try await api.send(.post, "/api/v1/password-reset/complete", json: ["token": token, "password": "Fab!o2024x"])
            #expect(expired.status == .badRequest)
            #expect(expired.errorCode == "token_expired")
        }
    }

    @Test("Rule 7: an admin sets a password directly; policy applies, sessions and open reset links end")
    func directPasswordSet() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("acme", support: support)
            let agent = try await api.createUser(support: support, tenant: tenant, email: "gil@acme.test")
            let id = agent.string("id")
            let session = try await api.activate(email: "gil@acme.test", password: "Gil!2024pw")
            #expect(try await api.send(.post, "/api/v1/users/\(id)/reset-password", token: admin).status == .accepted)
            let openLink = try await system.token(for: "gil@acme.test", page: "reset-password")

            let ampersand = try await api.send(.post, "/api/v1/users/\(id)/set-password", token: admin, json: ["password": "Gil&2024pw"])
            #expect(ampersand.errorCode == "weak_password")
            #expect(try await api.send(.post, "/api/v1/users/\(id)/set-password", token: admin, json: ["password": "Novo!2024pw"]).status == .noContent)

            #expect(try await api.send(.get, "/api/v1/me", token: session).status == .unauthorized)
            let viaLink = try await api.send(.post, "/api/v1/password-reset/complete", json: ["token": openLink, "password": "Outra!2024"])
            #expect(viaLink.errorCode == "invalid_token")
            _ = try await api.login("gil@acme.test", "Novo!2024pw")
            let agentSession = try await api.login("gil@acme.test", "Novo!2024pw")
            let byAgent = try await api.send(.post, "/api/v1/users/\(id)/set-password", token: agentSession, json: ["password": "Novo!2024pw"])
            #expect(byAgent.status == .forbidden)
        }
    }

    static func sha256(_ text: String) -> String {
        RandomSecretsProbe.hash(text)
    }
}
