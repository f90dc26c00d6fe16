import BenchmarkSupport
import Routing
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The machine's floor for the latency run: the same ring type, the same two pinned threads, the same
/// arrival schedule, but the consumer does no routing — it takes each submit time off the ring, records
/// how long the hand-off took, then (for the loaded floor) busy-waits `workNanos`, the pipeline's mean
/// time per arrival, so that it is as busy as the shard. Whatever the unloaded floor shows (scheduler
/// ticks, host preemption of a virtual CPU) is in every submit-to-offer figure too, whatever the router
/// does; the loaded floor adds what queueing at the same load makes of those stalls.
///
/// `@unchecked Sendable`: `latencies` and `taken` are touched only by the consumer thread until `stop`
/// is seen and the thread is joined; `published` and `stop` are atomic; the ring is thread-safe.
final class FloorConsumer: @unchecked Sendable {
    let ring = EventRing<Int64>(capacity: 1 << 16)
    let latencies: UnsafeMutablePointer<Int64>
    let count: Int
    let workNanos: Int64
    let published = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
    var taken = 0

    init(count: Int, workNanos: Int64) {
        self.count = count
        self.workNanos = workNanos
        latencies = .allocate(capacity: count)
        latencies.initialize(repeating: -1, count: count)
    }

    deinit { latencies.deallocate() }

    func run() {
        while !stop.load(ordering: .relaxed) {
            guard let submitted = ring.poll() else { sched_yield(); continue }
            let now = monotonicNanos()
            if taken < count { latencies[taken] = now - submitted }
            if workNanos > 0 { while monotonicNanos() - now < workNanos {} }
            taken += 1
            if taken & 7 == 0 || taken == count { published.store(taken, ordering: .releasing) }
        }
    }
}

/// Runs `count` hand-offs at `rate` per second, producer on CPU 0 and consumer on CPU 1 (as the latency run),
/// the consumer spending `workNanos` per arrival. Returns the latencies in ns, unsorted.
func runFloor(count: Int, rate: Double, workNanos: Int64 = 0) -> [Int64] {
    let consumer = FloorConsumer(count: count, workNanos: workNanos)
    let pinned = twoCPUs()
    let box = Unmanaged.passRetained(ThreadBody {
        if pinned { pinCurrentThread(toCPU: 1) }
        consumer.run()
    })
    var tid = pthread_t()
    guard pthread_create(&tid, nil, { raw in
        guard let raw else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }, box.toOpaque()) == 0 else {
        box.release()
        return []
    }
    if pinned { pinCurrentThread(toCPU: 0) }
    defer { unpinCurrentThread() }
    let period = 1e9 / rate
    let start = monotonicNanos()
    for i in 0..<count {
        let target = start + Int64(Double(i) * period)
        while monotonicNanos() < target { sched_yield() }
        while consumer.ring.submit(monotonicNanos()) != nil { sched_yield() }
    }
    let deadline = monotonicNanos() + 10_000_000_000
    while consumer.published.load(ordering: .acquiring) < count, monotonicNanos() < deadline { sched_yield() }
    consumer.stop.store(true, ordering: .relaxed)
    pthread_join(tid, nil)
    return (0..<min(count, consumer.taken)).map { consumer.latencies[$0] }
}

/// Whether this process may use CPUs 0 and 1 (the two latency threads are pinned there when it can).
func twoCPUs() -> Bool { allowedCPUCount() >= 2 }

/// Carries a thread body across `pthread_create`.
final class ThreadBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
