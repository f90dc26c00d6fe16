import Foundation
import HTTPTypes
import Testing

/// Rule 2 and the API's input contract: bad input gets 400 naming the field, never a 500, and changes nothing.
@Suite("Input validation")
struct InputValidationTests {
    @Test("User fields: e-mail valid and unique per tenant, extension unique per tenant, enums and types checked")
    func userFields() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let acme = try await api.tenant("acme", support: support)
            let other = try await api.tenant("other", support: support)
            #expect(try await api.createUser(support: support, tenant: acme, email: "a@acme.test", extra: ["extension": "3001"]).status == .created)

            let cases: [([String: Any], String?, String)] = [
                (["email": "not-an-email"], "email", "invalid_field"),
                (["email": "A@ACME.test"], "email", "email_taken"),
                (["email": "b@acme.test", "extension": "3001"], "extension", "extension_taken"),
                (["email": "c@acme.test", "extension": "12ab"], "extension", "invalid_field"),
                (["email": "d@acme.test", "name": String(repeating: "n", count: 500)], "name", "invalid_field"),
                (["email": "e@acme.test", "role": "wizard"], "role", "invalid_field"),
                (["email": "f@acme.test", "webrtcEnabled": "yes"], "webrtcEnabled", "invalid_field"),
                (["email": "g@acme.test", "language": "fr"], "language", "invalid_field"),
                (["email": "h@acme.test", "tenantId": "nope"], "tenantId", "invalid_field"),
            ]
            for (fields, field, code) in cases {
                var json: [String: Any] = ["name": "Someone", "role": "agent", "tenantId": acme]
                json.merge(fields) { $1 }
                let reply = try await api.send(.post, "/api/v1/users", token: support, json: json)
                #expect(reply.errorCode == code, "\(fields): \(reply.raw)")
                #expect(reply.errorField == field, "\(fields): \(reply.raw)")
                #expect(reply.status.code == (code == "invalid_field" ? 400 : 409))
            }
            // Uniqueness is per tenant: the same e-mail and extension work in another tenant.
            #expect(try await api.createUser(support: support, tenant: other, email: "a@acme.test", extra: ["extension": "3001"]).status == .created)
            let listed = try await api.send(.get, "/api/v1/users?tenantId=\(acme)", token: support)
            #expect(listed.array.count == 1)
        }
    }

    @Test("Malformed JSON, missing fields, oversized bodies and random bytes answer 4xx, never 500")
    func malformedBodies() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let malformed = try await api.send(.post, "/api/v1/tenants", token: support, raw: "{\"slug\": ")
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "invalid_request")
            let missing = try await api.send(.post, "/api/v1/tenants", token: support, json: ["slug": "abc"])
            #expect(missing.errorField == "name")
            let huge = try await api.send(.post, "/api/v1/tenants", token: support, raw: "{\"slug\":\"" + String(repeating: "a", count: 100_000) + "\"}")
            #expect(huge.status == .contentTooLarge)
            let badID = try await api.send(.get, "/api/v1/users/12345", token: support)
            #expect(badID.status == .notFound)
            let badFlag = try await api.send(.patch, "/api/v1/users/\(UUID())?confirm=maybe", token: support, json: [:])
            #expect(badFlag.status == .badRequest)

            var generator = SystemRandomNumberGenerator()
            let paths = ["/api/v1/tenants", "/api/v1/users", "/api/v1/queues", "/api/v1/auth/login", "/api/v1/password-reset/complete", "/api/v1/email-confirmation"]
            for round in 0..<300 {
                let length = Int.random(in: 0...200, using: &generator)
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let text = round.isMultiple(of: 2) ? String(decoding: bytes, as: UTF8.self) : "{\"name\": \(bytes.prefix(8)), \"email\": [\(length)]}"
                let reply = try await api.send(.post, paths[round % paths.count], token: support, raw: text)
                #expect((400..<500).contains(reply.status.code), "\(paths[round % paths.count]) answered \(reply.status.code)")
            }
            let tenants = try await api.send(.get, "/api/v1/tenants", token: support)
            #expect(tenants.array.isEmpty)
        }
    }

    @Test("Errors are in pt-BR by default and English when asked")
    func errorLanguage() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let pt = try await api.send(.get, "/api/v1/me")
            #expect(pt.errorMessage == "Autenticação necessária.")
            let en = try await api.send(.get, "/api/v1/me", language: "en")
            #expect(en.errorMessage == "Authentication required.")
        }
    }
}
