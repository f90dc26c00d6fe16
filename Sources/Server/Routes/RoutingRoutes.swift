import Directory
import Foundation
import Hummingbird

/// Live router state for admins and supervisors of the tenant (issue 3 §4).
struct RoutingRoutes {
    let directory: DirectoryService
    let bridge: RoutingBridge

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/queues/:queueId/stats") { _, context in
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("queueId").flatMap(QueueID.init) else { throw DirectoryError.notFound(entity: "queue") }
            let queue = try await directory.queue(id, for: principal)
            guard principal.role != .agent else { throw DirectoryError.forbidden }
            guard let stats = try await answer({ try await bridge.stats(queue: id) }) else { throw Self.notLoaded }
            return try JSONResponse.make(QueueStatsView(queue: queue, stats: stats))
        }
        router.get("/api/v1/agents/:userId/state") { _, context in
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("userId").flatMap(UserID.init) else { throw DirectoryError.notFound(entity: "user") }
            let user = try await directory.user(id, for: principal)
            guard principal.role != .agent || principal.userID == id else { throw DirectoryError.forbidden }
            guard let state = try await answer({ try await bridge.state(agent: id) }), let tenant = user.tenantID else { throw Self.notLoaded }
            return try JSONResponse.make(AgentStateView(user: user, state: state) { bridge.directoryQueue($0, tenant: tenant) })
        }
    }

    private func answer<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch RoutingBridge.Failure.notRunning {
            throw APIError(status: .serviceUnavailable, code: "router_unavailable") { $0 == .ptBR ? "O roteador não está em execução." : "The router is not running." }
        } catch RoutingBridge.Failure.busy {
            throw APIError(status: .serviceUnavailable, code: "router_busy") { $0 == .ptBR ? "O roteador está ocupado; tente novamente." : "The router is busy; try again." }
        }
    }

    static let notLoaded = APIError(status: .notFound, code: "not_routed") { language in
        language == .ptBR ? "Este registro ainda não está no roteador." : "This record is not in the router yet."
    }
}
