import Benchmark
import BenchmarkSupport
import Media

/// Paired runs of ours and the reference (`BenchmarkSupport.runPairs`: alternating blocks in one process, so
/// that both see the same machine; see there and Benchmarks/README.md).
///
/// Metrics per pair: `ours_ns_per_op`, `reference_ns_per_op`, and `ratio_x1000` = reference time / our time
/// × 1000 (our speed relative to the reference: 1000 = parity; the targets are ≥ 900, ≥ 950, ≥ 850).
struct PairedMetrics {
    static let ours = BenchmarkMetric.custom("ours_ns_per_op", polarity: .prefersSmaller, useScalingFactor: false)
    static let reference = BenchmarkMetric.custom("reference_ns_per_op", polarity: .prefersSmaller, useScalingFactor: false)
    static let ratio = BenchmarkMetric.custom("ratio_x1000", polarity: .prefersLarger, useScalingFactor: false)

    /// One benchmark run of `seconds` of pairs.
    static func configuration(seconds: Int = 4) -> Benchmark.Configuration {
        .init(metrics: [ours, reference, ratio], warmupIterations: 0, maxDuration: .seconds(seconds + 20), maxIterations: 1)
    }
}

/// Two warm-up pairs, then pairs of blocks of `operations` operations for `seconds` (at least `minimumPairs`,
/// at most `maximumPairs`), recorded as the three paired metrics; prints the ratio's quartiles.
func measurePaired(_ benchmark: Benchmark, operations: Int, seconds: Int = 4, minimumPairs: Int = 20,
                   maximumPairs: Int = .max, ours: (Int) -> Void, reference: (Int) -> Void) {
    let ratios = runPairs(operations: operations, warmupPairs: 2, seconds: seconds, minimumPairs: minimumPairs,
                          maximumPairs: maximumPairs, ours: ours, reference: reference) { oursNanos, referenceNanos, ratio in
        benchmark.measurement(PairedMetrics.ours, Int(oursNanos) / operations)
        benchmark.measurement(PairedMetrics.reference, Int(referenceNanos) / operations)
        benchmark.measurement(PairedMetrics.ratio, ratio)
    }
    print("\(benchmark.name): \(ratios.count) pairs of \(operations) operations; ratio (reference time / our time) "
          + quartiles(ofRatiosX1000: ratios))
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
