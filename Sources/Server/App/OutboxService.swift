import Synchronization
import Directory
import Logging
import Mail
import ServiceLifecycle

/// Runs the mail outbox: drains on every commit that queued a message, and every `interval` to
/// retry failures whose backoff ended and pick up rows left by a previous run (a cheap indexed query).
public struct OutboxService: Service {
    public let worker: OutboxWorker
    let logger: Logger
    let interval: Duration

    public func run() async throws {
        let (worker, logger, interval) = (self.worker, self.logger, self.interval)
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let sent = await worker.drain()
                if sent > 0 { logger.debug("outbox delivered \(sent) message(s)") }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

/// Wakes the outbox after commits and hands directory events to the router, in commit order.
final class DirectoryEvents: DirectoryObserver {
    let worker: OutboxWorker
    let routing: RoutingBridge
    let logger: Logger
    /// The contact center, bound once it exists (it needs the directory this observer serves).
    let center = LateBound<ContactCenter>()

    init(worker: OutboxWorker, routing: RoutingBridge, logger: Logger) {
        self.worker = worker
        self.routing = routing
        self.logger = logger
    }

    func outboxChanged() {
        let worker = self.worker
        Task { await worker.drain() }
    }

    func published(_ events: [DirectoryEvent]) {
        routing.publish(events)
        guard let center = center.value else { return }
        for event in events {
            switch event {
            case .agentLoggedOutOfAllQueues(_, let user, let queues, _):
                logger.info("agent logged out of all queues", metadata: ["user": "\(user)", "queues": "\(queues.count)"])
                Task { await center.agentLoggedOutOfAllQueues(user) }
            case .sessionsEnded(_, let user, let reason, _):
                Task { await center.sessionsEnded(user, reason: reason) }
            case .agentChanged(_, let user, _):
                Task { await center.recheckReadiness(user) }
            case .queueChanged(_, let queue, _):
                Task { await center.queueChanged(queue) }
            case .membershipChanged:
                break
            }
        }
    }
}

/// A reference set once after construction (breaks an initialisation cycle).
final class LateBound<T: Sendable>: Sendable {
    private let box = Mutex<T?>(nil)
    var value: T? { box.withLock { $0 } }
    func bind(_ value: T) { box.withLock { $0 = value } }
}
