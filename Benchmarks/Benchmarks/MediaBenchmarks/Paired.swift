import Benchmark
import Media
#if canImport(Glibc)
import Glibc
#endif

/// Ours and the reference measured in alternating blocks inside one benchmark, so that both see the same
/// machine. This host's speed drifts by tens of percent over seconds (other virtual machines, scheduler
/// ticks that cost 20–80 µs); two benchmarks run one after the other can land in different phases and show
/// a ratio that is the machine's, not the code's. Here each pair is one block of ours and one block of
/// the reference, back to back (ours first in even pairs, the reference first in odd ones, so neither
/// always runs on a warmer cache), and every pair gives a ratio.
///
/// Metrics per pair: `ours_ns_per_op`, `reference_ns_per_op`, and `ratio_x1000` = reference time / our time
/// × 1000 (our speed relative to the reference: 1000 = parity; the targets are ≥ 900, ≥ 950, ≥ 850).
struct PairedMetrics {
    static let ours = BenchmarkMetric.custom("ours_ns_per_op", polarity: .prefersSmaller, useScalingFactor: false)
    static let reference = BenchmarkMetric.custom("reference_ns_per_op", polarity: .prefersSmaller, useScalingFactor: false)
    static let ratio = BenchmarkMetric.custom("ratio_x1000", polarity: .prefersLarger, useScalingFactor: false)

    /// One benchmark run of `seconds` of pairs (at least `minimumPairs`).
    static func configuration(seconds: Int = 4) -> Benchmark.Configuration {
        .init(metrics: [ours, reference, ratio], warmupIterations: 0, maxDuration: .seconds(seconds + 20), maxIterations: 1)
    }
}

@inline(__always) func monotonicNanos() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

/// Runs warm-up blocks, then pairs of blocks for `seconds` (at least `minimumPairs`, at most `maximumPairs`);
/// each block does `operations` operations.
/// `ours(n)` and `reference(n)` perform `n` operations each.
func measurePaired(_ benchmark: Benchmark, operations: Int, seconds: Int = 4, minimumPairs: Int = 20,
                   maximumPairs: Int = .max, ours: (Int) -> Void, reference: (Int) -> Void) {
    for _ in 0..<2 { ours(operations); reference(operations) }
    func timed(_ body: (Int) -> Void) -> Int64 {
        let start = monotonicNanos()
        body(operations)
        return monotonicNanos() - start
    }
    let end = monotonicNanos() + Int64(seconds) * 1_000_000_000
    var pair = 0
    var ratios: [Int] = []
    while pair < maximumPairs, pair < minimumPairs || monotonicNanos() < end {
        let oursNanos: Int64, referenceNanos: Int64
        if pair & 1 == 0 {
            oursNanos = timed(ours); referenceNanos = timed(reference)
        } else {
            referenceNanos = timed(reference); oursNanos = timed(ours)
        }
        benchmark.measurement(PairedMetrics.ours, Int(oursNanos) / operations)
        benchmark.measurement(PairedMetrics.reference, Int(referenceNanos) / operations)
        let ratio = Int(referenceNanos * 1000 / max(1, oursNanos))
        benchmark.measurement(PairedMetrics.ratio, ratio)
        ratios.append(ratio)
        pair += 1
    }
    ratios.sort()
    print("\(benchmark.name): \(pair) pairs of \(operations) operations; ratio (reference time / our time) "
          + "p25 \(Double(ratios[ratios.count / 4]) / 1000), p50 \(Double(ratios[ratios.count / 2]) / 1000), "
          + "p75 \(Double(ratios[ratios.count * 3 / 4]) / 1000)")
}

/// Our SRTP protect + unprotect of the fixture packet, in a reusable buffer.
final class OurSrtp {
    let sender: SrtpSession
    let receiver: SrtpSession
    let plain = SrtpFixtures.plainPacket()
    var packet = PacketBuffer(maxPacket: 256)
    var sequence: UInt16 = 0
    private(set) var failures = 0

    init?(profile: SrtpProfile) {
        let keys = SrtpFixtures.keys(profile)
        guard let sender = try? SrtpSession(keys: keys.0), let receiver = try? SrtpSession(keys: keys.1) else { return nil }
        self.sender = sender
        self.receiver = receiver
    }

    func run(iterations: Int) -> Int {
        var total = 0
        for _ in 0..<iterations {
            sequence &+= 1
            SrtpFixtures.reset(&packet, from: plain, sequence: sequence)
            if (try? sender.protectRTP(&packet)) == nil { failures += 1 }
            if (try? receiver.unprotectRTP(&packet)) == nil { failures += 1 }
            total &+= packet.count
        }
        return total
    }
}

/// Our Opus encoder on the fixture frame, into a reusable buffer (the bridge's path).
final class OurOpus {
    let encoder: OpusEncoder
    let frame: [Int16]
    var output = [UInt8](repeating: 0, count: 1_500)

    init?(sampleRate: Int32, frame: [Int16]) {
        guard let encoder = try? OpusEncoder(sampleRate: sampleRate, settings: OpusSettings(complexity: 5)) else { return nil }
        self.encoder = encoder
        self.frame = frame
    }

    func encode(iterations: Int) -> Int {
        var total = 0
        frame.withUnsafeBufferPointer { pcm in
            output.withUnsafeMutableBytes { out in
                for _ in 0..<iterations { total &+= (try? encoder.encode(pcm, into: out)) ?? 0 }
            }
        }
        return total
    }
}
