import Directory
import Foundation
import Logging
import Metrics
import Routing
import Storage

/// Wires the directory to the router (issue 3 §4): builds the router's configuration from the store
/// at start, then turns every committed directory event — queue settings, memberships, queue logins,
/// eligibility, the forced logout of a confirmed edit — into router events, in commit order.
/// Answers live statistics and agent state through the shard's ring (one writer per shard).
public final class RoutingBridge: Sendable {
    public enum Failure: Error, Equatable {
        /// The router is not running (not started, or stopped).
        case notRunning
        /// The shard's ring stayed full: the router is overloaded.
        case busy
    }

    let dispatcher: Dispatcher<RouterOutputs>
    let ids: RouterIdentifiers
    private let store: any DirectoryStore
    /// Per-agent channel capacities (issue 6), when the store has them.
    private let capacities: SQLiteConversationStore?
    private let logger: Logger
    private let events: AsyncStream<DirectoryEvent>.Continuation
    private let stream: AsyncStream<DirectoryEvent>
    private let running = RunningFlag()
    private let loaded = RunningFlag()
    /// Every router output with its shard, in shard order, for the contact center.
    let outputs: AsyncStream<ShardOutput>
    let clock = MonotonicRoutingClock()

    init(store: any DirectoryStore, capacities: SQLiteConversationStore? = nil, logger: Logger, shardCount: Int = RoutingBridge.defaultShardCount) {
        let (outputs, forward) = AsyncStream<ShardOutput>.makeStream()
        self.outputs = outputs
        let dispatcher = Dispatcher(shardCount: shardCount, makeSink: { RouterOutputs(shard: $0, logger: logger, forward: forward) })
        self.dispatcher = dispatcher
        self.ids = RouterIdentifiers(shardOf: { dispatcher.shardIndex(for: $0) })
        self.store = store
        self.capacities = capacities
        self.logger = logger
        (self.stream, self.events) = AsyncStream<DirectoryEvent>.makeStream()
    }

    /// One shard per core, at most 8.
    public static var defaultShardCount: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) }

    /// Starts the shard threads and loads the whole directory into the router.
    public func start() async throws {
        guard running.set(true) else { return }
        // Parked when idle: no CPU while nothing happens, woken by the next submit or timer.
        dispatcher.start(clock: clock, idle: .park)
        try await loadDirectory()
        _ = loaded.set(true)
    }

    var isRunning: Bool { running.isSet }

    /// Whether the directory has been loaded into the router (the contact center restores after it).
    var isLoaded: Bool { loaded.isSet }

    /// The router's instant of a wall-clock time `date`, given the wall clock says `now`.
    func instant(of date: Date, now: Date) -> RoutingInstant {
        clock.now() + RoutingDuration(nanoseconds: -Int64(max(0, now.timeIntervalSince(date)) * 1e9))
    }

    public func stop() {
        guard running.set(false) else { return }
        _ = loaded.set(false)
        dispatcher.stop()
    }

    /// Applies directory events in order until cancelled (run by `RoutingService`).
    func consumeEvents() async {
        for await event in stream {
            do {
                try await apply(event)
            } catch is CancellationError {
                return
            } catch {
                logger.error("router wiring failed for a directory event", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Called after each commit; never blocks the committing request.
    func publish(_ events: [DirectoryEvent]) {
        for event in events { self.events.yield(event) }
    }

    // MARK: Loading and applying

    private func loadDirectory() async throws {
        let snapshot = try await store.read { db -> [(Tenant, [Directory.Queue], [User], [Directory.Membership])] in
            try db.tenants().map { tenant in
                let queues = try db.queues(tenant: tenant.id)
                let memberships = try queues.flatMap { try db.memberships(queue: $0.id) }
                return (tenant, queues, try db.users(tenant: tenant.id), memberships)
            }
        }
        for (tenant, queues, users, memberships) in snapshot {
            // Two passes: every queue exists before any overflow points at it.
            for queue in queues { try await submit(.configureQueue(ids.queue(queue.id.rawValue, tenant: tenant.id.rawValue), settings(queue, overflow: false)), tenant: tenant.id) }
            for queue in queues where queue.settings.overflowQueueID != nil {
                try await submit(.configureQueue(ids.queue(queue.id.rawValue, tenant: tenant.id.rawValue), settings(queue, overflow: true)), tenant: tenant.id)
            }
            let linkCount = Dictionary(grouping: memberships, by: \.userID).mapValues(\.count)
            for user in users where user.role == .agent || user.role == .supervisor {
                let capacity = try await capacity(of: user.id)
                try await submit(.configureAgent(ids.agent(user.id.rawValue, tenant: tenant.id.rawValue),
                                                 profile(user, linkedQueues: linkCount[user.id] ?? 0, capacity: capacity)), tenant: tenant.id)
            }
            for membership in memberships { try await applyMembership(membership) }
        }
        logger.info("router loaded", metadata: ["tenants": "\(snapshot.count)", "shards": "\(dispatcher.shards.count)"])
    }

    private func apply(_ event: DirectoryEvent) async throws {
        switch event {
        case .queueChanged(let tenant, let queueID, _):
            if let queue = try await store.read({ try $0.queue(queueID) }) {
                try await submit(.configureQueue(ids.queue(queueID.rawValue, tenant: tenant.rawValue), settings(queue, overflow: true)), tenant: tenant)
            } else if let (queue, _) = ids.knownQueue(queueID.rawValue) {
                for user in ids.linkedAgents(queue: queueID.rawValue) {
                    guard let (agent, _) = ids.knownAgent(user) else { continue }
                    try await submit(.removeMembership(agent: agent, queue: queue), tenant: tenant)
                    ids.noteLink(queue: queueID.rawValue, agent: user, linked: false)
                }
            }
        case .agentChanged(let tenant, let userID, _):
            try await refreshAgent(userID, tenant: tenant)
        case .membershipChanged(let tenant, let queueID, let userID, _):
            let membership = try await store.read { try $0.membership(queue: queueID, user: userID) }
            try await refreshAgent(userID, tenant: tenant)
            if let membership {
                try await applyMembership(membership)
            } else if let (queue, _) = ids.knownQueue(queueID.rawValue), let (agent, _) = ids.knownAgent(userID.rawValue) {
                try await submit(.removeMembership(agent: agent, queue: queue), tenant: tenant)
                ids.noteLink(queue: queueID.rawValue, agent: userID.rawValue, linked: false)
            }
        case .sessionsEnded:
            // Eligibility does not depend on sessions; the contact center closes the connections.
            break
        case .agentLoggedOutOfAllQueues(let tenant, let userID, _, _):
            // Converge on the stored state rather than replaying "log out of all": if a later login committed
            // first and was published first, a blind logOutAll here would undo it.
            try await refreshAgent(userID, tenant: tenant)
            let memberships = try await store.read { try $0.memberships(user: userID) }
            if memberships.contains(where: \.loggedIn) {
                for membership in memberships { try await applyMembership(membership) }
            } else if let (agent, _) = ids.knownAgent(userID.rawValue) {
                try await submit(.logOutAll(agent: agent), tenant: tenant)
            }
        }
    }

    /// Pushes an agent's directory data (eligibility, capacity) to the router again.
    func refreshAgent(_ userID: UserID, tenant: Directory.TenantID) async throws {
        let found = try await store.read { db in try db.user(userID).map { ($0, try db.memberships(user: userID).count) } }
        if let (user, links) = found, user.role == .agent || user.role == .supervisor {
            let capacity = try await capacity(of: userID)
            try await submit(.configureAgent(ids.agent(userID.rawValue, tenant: tenant.rawValue), profile(user, linkedQueues: links, capacity: capacity)), tenant: tenant)
        } else if let (agent, _) = ids.knownAgent(userID.rawValue) {
            try await submit(.setEligible(agent: agent, eligible: false), tenant: tenant)
            try await submit(.logOutAll(agent: agent), tenant: tenant)
        }
    }

    private func applyMembership(_ m: Directory.Membership) async throws {
        let agent = ids.agent(m.userID.rawValue, tenant: m.tenantID.rawValue)
        let queue = ids.queue(m.queueID.rawValue, tenant: m.tenantID.rawValue)
        try await submit(.setMembership(Routing.Membership(agent: agent, queue: queue, level: UInt8(clamping: m.level), position: Int32(clamping: m.position))), tenant: m.tenantID)
        ids.noteLink(queue: m.queueID.rawValue, agent: m.userID.rawValue, linked: true)
        try await submit(m.loggedIn ? .logIn(agent: agent, queue: queue) : .logOut(agent: agent, queue: queue), tenant: m.tenantID)
    }

    /// Hands an event to its tenant's shard; a full ring is retried briefly (suspending, never blocking
    /// a thread of the cooperative pool), then reported as busy.
    func submit(_ event: RoutingEvent, tenant: Directory.TenantID) async throws {
        // A stopped router would keep the event in its ring and never act on it: refuse instead.
        guard isRunning else { throw Failure.notRunning }
        let number = ids.tenant(tenant.rawValue)
        var pending = event
        for attempt in 0..<200 {
            guard let back = dispatcher.submit(pending, tenant: number) else { return }
            pending = back
            try await Task.sleep(for: .microseconds(min(50 * (attempt + 1), 2_000)))
        }
        Counter(label: "switchboard_router_busy_total").increment()
        throw Failure.busy
    }

    // MARK: Directory → router values

    func settings(_ queue: Directory.Queue, overflow: Bool) -> Routing.QueueSettings {
        let s = queue.settings
        return Routing.QueueSettings(
            tenant: ids.tenant(queue.tenantID.rawValue), channel: Self.channel(queue.channel), strategy: Self.strategy(s.strategy),
            wrapUp: .seconds(Int64(s.wrapUpSeconds)), offerTimeout: .seconds(Int64(s.offerTimeoutSeconds)),
            rejectDelay: .seconds(Int64(s.rejectDelaySeconds)), maxNoAnswer: UInt16(clamping: s.maxNoAnswer),
            maxWait: .seconds(Int64(s.maxWaitSeconds)),
            overflowQueue: overflow ? s.overflowQueueID.map { ids.queue($0.rawValue, tenant: queue.tenantID.rawValue) } : nil,
            maxSize: UInt32(clamping: s.maxWaiting), priority: Int32(clamping: s.priority))
    }

    private func capacity(of user: UserID) async throws -> AgentCapacity? {
        guard let capacities else { return nil }
        return try await capacities.read { try $0.capacity(user: user) }
    }

    func profile(_ user: User, linkedQueues: Int, capacity: AgentCapacity? = nil) -> AgentProfile {
        var rules = CapacityRules()
        if let capacity {
            rules.maximum = [UInt8(clamping: capacity.voice), UInt8(clamping: capacity.webchat), UInt8(clamping: capacity.whatsapp)]
        }
        return AgentProfile(tenant: ids.tenant(user.tenantID?.rawValue ?? UUID()),
                            eligible: Readiness.unmet(user: user, linkedQueueCount: linkedQueues).isEmpty, capacity: rules)
    }

    static func channel(_ channel: Directory.Channel) -> Routing.Channel {
        switch channel {
        case .voice: .voice
        case .webchat: .webchat
        case .whatsapp: .whatsapp
        }
    }

    static func strategy(_ strategy: Directory.RoutingStrategy) -> Routing.RoutingStrategy {
        switch strategy {
        case .longestIdle: .longestIdle
        case .roundRobin: .roundRobin
        case .fewestContacts: .fewestContacts
        case .leastTalkTime: .leastTalkTime
        case .topDown: .topDown
        case .ringAll: .ringAll
        case .random: .random
        }
    }
}
