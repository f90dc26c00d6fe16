/// One reception report block (RFC 3550 §6.4.1).
public struct ReceptionReport: Sendable, Equatable {
    /// The source this block reports on.
    public var ssrc: UInt32
    /// Fraction lost since the last report, in 1/256.
    public var fractionLost: UInt8
    /// Cumulative packets lost (24-bit signed).
    public var cumulativeLost: Int32
    /// Extended highest sequence number received.
    public var highestSequence: UInt32
    /// Interarrival jitter in timestamp units (RFC 3550 §6.4.1, A.8).
    public var jitter: UInt32
    /// Middle 32 bits of the NTP timestamp of the last SR.
    public var lastSR: UInt32
    /// Delay since the last SR, in 1/65536 s.
    public var delaySinceLastSR: UInt32

    /// Creates a block.
    public init(ssrc: UInt32, fractionLost: UInt8, cumulativeLost: Int32, highestSequence: UInt32, jitter: UInt32,
                lastSR: UInt32 = 0, delaySinceLastSR: UInt32 = 0) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.highestSequence = highestSequence
        self.jitter = jitter
        self.lastSR = lastSR
        self.delaySinceLastSR = delaySinceLastSR
    }
}

/// RTCP sender and receiver reports (RFC 3550 §6.4); other packet types of a compound are skipped.
public enum RtcpReport: Sendable, Equatable {
    /// SR: sender info plus reception blocks.
    case senderReport(ssrc: UInt32, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32, blocks: [ReceptionReport])
    /// RR: reception blocks only.
    case receiverReport(ssrc: UInt32, blocks: [ReceptionReport])

    /// Serializes one SR or RR packet (a valid compound on its own, RFC 3550 §6.1).
    public func serialized() -> [UInt8] {
        var body: [UInt8] = []
        let type: UInt8
        let blocks: [ReceptionReport]
        switch self {
        case let .senderReport(ssrc, ntp, rtp, packets, octets, reportBlocks):
            type = 200
            blocks = reportBlocks
            body += ssrc.bigEndianBytes + ntp.bigEndianBytes + rtp.bigEndianBytes + packets.bigEndianBytes + octets.bigEndianBytes
        case let .receiverReport(ssrc, reportBlocks):
            type = 201
            blocks = reportBlocks
            body += ssrc.bigEndianBytes
        }
        for block in blocks.prefix(31) {
            let lost = UInt32(bitPattern: block.cumulativeLost) & 0x00FF_FFFF
            body += block.ssrc.bigEndianBytes
            body += (UInt32(block.fractionLost) << 24 | lost).bigEndianBytes
            body += block.highestSequence.bigEndianBytes + block.jitter.bigEndianBytes
            body += block.lastSR.bigEndianBytes + block.delaySinceLastSR.bigEndianBytes
        }
        let words = UInt16(body.count / 4)
        return [0x80 | UInt8(min(blocks.count, 31)), type] + words.bigEndianBytes + body
    }

    /// Parses every SR and RR of a compound packet; stops at the first malformed header (never traps).
    public static func parseCompound(_ bytes: [UInt8]) -> [RtcpReport] {
        var reports: [RtcpReport] = []
        var offset = 0
        func word(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
        }
        while offset + 4 <= bytes.count {
            guard bytes[offset] >> 6 == 2 else { break }
            let count = Int(bytes[offset] & 0x1F)
            let type = bytes[offset + 1]
            let length = 4 * (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]) + 1)
            guard offset + length <= bytes.count else { break }
            let headerWords = type == 200 ? 7 : 2 // header + SSRC (+ 5 words of sender info)
            if (type == 200 || type == 201), length >= 4 * headerWords + 24 * count {
                let ssrc = word(offset + 4)
                var blocks: [ReceptionReport] = []
                var blockOffset = offset + 4 * headerWords
                for _ in 0..<count {
                    let lostWord = word(blockOffset + 4)
                    let lost = Int32(bitPattern: (lostWord & 0x00FF_FFFF) << 8) >> 8
                    blocks.append(ReceptionReport(ssrc: word(blockOffset), fractionLost: UInt8(lostWord >> 24),
                                                  cumulativeLost: lost, highestSequence: word(blockOffset + 8),
                                                  jitter: word(blockOffset + 12), lastSR: word(blockOffset + 16),
                                                  delaySinceLastSR: word(blockOffset + 20)))
                    blockOffset += 24
                }
                if type == 200 {
                    let ntp = UInt64(word(offset + 8)) << 32 | UInt64(word(offset + 12))
                    reports.append(.senderReport(ssrc: ssrc, ntpTimestamp: ntp, rtpTimestamp: word(offset + 16),
                                                 packetCount: word(offset + 20), octetCount: word(offset + 24), blocks: blocks))
                } else {
                    reports.append(.receiverReport(ssrc: ssrc, blocks: blocks))
                }
            }
            offset += length
        }
        return reports
    }
}
