import Foundation
import HTTPTypes
import Server
import Synchronization
import Testing

/// Issue 3 §4: the router is built from the store at start and follows directory changes while running.
@Suite("Router wiring")
struct RouterWiringTests {
    /// Polls `probe` until `done` holds (bounded), since directory events reach the router asynchronously.
    func eventually(_ probe: () async throws -> Reply, until done: (Reply) -> Bool) async throws -> Reply {
        var last = try await probe()
        for _ in 0..<100 where !done(last) {
            try await Task.sleep(for: .milliseconds(20))
            last = try await probe()
        }
        return last
    }

    @Test("Queue stats and agent state follow memberships, queue logins and the forced logout of a confirmed edit")
    func liveStateFollowsDirectory() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("acme", support: support)
            let (_, otherAdmin) = try await api.tenantWithAdmin("globex", support: support)
            let queue = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "Chat", "channel": "webchat"]).string("id")

            // The application runs the router as one of its services (also in Hummingbird's router test mode).
            let agent = try await api.createUser(support: support, tenant: tenant, email: "ana@acme.test", extra: ["webrtcEnabled": true, "omnichannelEnabled": true])
            let agentID = agent.string("id")
            let agentToken = try await api.activate(email: "ana@acme.test", password: "Ana!2024pw")
            #expect(try await api.send(.put, "/api/v1/queues/\(queue)/members/\(agentID)", token: admin, json: ["level": 1]).status == .ok)
            #expect(try await api.send(.post, "/api/v1/me/queues/\(queue)/login", token: agentToken).status == .ok)

            let stats = try await eventually({ try await api.send(.get, "/api/v1/queues/\(queue)/stats", token: admin) }) { $0["loggedInAgents"] as? Int == 1 }
            #expect(stats.status == .ok, "\(stats.raw)")
            #expect(stats["loggedInAgents"] as? Int == 1)
            #expect(stats["waiting"] as? Int == 0)
            #expect(stats["channel"] as? String == "webchat")
            let state = try await eventually({ try await api.send(.get, "/api/v1/agents/\(agentID)/state", token: admin) }) { $0["eligible"] as? Bool == true }
            #expect(state["eligible"] as? Bool == true)
            #expect(state["loggedInQueues"] as? [String] == [queue])
            // The directory has no presence yet (the workspace sets it later): the router's default is available.
            #expect(state["presence"] as? String == "available")

            #expect(try await api.send(.get, "/api/v1/queues/\(queue)/stats", token: otherAdmin).status == .notFound)
            #expect(try await api.send(.get, "/api/v1/queues/\(queue)/stats", token: agentToken).status == .forbidden)
            #expect(try await api.send(.get, "/api/v1/agents/\(agentID)/state", token: otherAdmin).status == .notFound)

            // The admin's confirmed edit logs the agent out of every queue in the router too.
            #expect(try await api.send(.patch, "/api/v1/users/\(agentID)?confirm=true", token: admin, json: ["name": "Ana Souza"]).status == .ok)
            let after = try await eventually({ try await api.send(.get, "/api/v1/agents/\(agentID)/state", token: admin) }) {
                ($0["loggedInQueues"] as? [String])?.isEmpty == true
            }
            #expect(after["loggedInQueues"] as? [String] == [])
            let emptied = try await api.send(.get, "/api/v1/queues/\(queue)/stats", token: admin)
            #expect(emptied["loggedInAgents"] as? Int == 0)
        }
    }

    @Test("At start the router is built from the store: a restarted server shows the same logins")
    func loadsFromStore() async throws {
        let system = try TestSystem()
        let ids = Box()
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("acme", support: support)
            let queue = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "Voz", "channel": "voice"]).string("id")
            let agent = try await api.createUser(support: support, tenant: tenant, email: "bia@acme.test", extra: ["webrtcEnabled": true, "omnichannelEnabled": true])
            let token = try await api.activate(email: "bia@acme.test", password: "Bia!2024pw")
            _ = try await api.send(.put, "/api/v1/queues/\(queue)/members/\(agent.string("id"))", token: admin, json: [:])
            #expect(try await api.send(.post, "/api/v1/me/queues/\(queue)/login", token: token).status == .ok)
            ids.set(queue: queue, agent: agent.string("id"))
        }
        try system.server.store.close()
        let restarted = try TestSystem(reopening: system)
        try await restarted.run { api in
            let admin = try await api.login("admin@acme.test", "Adm1n!pass")
            let (queue, agent) = ids.get()
            let state = try await eventually({ try await api.send(.get, "/api/v1/agents/\(agent)/state", token: admin) }) { $0.status == .ok }
            #expect(state["loggedInQueues"] as? [String] == [queue], "\(state.raw)")
            #expect(state["eligible"] as? Bool == true)
        }
    }
}

/// Carries ids from one server's run to the restarted one.
final class Box: Sendable {
    private let value = Mutex(("", ""))
    func set(queue: String, agent: String) { value.withLock { $0 = (queue, agent) } }
    func get() -> (String, String) { value.withLock { $0 } }
}
