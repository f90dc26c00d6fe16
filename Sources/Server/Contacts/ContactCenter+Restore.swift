import Directory
import Foundation
import Logging
import Routing
import ServiceLifecycle
import Storage

/// After a restart (issue 6 §4): waiting contacts re-enter their queues in their original order,
/// conversations in progress go back to their agents (counted against their capacity), contacts
/// that were in wrap-up are closed (wrap-up is not worth keeping an agent blocked after a restart).
extension ContactCenter {
    func restore() async throws {
        let conversations = try await store.read { try $0.openConversations() }
        var counts = (waiting: 0, assigned: 0, scheduled: 0, closed: 0)
        for c in conversations {
            var c = c
            open[c.seq] = c
            switch c.status {
            case .waiting:
                await enterQueueOrRetry(c)
                counts.waiting += 1
            case .scheduled:
                counts.scheduled += 1
            case .assigned:
                guard let user = c.agentID, let (agent, _) = routing.ids.knownAgent(user.rawValue),
                      let (queue, _) = routing.ids.knownQueue(c.queueID.rawValue) else {
                    c.status = .waiting; c.agentID = nil; c.assignedAt = nil
                    await save(c)
                    await enterQueueOrRetry(c)
                    continue
                }
                let at = now()
                let request = ContactRequest(id: Routing.ContactID(c.seq), tenant: routing.ids.tenant(c.tenantID.rawValue), queue: queue,
                                             arrival: routing.instant(of: c.arrivedAt, now: at))
                do {
                    try await submit(.restore(request, agent: agent, connectedAt: routing.instant(of: c.assignedAt ?? at, now: at)), tenant: c.tenantID)
                    counts.assigned += 1
                } catch {
                    logger.error("conversation not restored to its agent", metadata: ["conversation": "\(c.id)", "error": "\(error.code)"])
                }
            case .wrapUp:
                await end(&c, outcome: c.outcome ?? "answered")
                counts.closed += 1
            case .closed:
                open[c.seq] = nil
            }
        }
        restored = true
        logger.info("conversations restored", metadata: [
            "waiting": "\(counts.waiting)", "assigned": "\(counts.assigned)", "scheduled": "\(counts.scheduled)",
            "wrapUpClosed": "\(counts.closed)",
        ])
    }
}

/// Runs the contact center for the server's lifetime: waits for the router to load the directory,
/// restores open conversations, then consumes router outputs and routes scheduled contacts when
/// their queue opens.
struct ContactCenterService: Service {
    let center: ContactCenter
    let routing: RoutingBridge
    let logger: Logger

    func run() async throws {
        while !routing.isLoaded {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await center.restore()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await center.consume(routing.outputs) }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(5))
                        await center.routeDue()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
