import Directory
import Dispatch
import Foundation
import Synchronization

/// Runs password hashing (scrypt: ~0.1 s and 32 MiB each) on threads of its own, at most `workers` at a
/// time, so a burst of logins cannot occupy the threads that serve WebSockets, webhooks and the API
/// (issue 10 §1.11). Callers beyond the running ones wait in a bounded line; when it is full the call
/// fails at once with `DirectoryError.busy` (HTTP 503 with Retry-After) instead of piling up memory.
public final class PasswordWorkPool: Sendable {
    /// One worker per core but one (the rest of the server keeps a core), at least one; 64 may wait per worker.
    public static let shared = PasswordWorkPool(
        workers: max(1, ProcessInfo.processInfo.activeProcessorCount - 1),
        maxWaiting: 64 * max(1, ProcessInfo.processInfo.activeProcessorCount - 1))

    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    public let workers: Int
    public let maxWaiting: Int
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "switchboard.password-hashing", qos: .utility, attributes: .concurrent)

    public init(workers: Int, maxWaiting: Int) {
        self.workers = max(1, workers)
        self.maxWaiting = max(0, maxWaiting)
    }

    /// Runs `work` on a pool thread once a worker is free.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private func acquire() async throws {
        enum Admission { case now, wait, refuse }
        let admission = state.withLock { s -> Admission in
            if s.running < workers { s.running += 1; return .now }
            return s.waiting.count < maxWaiting ? .wait : .refuse
        }
        switch admission {
        case .now: return
        case .refuse: throw DirectoryError.busy
        case .wait:
            // Registered under the lock; `release` hands its slot over directly (running stays the same).
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let admitted = state.withLock { s -> Bool in
                    if s.running < workers { s.running += 1; return true }
                    s.waiting.append(continuation)
                    return false
                }
                if admitted { continuation.resume() }
            }
        }
    }

    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiting.isEmpty { s.running -= 1; return nil }
            return s.waiting.removeFirst()
        }
        next?.resume()
    }
}
