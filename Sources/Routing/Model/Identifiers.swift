/// Compact identifiers the router works with. The server keeps the mapping to its own UUIDs
/// (issue 3 §"API shape"): agents and queues are dense small integers so the router can keep
/// its state in arrays indexed by them; contacts are 64-bit because they never repeat.

/// A tenant (one contact center). Tenants are walls: all of a tenant's queues and agents live on one shard.
public typealias TenantID = UInt32
/// A queue, dense per router (index into the router's queue table).
public typealias QueueID = UInt32
/// An agent, dense per router (index into the router's agent table).
public typealias AgentID = UInt32
/// A contact (call, chat, WhatsApp conversation); never reused.
public typealias ContactID = UInt64
/// A skill, as numbered by the tenant's configuration.
public typealias SkillID = UInt16

/// The channel of a contact and of a queue (issue 3 §1).
public enum Channel: UInt8, Sendable, Hashable, CaseIterable {
    case voice = 0
    case webchat = 1
    case whatsapp = 2
}

/// A point in time handed to the router by its caller; the router never reads a clock (STYLE.md "Injectable time").
public struct RoutingInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since an arbitrary origin chosen by the caller.
    public var nanoseconds: Int64
    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    /// The origin of the router's time line.
    public static let zero = RoutingInstant(nanoseconds: 0)
    @inlinable public static func < (a: RoutingInstant, b: RoutingInstant) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: RoutingInstant, d: RoutingDuration) -> RoutingInstant {
        RoutingInstant(nanoseconds: a.nanoseconds &+ d.nanoseconds)
    }
    @inlinable public static func - (a: RoutingInstant, b: RoutingInstant) -> RoutingDuration {
        RoutingDuration(nanoseconds: a.nanoseconds &- b.nanoseconds)
    }
    public var description: String { "t=\(nanoseconds)ns" }
}

/// A length of time (wrap-up, offer timeout, delays, waits), in nanoseconds.
public struct RoutingDuration: Comparable, Hashable, Sendable {
    /// Length in nanoseconds.
    public var nanoseconds: Int64
    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    /// No time at all: the feature it configures is off.
    public static let zero = RoutingDuration(nanoseconds: 0)
    /// Whole seconds.
    @inlinable public static func seconds(_ s: Int64) -> RoutingDuration { RoutingDuration(nanoseconds: s &* 1_000_000_000) }
    /// Whole milliseconds.
    @inlinable public static func milliseconds(_ ms: Int64) -> RoutingDuration { RoutingDuration(nanoseconds: ms &* 1_000_000) }
    @inlinable public static func < (a: RoutingDuration, b: RoutingDuration) -> Bool { a.nanoseconds < b.nanoseconds }
}

/// Why an agent is paused (issue 3 §1: `paused(reason)`). Codes below 16 are reserved for the router.
public struct PauseReason: Hashable, Sendable {
    /// Numeric reason code; the server maps it to the tenant's pause-reason list.
    public var code: UInt16
    @inlinable public init(code: UInt16) { self.code = code }
    /// Set by the agent or a supervisor without a specific reason.
    public static let unspecified = PauseReason(code: 0)
    /// Set by the router after `maxNoAnswer` consecutive unanswered offers (product rule "max no-answer").
    public static let noAnswer = PauseReason(code: 1)
}
