/// The routing state machine of one shard (issue 3 §1–2): pure, deterministic, sans-IO.
///
/// Feed it `handle(event, now:)`, then drain `pollOutput()` until nil and read `nextDeadline`.
/// Timers (offer timeout, wrap-up end, tier widening, max wait, delays) fire inside `handle` when `now`
/// passes their deadline, each at its own deadline, in deadline order. The same configuration and the same
/// timed event sequence always give the same outputs. Not thread-safe: one shard thread owns it.
///
/// The state lives in a `RouterCore` value; each call here is one access to it (see `RouterCore`).
public final class Router {
    /// `@exclusivity(unchecked)`: a router is driven by one thread and never re-entered (the sink and the
    /// offer observer must not call back into it), so the dynamic exclusivity check Swift would make on
    /// every access to a class's stored property can never fire; it cost ~6% of a contact cycle.
    @exclusivity(unchecked) var core: RouterCore

    /// A router with an empty configuration.
    /// - Parameters:
    ///   - randomSeed: seed of the `random` strategy's generator (determinism).
    ///   - historyCapacity: number of decisions `explain` can look back on (ring buffer, preallocated).
    ///   - emitsStatsChanges: whether `statsChanged` outputs are produced.
    public init(randomSeed: UInt64 = 0x9E37_79B9_7F4A_7C15, historyCapacity: Int = 1 << 14, emitsStatsChanges: Bool = true) {
        core = RouterCore(randomSeed: randomSeed, historyCapacity: historyCapacity, emitsStatsChanges: emitsStatsChanges)
    }

    /// Emit `statsChanged` outputs (the server may not need them on every event).
    public var emitsStatsChanges: Bool {
        get { core.emitsStatsChanges }
        set { core.emitsStatsChanges = newValue }
    }

    /// Called at the instant of every offer with a read-only view of the state at that instant
    /// (tests check the ordering rule there). The view must not be kept.
    @_spi(Testing) public var offerObserver: ((ContactID, AgentID, QueueID, RouterView) -> Void)? {
        get { nil }
        set {
            guard let observer = newValue else { core.offerObserver = nil; return }
            core.offerObserver = { c, a, q, state in observer(c, a, q, RouterView(core: state)) }
        }
    }

    /// Reserves table space up front so that steady-state routing does not allocate.
    public func reserve(agents agentCount: Int, queues queueCount: Int, contacts contactCount: Int) {
        core.reserve(agents: agentCount, queues: queueCount, contacts: contactCount)
    }

    /// Processes one input at `now` (issue 3 §"API shape"); afterwards drain `pollOutput()`.
    /// `now` earlier than a previous call is treated as the previous instant (time never goes back).
    @inline(__always)
    public func handle(_ event: consuming RoutingEvent, now instant: RoutingInstant) {
        core.handle(event, now: instant)
    }

    /// Next output, or nil when drained (STYLE.md "drain outputs").
    @inline(__always)
    public func pollOutput() -> RoutingOutput? { core.pollOutput() }

    /// Hands every pending output to `body`, in order, then forgets them: the same as polling until nil,
    /// without copying each output out one call at a time. `body` must not call back into this router.
    public func drainOutputs(_ body: (RoutingOutput) -> Void) {
        let start = core.outputCursor, end = core.outputCount
        core.outputCursor = 0
        core.outputCount = 0
        guard start < end else { return }
        core.outputs.withUnsafeBufferPointer { b in
            for i in start..<end { body(b[i]) }
        }
    }

    /// Earliest pending timer deadline: call `handle(.tick, now:)` at or after it.
    public var nextDeadline: RoutingInstant? { core.nextDeadline }

    /// Statistics of a queue, or nil if unknown.
    public func stats(queue id: QueueID) -> QueueStats? { core.stats(queue: id) }

    /// State of an agent, or nil if unknown.
    public func state(agent id: AgentID) -> AgentState? { core.state(agent: id) }

    /// Decision history of one contact, oldest first, as far back as the history ring reaches.
    public func explain(contact id: ContactID) -> [Decision] { core.explain(contact: id) }

    /// Position of a waiting contact in its line, or nil when it is not waiting (offered, connected, wrap-up,
    /// unknown). For the chat channels' "you are n-th in line" (issue 6).
    public func position(contact id: ContactID) -> ContactPosition? { core.position(contact: id) }

    /// Whether `agent` could be offered `contact` now, ignoring capacity (see `RouterCore.isCompatible`).
    @_spi(Testing) public func isCompatible(agent a: AgentID, contact id: ContactID) -> Bool { core.isCompatible(agent: a, contact: id) }

    /// Every violated invariant, as text (empty when all hold).
    @_spi(Testing) public func invariantViolations() -> [String] { core.invariantViolations() }

    /// The waiting line of a queue, in order.
    @_spi(Testing) public func waitingContacts(queue: QueueID) -> [ContactID] { core.waitingContacts(queue: queue) }

    /// Whether a contact waits; nil when the router no longer holds it.
    @_spi(Testing) public func isWaiting(contact id: ContactID) -> Bool? { core.isWaiting(contact: id) }
}

/// A read-only view of a router's state during an `offerObserver` call (tests).
@_spi(Testing) public struct RouterView {
    let core: RouterCore
    /// The waiting line of a queue, in order.
    public func waitingContacts(queue: QueueID) -> [ContactID] { core.waitingContacts(queue: queue) }
    /// Whether `agent` could be offered `contact` at this instant, ignoring capacity.
    public func isCompatible(agent a: AgentID, contact id: ContactID) -> Bool { core.isCompatible(agent: a, contact: id) }
}
