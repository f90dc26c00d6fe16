import BenchmarkSupport
import Routing
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Measures submit-to-offer latency with the shard on its own thread (polling, pinned to CPU 1) and this
/// thread (pinned to CPU 0) submitting arrivals at a fixed rate. The sink answers each offer with accept,
/// complete and end of wrap-up through the same ring, so agents keep cycling.
///
/// The measurement itself shares as little as possible between the two cores: each submit time has a
/// cache line of its own (the producer writing arrival i+1 does not steal the line the shard reads for
/// arrival i), and the count of offers is published every 8 offers and read by the producer only when
/// its own estimate says the in-flight limit is near.
///
/// `@unchecked Sendable`: `submitTimes` entry i is written by the producer before it submits contact i and
/// read by the shard thread after it polled that arrival (the ring's release/acquire orders them);
/// `latencies`, `pending` and `offeredLocal` are touched only by the shard thread until `stop()` joined
/// it; `offered` is atomic.
final class LatencySink: RoutingSink, @unchecked Sendable {
    let submitTimes: UnsafeMutablePointer<Int64>
    let latencies: UnsafeMutablePointer<Int64>
    let count: Int
    let offered = Atomic<Int>(0)
    var offeredLocal = 0
    unowned(unsafe) var shard: Shard<LatencySink>? = nil
    var pending: [RoutingEvent] = []
    /// Int64s per submit time: one 64-byte line each.
    static let stride = 8

    init(count: Int) {
        self.count = count
        submitTimes = .allocate(capacity: count * Self.stride)
        submitTimes.initialize(repeating: 0, count: count * Self.stride)
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
            latencies[i] = monotonicNanos() - submitTimes[i &* Self.stride]
            offeredLocal += 1
            if offeredLocal & 7 == 0 || offeredLocal == count { offered.store(offeredLocal, ordering: .releasing) }
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
    let pinned = twoCPUs()
    _ = shard.start(clock: MonotonicRoutingClock(), idle: .yield, cpu: pinned ? 1 : nil)
    if pinned { pinCurrentThread(toCPU: 0) }
    defer { unpinCurrentThread() }
    let period = rate.isFinite ? 1e9 / rate : 0   // infinite rate: as fast as the in-flight limit lets it
    var throttled = 0, ringFull = 0
    var seenOffered = 0
    let start = monotonicNanos()
    for i in 0..<count {
        let target = start + Int64(Double(i) * period)
        while monotonicNanos() < target { sched_yield() }
        if i - seenOffered >= maxInFlight {
            seenOffered = sink.offered.load(ordering: .acquiring)
            if i - seenOffered >= maxInFlight {
                throttled += 1
                while i - seenOffered >= maxInFlight { sched_yield(); seenOffered = sink.offered.load(ordering: .acquiring) }
            }
        }
        var event = RoutingEvent.arrive(ContactRequest(id: ContactID(i), tenant: Scenario.tenant, queue: Scenario.queue(ofContact: i)))
        sink.submitTimes[i &* LatencySink.stride] = monotonicNanos()
        while let back = shard.submit(event) {
            ringFull += 1
            event = back
            sink.submitTimes[i &* LatencySink.stride] = monotonicNanos()
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
