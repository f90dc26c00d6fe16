import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Prunes what would otherwise grow forever (expired sessions, old directory events, abandoned
/// external-login states): at start, then every `interval`.
struct MaintenanceService: Service {
    let store: SQLiteDirectoryStore
    let logger: Logger
    let now: @Sendable () -> Date
    let interval: Duration

    func run() async throws {
        let (store, logger, now, interval) = (self.store, self.logger, self.now, self.interval)
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let pruned = try await store.prune(now: now())
                    if pruned != SQLiteDirectoryStore.Pruned() {
                        logger.info("pruned old rows", metadata: [
                            "sessions": "\(pruned.sessions)", "events": "\(pruned.events)", "loginStates": "\(pruned.loginStates)",
                        ])
                    }
                } catch {
                    logger.error("pruning failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
