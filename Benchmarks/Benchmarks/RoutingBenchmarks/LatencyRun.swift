import Routing
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Measures submit-to-offer latency with the shard on its own thread (busy-polling) and this thread
/// submitting arrivals at a fixed rate. The sink answers each offer with accept, complete and end of
/// wrap-up through the same ring, so agents keep cycling.
///
/// `@unchecked Sendable`: `submitTimes` slot i is written by the producer before it submits contact i and
/// read by the shard thread after it polled that arrival (the ring's release/acquire orders them);
/// `latencies` and `pending` are touched only by the shard thread until `stop()` joined it; `offered`
/// is atomic.
final class LatencySink: RoutingSink, @unchecked Sendable {
    let submitTimes: UnsafeMutablePointer<Int64>
    let latencies: UnsafeMutablePointer<Int64>
    let count: Int
    let offered = Atomic<Int>(0)
    unowned(unsafe) var shard: Shard<LatencySink>? = nil
    var pending: [RoutingEvent] = []

    init(count: Int) {
        self.count = count
        submitTimes = .allocate(capacity: count)
        submitTimes.initialize(repeating: 0, count: count)
        latencies = .allocate(capacity: count)
        latencies.initialize(repeating: -1, count: count)
        pending.reserveCapacity(1024)
    }

    deinit {
        submitTimes.deallocate()
        latencies.deallocate()
    }

    func deliver(_ output: RoutingOutput, now: RoutingInstant) {
        guard case .offer(let o) = output, let shard else { return }
        let i = Int(o.contact)
        if i < count, latencies[i] < 0 {
            latencies[i] = monotonicNanos() - submitTimes[i]
            offered.add(1, ordering: .releasing)
        }
        if !pending.isEmpty {
            let retry = pending
            pending.removeAll(keepingCapacity: true)
            for e in retry { if let back = shard.submit(e) { pending.append(back) } }
        }
        if let back = shard.submit(.accept(contact: o.contact, agent: o.agent)) { pending.append(back) }
        if let back = shard.submit(.complete(contact: o.contact)) { pending.append(back) }
        if let back = shard.submit(.endWrapUp(contact: o.contact)) { pending.append(back) }
    }
}

/// What one latency run measured. Every arrival is accounted for: `measured == submitted` or the
/// benchmark reports the shortfall.
struct LatencyResult {
    /// Submit-to-offer latencies in ns, one per offered arrival.
    var latencies: [Int64]
    /// Arrivals submitted.
    var submitted: Int
    /// Arrivals whose submission waited because `maxInFlight` arrivals were not offered yet
    /// (the producer fell behind its schedule there; those waits are not in the latencies).
    var throttled: Int
    /// Arrivals the full ring handed back (retried until accepted; the latency counts from the accepted submit).
    var ringFull: Int
    /// Achieved arrival rate per second.
    var achievedRate: Double
}

/// Runs `count` arrivals at `rate` per second, with at most `maxInFlight` arrivals submitted but not yet
/// offered (so a descheduled shard thread shows up as throttling, not as an unbounded backlog measured
/// as latency). Waits up to 10 s for the last offers.
func runLatency(count: Int, rate: Double, maxInFlight: Int = 256) -> LatencyResult {
    let sink = LatencySink(count: count)
    let shard = Shard(router: Scenario.makeRouter(), sink: sink, ringCapacity: 1 << 16, batchSize: 256)
    sink.shard = shard
    // Both threads give their core away while they wait (shard: empty ring; producer: pacing, throttling):
    // on this 2-core machine shared with builds they often land on the same core, where two busy spinners
    // would measure the scheduler's time slices instead of the router.
    _ = shard.start(clock: MonotonicRoutingClock(), idle: .yield)
    let period = 1e9 / rate
    var throttled = 0, ringFull = 0
    let start = monotonicNanos()
    for i in 0..<count {
        let target = start + Int64(Double(i) * period)
        while monotonicNanos() < target { sched_yield() }
        if i - sink.offered.load(ordering: .acquiring) >= maxInFlight {
            throttled += 1
            while i - sink.offered.load(ordering: .acquiring) >= maxInFlight { sched_yield() }
        }
        var event = RoutingEvent.arrive(ContactRequest(id: ContactID(i), tenant: Scenario.tenant, queue: Scenario.queue(ofContact: i)))
        sink.submitTimes[i] = monotonicNanos()
        while let back = shard.submit(event) {
            ringFull += 1
            event = back
            sink.submitTimes[i] = monotonicNanos()
        }
    }
    let achieved = Double(count) / (Double(monotonicNanos() - start) / 1e9)
    let deadline = monotonicNanos() + 10_000_000_000
    while sink.offered.load(ordering: .acquiring) < count, monotonicNanos() < deadline { sched_yield() }
    shard.stop()
    var result: [Int64] = []
    result.reserveCapacity(count)
    for i in 0..<count where sink.latencies[i] >= 0 { result.append(sink.latencies[i]) }
    return LatencyResult(latencies: result, submitted: count, throttled: throttled, ringFull: ringFull, achievedRate: achieved)
}
