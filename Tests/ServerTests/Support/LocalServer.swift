import Hummingbird
import Synchronization

/// Runs a Hummingbird router on 127.0.0.1 and an ephemeral port (the tests' fake identity provider and
/// Graph API); `stop` cancels it.
final class LocalServer: Sendable {
    private let task = Mutex<Task<Void, any Error>?>(nil)

    /// Starts `router` and returns the port it listens on.
    func start(_ router: Router<BasicRequestContext>) async -> Int {
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) })
        task.withLock { $0 = Task { try await app.run() } }
        for await port in ready.stream { return port }
        return 0
    }

    func stop() { task.withLock { $0?.cancel() } }
}
