/// A record of timed inputs that replays into a fresh router with identical outputs
/// (issue 3 §2 "Deterministic ... A test records a journal and replays it").
public struct RoutingJournal: Sendable {
    /// One recorded input.
    public struct Entry: Sendable, Hashable {
        public var now: RoutingInstant
        public var event: RoutingEvent
    }
    /// Inputs in the order they were handled.
    public private(set) var entries: [Entry] = []

    public init() {}

    /// Records one input.
    public mutating func record(_ event: RoutingEvent, now: RoutingInstant) {
        entries.append(Entry(now: now, event: event))
    }

    /// Feeds every entry into `router` and returns all outputs, in order.
    public func replay(into router: Router) -> [RoutingOutput] {
        var outputs: [RoutingOutput] = []
        for e in entries {
            router.handle(e.event, now: e.now)
            while let o = router.pollOutput() { outputs.append(o) }
        }
        return outputs
    }
}
