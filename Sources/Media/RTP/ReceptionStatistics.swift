/// Receive-side statistics of one source for RTCP reception blocks (RFC 3550 §6.4.1, Appendix A.1, A.3, A.8).
public struct ReceptionStatistics: Sendable {
    /// The source.
    public let ssrc: UInt32
    private var baseSequence: UInt32?
    private var cycles: UInt32 = 0
    private var maxSequence: UInt16 = 0
    /// Packets received.
    public private(set) var received: UInt32 = 0
    private var expectedPrior: UInt32 = 0
    private var receivedPrior: UInt32 = 0
    private var transit: Double?
    /// Interarrival jitter estimate in timestamp units.
    public private(set) var jitter: Double = 0
    /// Clock rate of the payload, for jitter.
    public let clockRate: Double

    /// Starts statistics for `ssrc`.
    public init(ssrc: UInt32, clockRate: Double) {
        self.ssrc = ssrc
        self.clockRate = clockRate
    }

    /// Records one packet that arrived at `arrival` seconds.
    public mutating func record(sequence: UInt16, timestamp: UInt32, arrival: Double) {
        if baseSequence == nil {
            baseSequence = UInt32(sequence)
            maxSequence = sequence
        } else {
            let delta = sequence &- maxSequence
            if delta < 0x8000 && delta != 0 {
                if sequence < maxSequence { cycles &+= 1 << 16 }
                maxSequence = sequence
            }
        }
        received &+= 1
        let transitNow = arrival * clockRate - Double(timestamp)
        if let transit {
            var difference = transitNow - transit
            if difference < 0 { difference = -difference }
            if difference < clockRate * 10 { jitter += (difference - jitter) / 16 }
        }
        transit = transitNow
    }

    /// Extended highest sequence number.
    public var extendedHighest: UInt32 { cycles | UInt32(maxSequence) }

    /// Packets expected minus received (may be negative with duplicates).
    public var cumulativeLost: Int32 {
        guard let baseSequence else { return 0 }
        let expected = Int64(extendedHighest) - Int64(baseSequence) + 1
        return Int32(clamping: expected - Int64(received))
    }

    /// Builds the reception block and starts a new interval for fraction lost.
    public mutating func makeReport() -> ReceptionReport {
        let expected = baseSequence.map { extendedHighest &- $0 &+ 1 } ?? 0
        let expectedInterval = Int64(expected) - Int64(expectedPrior)
        let receivedInterval = Int64(received) - Int64(receivedPrior)
        expectedPrior = expected
        receivedPrior = received
        let lostInterval = expectedInterval - receivedInterval
        let fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : UInt8(min(255, (lostInterval << 8) / expectedInterval))
        return ReceptionReport(ssrc: ssrc, fractionLost: fraction, cumulativeLost: cumulativeLost,
                               highestSequence: extendedHighest, jitter: UInt32(jitter))
    }
}
