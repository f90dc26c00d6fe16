import Directory
import Foundation
import Identity
import Synchronization
import Testing

/// Issue 10 §1.11: password hashing runs on a bounded pool; beyond its waiting line a login is refused
/// with `busy` at once instead of queueing without bound.
@Suite("Password work pool")
struct PasswordWorkPoolTests {
    @Test("At most `workers` run at once, `maxWaiting` wait, the next is refused busy; all waiting work completes")
    func bounded() async throws {
        let pool = PasswordWorkPool(workers: 1, maxWaiting: 2)
        let probe = Probe()
        let job: @Sendable () throws -> Int = { probe.job() }
        let first = Task { try await pool.run(job) }
        try await Task.sleep(for: .milliseconds(100))
        let waiting = (0..<2).map { _ in Task { try await pool.run(job) } }
        try await Task.sleep(for: .milliseconds(100))
        await #expect(throws: DirectoryError.busy) { try await pool.run(job) }
        for _ in 0..<3 { probe.gate.signal() }
        var total = try await first.value
        for task in waiting { total += try await task.value }
        #expect(total == 3)
        #expect(probe.peak == 1)
        // Free again: the next call runs.
        probe.gate.signal()
        #expect(try await pool.run(job) == 1)
    }

    @Test("scrypt through the pool: a hash verifies, a wrong password does not")
    func scrypt() async throws {
        let hasher = ScryptPasswordHasher(logN: 4, pool: PasswordWorkPool(workers: 1, maxWaiting: 4))
        let hash = try await hasher.hash("S3nha!forte")
        #expect(try await hasher.verify("S3nha!forte", against: hash))
        #expect(try await hasher.verify("wrong", against: hash) == false)
    }
}

/// Work that holds its worker until the test signals, and records how many ran at once.
final class Probe: Sendable {
    let gate = DispatchSemaphore(value: 0)
    private let counts = Mutex((running: 0, peak: 0))
    var peak: Int { counts.withLock { $0.peak } }

    func job() -> Int {
        counts.withLock { $0.running += 1; $0.peak = max($0.peak, $0.running) }
        gate.wait()
        counts.withLock { $0.running -= 1 }
        return 1
    }
}
