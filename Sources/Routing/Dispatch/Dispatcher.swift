/// Shards, one per core by default; all of a tenant's queues and agents live on one shard (issue 3 §3).
/// A tenant's shard is `tenant % shardCount`, fixed for the dispatcher's life.
public final class Dispatcher<Sink: RoutingSink>: Sendable {
    /// The shards, indexed by `shardIndex(for:)`.
    public let shards: [Shard<Sink>]

    /// `shardCount` shards (≥ 1), each with a fresh router and the sink `makeSink(index)` returns.
    public init(shardCount: Int, ringCapacity: Int = 1 << 16, makeRouter: (Int) -> Router = { _ in Router() },
                makeSink: (Int) -> Sink) {
        shards = (0..<max(1, shardCount)).map { Shard(router: makeRouter($0), sink: makeSink($0), ringCapacity: ringCapacity) }
    }

    /// The shard that owns a tenant.
    public func shardIndex(for tenant: TenantID) -> Int { Int(tenant % UInt32(shards.count)) }

    /// Submits an event of a tenant to its shard; returns it back when that shard's ring is full.
    public func submit(_ event: RoutingEvent, tenant: TenantID) -> RoutingEvent? {
        shards[shardIndex(for: tenant)].submit(event)
    }

    /// Asks a tenant's shard a question; false when its ring is full.
    public func query(_ q: RoutingQuery, tenant: TenantID, reply: @escaping @Sendable (RoutingAnswer) -> Void) -> Bool {
        shards[shardIndex(for: tenant)].query(q, reply: reply)
    }

    /// Starts every shard's thread.
    public func start(clock: some RoutingClock, idle: IdleStrategy = .backoff(sleepMicroseconds: 20)) {
        for s in shards { _ = s.start(clock: clock, idle: idle) }
    }

    /// Stops every shard's thread.
    public func stop() {
        for s in shards { s.stop() }
    }
}
