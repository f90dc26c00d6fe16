import Foundation
import HTTPTypes
import Testing

/// Rule 1: roles and tenants. Another tenant's records answer 404; a forbidden action 403.
@Suite("Tenants and roles")
struct AccessControlTests {
    @Test("Another tenant's users, queues and audit answer 404; staff of a tenant see only their own")
    func tenantWalls() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (acme, acmeAdmin) = try await api.tenantWithAdmin("acme", support: support)
            let (globex, globexAdmin) = try await api.tenantWithAdmin("globex", support: support)
            let agent = try await api.createUser(support: support, tenant: acme, email: "agent@acme.test")
            let queue = try await api.send(.post, "/api/v1/queues", token: acmeAdmin, json: ["name": "Suporte", "channel": "whatsapp"])
            #expect(queue.status == .created)
            let agentID = agent.string("id"), queueID = queue.string("id")

            #expect(try await api.send(.get, "/api/v1/users/\(agentID)", token: globexAdmin).status == .notFound)
            #expect(try await api.send(.patch, "/api/v1/users/\(agentID)?confirm=true", token: globexAdmin, json: ["name": "X"]).status == .notFound)
            #expect(try await api.send(.post, "/api/v1/users/\(agentID)/reset-password", token: globexAdmin).status == .notFound)
            #expect(try await api.send(.get, "/api/v1/queues/\(queueID)", token: globexAdmin).status == .notFound)
            #expect(try await api.send(.put, "/api/v1/queues/\(queueID)/members/\(agentID)", token: globexAdmin, json: [:]).status == .notFound)
            #expect(try await api.send(.get, "/api/v1/users?tenantId=\(acme)", token: globexAdmin).status == .notFound)
            #expect(try await api.send(.get, "/api/v1/audit?tenantId=\(acme)", token: globexAdmin).status == .notFound)
            #expect(try await api.send(.get, "/api/v1/tenants/\(acme)", token: globexAdmin).status == .notFound)
            let crossQueue = try await api.send(.post, "/api/v1/queues", token: globexAdmin, json: ["tenantId": acme, "name": "Q", "channel": "voice"])
            #expect(crossQueue.status == .notFound)

            let globexUsers = try await api.send(.get, "/api/v1/users", token: globexAdmin)
            #expect(globexUsers.array.allSatisfy { $0["tenantId"] as? String == globex })
            let tenants = try await api.send(.get, "/api/v1/tenants", token: acmeAdmin)
            #expect(tenants.array.map { $0["id"] as? String } == [acme])
            let all = try await api.send(.get, "/api/v1/tenants", token: support)
            #expect(all.array.count == 2)
        }
    }

    @Test("Role checks: admins cannot create tenants or users, supervisors read only, agents see only themselves")
    func roleChecks() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (acme, admin) = try await api.tenantWithAdmin("acme", support: support)
            #expect(try await api.send(.post, "/api/v1/tenants", token: admin, json: ["slug": "other", "name": "Other"]).status == .forbidden)
            #expect(try await api.createUser(support: admin, tenant: acme, email: "new@acme.test").status == .forbidden)

            _ = try await api.createUser(support: support, tenant: acme, email: "sup@acme.test", role: "supervisor")
            let supervisor = try await api.activate(email: "sup@acme.test", password: "Superv!s0r")
            let agent = try await api.createUser(support: support, tenant: acme, email: "ag@acme.test")
            let agentToken = try await api.activate(email: "ag@acme.test", password: "Ag3nt!pass")
            let agentID = agent.string("id")

            #expect(try await api.send(.get, "/api/v1/users", token: supervisor).status == .ok)
            #expect(try await api.send(.patch, "/api/v1/users/\(agentID)?confirm=true", token: supervisor, json: ["name": "X"]).status == .forbidden)
            #expect(try await api.send(.post, "/api/v1/queues", token: supervisor, json: ["name": "Q", "channel": "voice"]).status == .forbidden)
            #expect(try await api.send(.get, "/api/v1/audit", token: supervisor).status == .forbidden)

            #expect(try await api.send(.get, "/api/v1/users", token: agentToken).status == .forbidden)
            #expect(try await api.send(.get, "/api/v1/users/\(agentID)", token: agentToken).status == .ok)
            #expect(try await api.send(.post, "/api/v1/users/\(agentID)/reset-password", token: agentToken).status == .forbidden)
            #expect(try await api.send(.delete, "/api/v1/users/\(agentID)", token: admin).status == .forbidden)

            #expect(try await api.send(.get, "/api/v1/me").status == .unauthorized)
            #expect(try await api.send(.get, "/api/v1/me", token: "not-a-session").status == .unauthorized)
            #expect(try await api.send(.delete, "/api/v1/users/\(agentID)", token: support).status == .noContent)
            #expect(try await api.send(.get, "/api/v1/me", token: agentToken).status == .unauthorized)
        }
    }

    @Test("Sessions: logout revokes the token; sessions expire")
    func sessions() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let token = try await api.supportToken()
            #expect(try await api.send(.get, "/api/v1/me", token: token).status == .ok)
            #expect(try await api.send(.post, "/api/v1/auth/logout", token: token).status == .noContent)
            #expect(try await api.send(.get, "/api/v1/me", token: token).status == .unauthorized)
            let second = try await api.supportToken()
            system.clock.advance(seconds: 12 * 3600 + 1)
            #expect(try await api.send(.get, "/api/v1/me", token: second).status == .unauthorized)
        }
    }

    @Test("Repeated login failures are throttled per account with a clear error and Retry-After")
    func loginThrottling() async throws {
        let system = try TestSystem()
        try await system.run { api in
            for _ in 0..<5 {
                let wrong = try await api.send(.post, "/api/v1/auth/login", json: ["email": TestSystem.supportEmail, "password": "Wrong!pass1"])
                #expect(wrong.errorCode == "invalid_credentials")
            }
            let throttled = try await api.send(.post, "/api/v1/auth/login", json: ["email": TestSystem.supportEmail, "password": TestSystem.supportPassword])
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.errorCode == "too_many_attempts")
            #expect(throttled.headers[.retryAfter] == "300")
            system.clock.advance(seconds: 301)
            _ = try await api.supportToken()
        }
    }

    @Test("A lockout ends on time even when the wall clock is set back meanwhile (it runs on the monotonic clock)")
    func lockoutSurvivesAClockSetBack() async throws {
        let system = try TestSystem()
        try await system.run { api in
            for _ in 0..<5 {
                _ = try await api.send(.post, "/api/v1/auth/login", json: ["email": TestSystem.supportEmail, "password": "Wrong!pass1"])
            }
            #expect(try await api.send(.post, "/api/v1/auth/login", json: ["email": TestSystem.supportEmail, "password": TestSystem.supportPassword]).status == .tooManyRequests)
            system.clock.setBack(seconds: 7200)
            system.clock.advance(seconds: 301)
            _ = try await api.supportToken()
        }
    }
}
