import Logging
import ServiceLifecycle

/// Runs the router for the server's lifetime: starts the shards, loads the directory, applies
/// directory events until shutdown, then stops the shard threads.
struct RoutingService: Service {
    let bridge: RoutingBridge

    func run() async throws {
        try await bridge.start()
        defer { bridge.stop() }
        await cancelWhenGracefulShutdown {
            await bridge.consumeEvents()
        }
    }
}
