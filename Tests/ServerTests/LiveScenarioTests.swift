import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing

/// The whole existing-agent scenario of PRODUCT.md on a real socket (port 0), with the outbox service
/// writing real .eml files that the agent's links are read from.
@Suite("Live server")
struct LiveScenarioTests {
    @Test("Existing agent becomes omnichannel: confirmation, reset, links from .eml files, readiness")
    func existingAgentScenario() async throws {
        let system = try TestSystem()
        _ = try await system.server.directory.createSupportUser(email: TestSystem.supportEmail, name: "Root", password: TestSystem.supportPassword)
        let app = system.server.application()
        try await app.test(.live) { client in
            let api = API(client: client, system: system)
            let mail = MailFolder(folder: system.server.configuration.mailDirectory)

            // Support creates the tenant and its admin; the admin activates through the e-mailed links.
            let support = try await api.supportToken()
            let tenant = try await api.tenant("contoso", support: support)
            let admin = try await api.createUser(support: support, tenant: tenant, email: "admin@contoso.test", role: "admin")
            #expect(admin.status == .created)
            let adminToken = try await follow(api, mail, email: "admin@contoso.test", password: "Adm!n2024x")

            // The admin creates queues: a Call Center and a WhatsApp queue.
            let voice = try await api.send(.post, "/api/v1/queues", token: adminToken, json: ["name": "Central", "channel": "voice"])
            let chat = try await api.send(.post, "/api/v1/queues", token: adminToken, json: ["name": "WhatsApp", "channel": "whatsapp"])
            #expect(voice.status == .created && chat.status == .created)

            // An existing agent of the contact center (created earlier, already using a password).
            let agent = try await api.createUser(support: support, tenant: tenant, email: "maria@contoso.test", extra: ["extension": "1001"])
            let agentID = agent.string("id")
            _ = try await follow(api, mail, email: "maria@contoso.test", password: "Mar!a2023x")

            // The admin enables WebRTC and omnichannel: first without confirmation, then confirmed.
            let edit: [String: Any] = ["webrtcEnabled": true, "omnichannelEnabled": true]
            let ask = try await api.send(.patch, "/api/v1/users/\(agentID)", token: adminToken, json: edit)
            #expect(ask.status == .conflict)
            #expect(ask.errorCode == "confirmation_required")
            let saved = try await api.send(.patch, "/api/v1/users/\(agentID)?confirm=true", token: adminToken, json: edit)
            #expect(saved.status == .ok)
            #expect(saved["omnichannelEnabled"] as? Bool == true)

            // Actions → Reset password; the agent follows the links read from the .eml files.
            let before = try mail.messages(to: "maria@contoso.test").count
            #expect(try await api.send(.post, "/api/v1/users/\(agentID)/reset-password", token: adminToken).status == .accepted)
            let resetMail = try await mail.waitFor(to: "maria@contoso.test", count: before + 1).last
            let resetLink = try #require(resetMail?.link)
            #expect(resetLink.hasPrefix("http://switchboard.test/reset-password?token="))
            let page = try await api.send(.get, "/reset-password")
            #expect(page.status == .ok)
            let token = try #require(resetLink.components(separatedBy: "token=").last)
            #expect(try await api.send(.post, "/api/v1/password-reset/complete", json: ["token": token, "password": "Omn1!canal"]).status == .noContent)
            let confirmMail = try await mail.waitFor(to: "maria@contoso.test", count: before + 3).last
            let confirmLink = try #require(confirmMail?.link)
            #expect(confirmLink.hasPrefix("http://switchboard.test/confirm-email?token="))
            let unconfirmed = try await api.send(.post, "/api/v1/auth/login", json: ["email": "maria@contoso.test", "password": "Omn1!canal"])
            #expect(unconfirmed.errorCode == "email_not_verified")
            let confirmToken = try #require(confirmLink.components(separatedBy: "token=").last)
            #expect(try await api.send(.post, "/api/v1/email-confirmation", json: ["token": confirmToken]).status == .noContent)
            #expect(try await mail.waitFor(to: "maria@contoso.test", count: before + 4).count == before + 4)

            let agentToken = try await api.login("maria@contoso.test", "Omn1!canal")
            var me = try await api.send(.get, "/api/v1/me", token: agentToken)
            #expect(me["ready"] as? Bool == false)
            #expect(me["unmet"] as? [String] == ["no_queue"])
            let refused = try await api.send(.post, "/api/v1/me/queues/\(voice.string("id"))/login", token: agentToken)
            #expect(refused.status == .notFound)

            // The admin links the agent to its queues; the workspace opens.
            for queue in [voice, chat] {
                #expect(try await api.send(.put, "/api/v1/queues/\(queue.string("id"))/members/\(agentID)", token: adminToken, json: ["level": 1]).status == .ok)
            }
            me = try await api.send(.get, "/api/v1/me", token: agentToken)
            #expect(me["ready"] as? Bool == true)
            #expect(try await api.send(.post, "/api/v1/me/queues/\(chat.string("id"))/login", token: agentToken).status == .ok)

            let kinds = try await system.outboxKinds(agentID)
            #expect(kinds == [.passwordReset, .extensionAssigned, .passwordChanged, .confirmEmail, .emailVerified,
                             .passwordReset, .passwordChanged, .confirmEmail, .emailVerified])
        }
    }

    /// Follows the reset and confirmation links of the newest e-mails to `email`; returns a session token.
    private func follow(_ api: API, _ mail: MailFolder, email: String, password: String) async throws -> String {
        let reset = try #require(try await mail.waitFor(to: email, count: 1).first?.link)
        let resetToken = try #require(reset.components(separatedBy: "token=").last)
        #expect(try await api.send(.post, "/api/v1/password-reset/complete", json: ["token": resetToken, "password": password]).status == .noContent)
        let confirmMail = try await mail.waitFor(to: email) { $0.contains { $0.link?.contains("/confirm-email?") == true } }
        let confirm = try #require(confirmMail.last { $0.link?.contains("/confirm-email?") == true }?.link)
        let confirmToken = try #require(confirm.components(separatedBy: "token=").last)
        #expect(try await api.send(.post, "/api/v1/email-confirmation", json: ["token": confirmToken]).status == .noContent)
        return try await api.login(email, password)
    }
}

/// Reads the .eml files the running server writes, waiting (bounded) for them to appear.
struct MailFolder {
    let folder: URL

    func messages(to address: String) throws -> [ParsedMail] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".eml") }.sorted()
            .map { try ParsedMail(data: Data(contentsOf: folder.appendingPathComponent($0))) }
            .filter { $0.to.contains(address) }
    }

    func waitFor(to address: String, count: Int) async throws -> [ParsedMail] {
        try await waitFor(to: address) { $0.count >= count }
    }

    func waitFor(to address: String, until done: ([ParsedMail]) -> Bool) async throws -> [ParsedMail] {
        for _ in 0..<200 {
            let found = try messages(to: address)
            if done(found) { return found }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for e-mail to \(address)")
        return try messages(to: address)
    }
}
