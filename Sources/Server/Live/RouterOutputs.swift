import Logging
import Metrics
import Routing
import Synchronization

/// One router output and the shard that produced it. Agent and queue numbers are dense per shard, so
/// an output means nothing without its shard: agent 7 of shard 0 and agent 7 of shard 1 are agents of
/// different tenants.
struct ShardOutput: Sendable {
    let shard: Int
    let output: RoutingOutput
}

/// Receives the router's outputs on a shard thread: counts every output kind, logs what an operator
/// must see (auto-pauses, refusals) and forwards each output with its shard, without blocking, to the
/// contact center.
final class RouterOutputs: RoutingSink, Sendable {
    private let logger: Logger
    private let offers = Counter(label: "switchboard_router_offers_total")
    private let withdrawals = Counter(label: "switchboard_router_withdrawals_total")
    private let overflows = Counter(label: "switchboard_router_overflows_total")
    private let ended = Counter(label: "switchboard_router_contacts_ended_total")
    private let autoPauses = Counter(label: "switchboard_router_auto_pauses_total")
    private let refusals = Counter(label: "switchboard_router_refused_total")

    private let shard: Int
    private let forward: AsyncStream<ShardOutput>.Continuation

    init(shard: Int, logger: Logger, forward: AsyncStream<ShardOutput>.Continuation) {
        self.shard = shard
        self.logger = logger
        self.forward = forward
    }

    func deliver(_ output: RoutingOutput, now: RoutingInstant) {
        forward.yield(ShardOutput(shard: shard, output: output))
        switch output {
        case .offer: offers.increment()
        case .withdrawOffer: withdrawals.increment()
        case .overflow: overflows.increment()
        case .contactEnded: ended.increment()
        case .statsChanged: break
        case .autoPaused(let agent, let reason):
            autoPauses.increment()
            logger.notice("agent auto-paused by the router", metadata: ["shard": "\(shard)", "agent": "\(agent)", "reason": "\(reason.code)"])
        case .refused(let error):
            refusals.increment()
            logger.warning("router refused an event", metadata: ["error": "\(error)"])
        }
    }
}

/// A flag that says whether it changed.
final class RunningFlag: Sendable {
    private let value = Mutex(false)
    /// Sets the flag; true when it was different before.
    func set(_ new: Bool) -> Bool { value.withLock { old in defer { old = new }; return old != new } }
    var isSet: Bool { value.withLock { $0 } }
}
