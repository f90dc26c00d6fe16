import Foundation
import Routing
import Synchronization

/// Maps the directory's UUIDs to the router's compact identifiers. Queue and agent numbers are dense
/// per shard (the router keeps them in arrays), tenant numbers are global and pick the shard.
final class RouterIdentifiers: Sendable {
    private struct State {
        var tenants: [UUID: Routing.TenantID] = [:]
        var queues: [UUID: Routing.QueueID] = [:]
        var agents: [UUID: Routing.AgentID] = [:]
        var queueTenant: [UUID: UUID] = [:]
        var agentTenant: [UUID: UUID] = [:]
        var nextQueue: [Int: Routing.QueueID] = [:]
        var nextAgent: [Int: Routing.AgentID] = [:]
        /// Which agents each queue links, so a deleted queue's links can be removed from the router.
        var linked: [UUID: Set<UUID>] = [:]
        /// Reverse maps per shard: router number → directory id.
        var queueIDs: [Int: [UInt32: UUID]] = [:]
        var agentIDs: [Int: [UInt32: UUID]] = [:]
    }

    private let state = Mutex(State())
    private let shardOf: @Sendable (Routing.TenantID) -> Int

    init(shardOf: @escaping @Sendable (Routing.TenantID) -> Int) { self.shardOf = shardOf }

    func tenant(_ id: UUID) -> Routing.TenantID {
        state.withLock { s in
            if let known = s.tenants[id] { return known }
            let next = Routing.TenantID(s.tenants.count + 1)
            s.tenants[id] = next
            return next
        }
    }

    func queue(_ id: UUID, tenant: UUID) -> Routing.QueueID {
        assign(id, tenant: tenant, ids: \.queues, owners: \.queueTenant, next: \.nextQueue, reverse: \.queueIDs)
    }

    func agent(_ id: UUID, tenant: UUID) -> Routing.AgentID {
        assign(id, tenant: tenant, ids: \.agents, owners: \.agentTenant, next: \.nextAgent, reverse: \.agentIDs)
    }

    /// The number of `id`, or the next free one of its tenant's shard (numbers are dense per shard).
    private func assign(
        _ id: UUID, tenant: UUID, ids: WritableKeyPath<State, [UUID: UInt32]>, owners: WritableKeyPath<State, [UUID: UUID]>,
        next: WritableKeyPath<State, [Int: UInt32]>, reverse: WritableKeyPath<State, [Int: [UInt32: UUID]]>
    ) -> UInt32 {
        let shard = shardOf(self.tenant(tenant))
        return state.withLock { s in
            if let known = s[keyPath: ids][id] { return known }
            let number = s[keyPath: next][shard, default: 0]
            s[keyPath: next][shard] = number + 1
            s[keyPath: ids][id] = number
            s[keyPath: owners][id] = tenant
            s[keyPath: reverse][shard, default: [:]][number] = id
            return number
        }
    }

    func knownQueue(_ id: UUID) -> (Routing.QueueID, tenant: UUID)? {
        state.withLock { s in s.queues[id].flatMap { q in s.queueTenant[id].map { (q, $0) } } }
    }

    func knownAgent(_ id: UUID) -> (Routing.AgentID, tenant: UUID)? {
        state.withLock { s in s.agents[id].flatMap { a in s.agentTenant[id].map { (a, $0) } } }
    }

    func noteLink(queue: UUID, agent: UUID, linked: Bool) {
        state.withLock { s in
            if linked { s.linked[queue, default: []].insert(agent) } else { s.linked[queue]?.remove(agent) }
        }
    }

    func linkedAgents(queue: UUID) -> Set<UUID> { state.withLock { $0.linked[queue] ?? [] } }

    /// The shard that routes `tenant`.
    func shard(ofTenant tenant: UUID) -> Int { shardOf(self.tenant(tenant)) }

    /// The directory id of queue `id` of shard `shard`.
    func directoryQueue(_ id: Routing.QueueID, shard: Int) -> UUID? {
        state.withLock { $0.queueIDs[shard]?[id] }
    }

    /// The directory id of agent `id` of shard `shard`.
    func directoryAgent(_ id: Routing.AgentID, shard: Int) -> UUID? {
        state.withLock { $0.agentIDs[shard]?[id] }
    }

    /// The tenant a known queue belongs to.
    func tenant(ofQueue id: UUID) -> UUID? { state.withLock { $0.queueTenant[id] } }

    func directoryQueue(_ id: Routing.QueueID, tenant: UUID) -> UUID? {
        let shard = shardOf(self.tenant(tenant))
        return state.withLock { $0.queueIDs[shard]?[id] }
    }

    func directoryAgent(_ id: Routing.AgentID, tenant: UUID) -> UUID? {
        let shard = shardOf(self.tenant(tenant))
        return state.withLock { $0.agentIDs[shard]?[id] }
    }
}
