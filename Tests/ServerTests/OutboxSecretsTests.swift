import Directory
import Foundation
import HTTPTypes
import Testing

/// Issue 10 §1.7: a reset or confirmation token never sits in clear in the outbox; the link is sealed
/// at rest, opened only to render the e-mail, and cleared when the row reaches a terminal state.
@Suite("Outbox secrets")
struct OutboxSecretsTests {
    @Test("The reset link is sealed in the outbox, still works from the e-mail, and is gone once sent or dead")
    func resetLinkSealedAndCleared() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let tenant = try await api.tenant("acme", support: support)
            let created = try await api.createUser(support: support, tenant: tenant, email: "ana@acme.test")
            let user = try #require(UserID(created.string("id")))

            let queued = try await system.server.store.read { try $0.outbox(user: user) }
            let reset = try #require(queued.first { $0.kind == .passwordReset })
            let stored = try #require(reset.link)
            #expect(!stored.contains("token="), "the outbox holds the token in clear: \(stored)")
            #expect(!stored.contains("reset-password"))

            // The e-mail carries the working link; following it sets the password.
            let token = try await system.token(for: "ana@acme.test", page: "reset-password")
            #expect(!stored.contains(token))
            let done = try await api.send(.post, "/api/v1/password-reset/complete", json: ["token": token, "password": "Ana!2024pw"])
            #expect(done.status == .noContent)
            let sent = try await system.server.store.read { try $0.outbox(sequence: reset.sequence ?? -1) }
            #expect(sent?.status == .sent && sent?.link == nil)

            // A reset that dead-letters keeps no link either, and cannot be resent without one.
            let message = OutboxMessage(
                tenantID: nil, userID: user, kind: .passwordReset, recipient: "nobody@acme.test", recipientName: "Ana", language: .ptBR,
                link: try system.server.secretBox.seal("http://switchboard.test/reset-password?token=abc"), createdAt: system.clock.now())
            let sequence = try await system.server.store.write { db -> Int64 in
                let sequence = try db.enqueue(message)
                try db.markFailed(sequence: sequence, error: "550 no such user", dead: true)
                return sequence
            }
            let dead = try await system.server.store.read { try $0.outbox(sequence: sequence) }
            #expect(dead?.status == .dead)
            #expect(dead?.link == nil)
            #expect(try await system.server.store.write { try $0.requeue(sequence: sequence) } == false)
        }
    }
}
