import BenchmarkSupport
import Routing
import CMallocStats
#if canImport(Glibc)
import Glibc
#endif

/// Anonymous resident memory of this process in bytes (`Anonymous` of /proc/self/smaps_rollup, counted from
/// the page tables; `RssAnon` of /proc/self/status is a per-CPU approximation that missed megabytes here), after giving free
/// heap memory back to the kernel (`malloc_trim`) so that a later measurement cannot hide its allocations in
/// memory freed earlier. Glibc's `mallinfo2` is not visible from Swift's Glibc module and counts only the main
/// arena (the benchmark runs on another thread's arena); with 10,000 agents and 100,000 contacts the page
/// granularity of RSS is well below the figures measured.
func mallocInUse() -> Int {
    bench_malloc_trim()
    guard let f = fopen("/proc/self/smaps_rollup", "r") else { return 0 }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, 256, f) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("Anonymous:") {
            let digits = text.filter { $0.isNumber }
            return (Int(digits) ?? 0) * 1024
        }
    }
    return 0
}

/// Collects offers on the shard thread (here: the benchmark thread, which drives `runOnce`).
final class OfferCollector: RoutingSink {
    var offers: [(ContactID, AgentID)] = []
    init() { offers.reserveCapacity(4096) }
    func deliver(_ output: RoutingOutput, now: RoutingInstant) {
        if case .offer(let o) = output { offers.append((o.contact, o.agent)) }
    }
}

/// Our router behind its ring: contact cycles (arrive → offer → accept → complete → wrap-up ends),
/// every event submitted through the shard's lock-free ring and consumed by `runOnce`.
final class ShardCycles {
    let shard: Shard<OfferCollector>
    var nextContact: ContactID = 0
    var clock: Int64 = 1_000_000_000
    var cyclesDone = 0

    init() {
        shard = Shard(router: Scenario.makeRouter(), sink: OfferCollector(), ringCapacity: 1 << 12, batchSize: 1 << 12)
    }

    /// Runs `count` cycles in batches of 64 contacts in flight.
    func run(cycles count: Int) {
        var done = 0
        while done < count {
            let n = min(64, count - done)
            for _ in 0..<n {
                let id = nextContact
                nextContact &+= 1
                _ = shard.submit(.arrive(ContactRequest(id: id, tenant: Scenario.tenant, queue: Scenario.queue(ofContact: Int(id)))))
            }
            clock &+= 1_000
            shard.runOnce(now: RoutingInstant(nanoseconds: clock))
            while !shard.sink.offers.isEmpty {
                for (c, a) in shard.sink.offers {
                    _ = shard.submit(.accept(contact: c, agent: a))
                    _ = shard.submit(.complete(contact: c))
                    _ = shard.submit(.endWrapUp(contact: c))
                }
                cyclesDone += shard.sink.offers.count
                shard.sink.offers.removeAll(keepingCapacity: true)
                clock &+= 1_000
                shard.runOnce(now: RoutingInstant(nanoseconds: clock))
            }
            done += n
        }
    }
}

/// The mutex + scan reference doing the same cycles with direct calls under its lock.
final class BaselineCycles {
    let router = BaselineRouter()
    var nextContact: ContactID = 0
    var clock: Int64 = 1_000_000_000
    var cyclesDone = 0

    func run(cycles count: Int) {
        var offers: [(ContactID, AgentID)] = []
        offers.reserveCapacity(128)
        var done = 0
        while done < count {
            let n = min(64, count - done)
            clock &+= 1_000
            for _ in 0..<n {
                let id = nextContact
                nextContact &+= 1
                if let a = router.arrive(id, queue: Scenario.queue(ofContact: Int(id)), now: clock) { offers.append((id, a)) }
            }
            clock &+= 1_000
            while let (c, a) = offers.popLast() {
                _ = router.accept(c, agent: a)
                _ = router.complete(c)
                if let next = router.endWrapUp(c, now: clock) { offers.append(next) }
                cyclesDone += 1
            }
            done += n
        }
    }
}
