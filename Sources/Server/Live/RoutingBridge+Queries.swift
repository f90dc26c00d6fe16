import Directory
import Foundation
import Routing

extension RoutingBridge {
    /// Live statistics of a queue, answered by its shard.
    func stats(queue: Directory.QueueID) async throws -> QueueStats? {
        guard let (id, tenant) = ids.knownQueue(queue.rawValue) else { return nil }
        guard case .queueStats(let stats) = try await ask(.queueStats(id), tenant: tenant) else { return nil }
        return stats
    }

    /// Live state of an agent, answered by its shard.
    func state(agent user: UserID) async throws -> AgentState? {
        guard let (id, tenant) = ids.knownAgent(user.rawValue) else { return nil }
        guard case .agentState(let state) = try await ask(.agentState(id), tenant: tenant) else { return nil }
        return state
    }

    /// Where a waiting contact stands in its queue's line (nil when offered, connected or unknown).
    func position(contact: Routing.ContactID, tenant: Directory.TenantID) async throws -> ContactPosition? {
        guard case .position(let position) = try await ask(.position(contact), tenant: tenant.rawValue) else { return nil }
        return position
    }

    /// The directory queue number of a router queue, for answers that name queues.
    func directoryQueue(_ id: Routing.QueueID, tenant: Directory.TenantID) -> Directory.QueueID? {
        ids.directoryQueue(id, tenant: tenant.rawValue).map(Directory.QueueID.init)
    }

    private func ask(_ query: RoutingQuery, tenant: UUID) async throws -> RoutingAnswer {
        guard isRunning else { throw Failure.notRunning }
        let number = ids.tenant(tenant)
        return try await withCheckedThrowingContinuation { continuation in
            if !dispatcher.query(query, tenant: number, reply: { continuation.resume(returning: $0) }) {
                continuation.resume(throwing: Failure.busy)
            }
        }
    }
}
