#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives a shard's outputs on the shard's thread (issue 3 §3 "hands outputs ... to a sink the server
/// implements"). Implementations must return quickly: hand the work to an event loop, never block.
public protocol RoutingSink: AnyObject {
    /// One router output, in order, with the instant it was produced at.
    func deliver(_ output: RoutingOutput, now: RoutingInstant)
}

/// The time source of a running shard: the router itself never reads a clock (STYLE.md "Injectable time").
public protocol RoutingClock: Sendable {
    /// The current instant.
    func now() -> RoutingInstant
}

/// `CLOCK_MONOTONIC` as a `RoutingClock`.
public struct MonotonicRoutingClock: RoutingClock {
    public init() {}
    /// Nanoseconds of the monotonic clock.
    public func now() -> RoutingInstant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return RoutingInstant(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }
}

/// A read-only question to a shard, answered on the shard's thread so the one-writer rule holds
/// (for `GET /api/v1/queues/{id}/stats`, `GET /api/v1/agents/{id}/state`, explain).
public enum RoutingQuery: Sendable, Hashable {
    case queueStats(QueueID)
    case agentState(AgentID)
    case explain(ContactID)
    /// Place of a waiting contact in its line (the chat channels show it to the customer).
    case position(ContactID)
}

/// The answer to a `RoutingQuery`.
public enum RoutingAnswer: Sendable, Hashable {
    case queueStats(QueueStats?)
    case agentState(AgentState?)
    case explain([Decision])
    case position(ContactPosition?)
}

/// What travels through a shard's ring.
public enum ShardInput: Sendable {
    /// An event, processed at the shard's clock reading when drained.
    case event(RoutingEvent)
    /// A query; `reply` runs on the shard thread.
    case query(RoutingQuery, reply: @Sendable (RoutingAnswer) -> Void)
}

/// What a shard thread does when its ring is empty.
public enum IdleStrategy: Sendable, Hashable {
    /// Busy-poll (lowest latency, one core fully used).
    case spin
    /// Poll, giving the core away (`sched_yield`) after every empty poll: low latency while letting other
    /// runnable threads on the same core (a producer, on a machine with few cores) run.
    case yield
    /// Spin a while, then sleep this many microseconds between polls.
    case backoff(sleepMicroseconds: UInt32)
    /// Spin a while, yield a while, then sleep until an event or query is submitted or the next timer is due
    /// (`ShardParking`): an idle shard uses no CPU and wakes within a condition-variable signal of a submit.
    /// Producers then pay one memory fence per submit.
    case park
}
