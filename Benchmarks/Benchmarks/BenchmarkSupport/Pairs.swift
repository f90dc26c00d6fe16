#if canImport(Glibc)
import Glibc
#endif

/// Monotonic nanoseconds.
@inline(__always) public func monotonicNanos() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

/// Ours and the reference measured in alternating blocks inside one benchmark, so that both see the same
/// machine. This host's speed drifts by tens of percent over seconds (other virtual machines, scheduler
/// ticks that cost 20–80 µs); two benchmarks run one after the other can land in different phases and show
/// a ratio that is the machine's, not the code's. Here each pair is one block of ours and one block of the
/// reference, back to back (ours first in even pairs, the reference first in odd ones, so neither always
/// runs on a warmer cache), and every pair gives a ratio.
///
/// Runs `warmupPairs` unmeasured pairs, then pairs for `seconds` (at least `minimumPairs`, at most
/// `maximumPairs`); each block does `operations` operations (`ours(n)` and `reference(n)` perform `n`).
/// `record` gets each pair's two block times and its ratio, reference time / our time × 1000 (our speed
/// relative to the reference: 1000 = parity). Returns the ratios, sorted.
public func runPairs(operations: Int, warmupPairs: Int, seconds: Int, minimumPairs: Int, maximumPairs: Int = .max,
                     ours: (Int) -> Void, reference: (Int) -> Void,
                     record: (_ oursNanos: Int64, _ referenceNanos: Int64, _ ratioX1000: Int) -> Void) -> [Int] {
    for _ in 0..<warmupPairs { ours(operations); reference(operations) }
    func timed(_ body: (Int) -> Void) -> Int64 {
        let start = monotonicNanos()
        body(operations)
        return monotonicNanos() - start
    }
    let end = monotonicNanos() + Int64(seconds) * 1_000_000_000
    var ratios: [Int] = []
    while ratios.count < maximumPairs, ratios.count < minimumPairs || monotonicNanos() < end {
        let oursNanos: Int64, referenceNanos: Int64
        if ratios.count & 1 == 0 {
            oursNanos = timed(ours); referenceNanos = timed(reference)
        } else {
            referenceNanos = timed(reference); oursNanos = timed(ours)
        }
        let ratio = Int(referenceNanos * 1000 / max(1, oursNanos))
        record(oursNanos, referenceNanos, ratio)
        ratios.append(ratio)
    }
    return ratios.sorted()
}

/// "p25 …, p50 …, p75 …" of sorted ratios × 1000, as plain ratios.
public func quartiles(ofRatiosX1000 sorted: [Int]) -> String {
    guard !sorted.isEmpty else { return "no pairs" }
    func at(_ q: Int) -> Double { Double(sorted[sorted.count * q / 4]) / 1000 }
    return "p25 \(at(1)), p50 \(at(2)), p75 \(at(3))"
}

/// The `p` quantile of sorted values (nearest rank), -1 when there are none.
public func percentile(_ sorted: [Int64], _ p: Double) -> Int64 {
    sorted.isEmpty ? -1 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}
