/// An RTP packet (RFC 3550 §5.1): fixed header, CSRCs and header extension skipped, payload kept.
public struct RtpPacket: Sendable, Equatable {
    /// Marker bit.
    public var marker: Bool
    /// Payload type (7 bits).
    public var payloadType: UInt8
    /// Sequence number.
    public var sequenceNumber: UInt16
    /// Media timestamp.
    public var timestamp: UInt32
    /// Synchronisation source.
    public var ssrc: UInt32
    /// Payload bytes (padding removed).
    public var payload: [UInt8]

    /// Creates a packet.
    public init(marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32, payload: [UInt8]) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.payload = payload
    }

    /// Parses an RTP packet; returns nil for anything that is not a well-formed version-2 packet.
    public init?(parsing bytes: [UInt8]) {
        guard let header = bytes.withUnsafeBytes({ RtpHeader(parsing: $0) }) else { return nil }
        marker = header.marker
        payloadType = header.payloadType
        sequenceNumber = header.sequenceNumber
        timestamp = header.timestamp
        ssrc = header.ssrc
        payload = Array(bytes[header.payloadOffset..<header.payloadEnd])
    }

    /// Serializes with a 12-byte header, no CSRC, no extension.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(12 + payload.count + SrtpSession.maxOverhead)
        out.append(0x80)
        out.append((marker ? 0x80 : 0) | (payloadType & 0x7F))
        out += sequenceNumber.bigEndianBytes
        out += timestamp.bigEndianBytes
        out += ssrc.bigEndianBytes
        out += payload
        return out
    }
}

/// Numbers outgoing packets of one stream (RFC 3550 §5.1): random initial sequence number and timestamp.
public struct RtpPacketizer: Sendable {
    /// Our SSRC.
    public let ssrc: UInt32
    /// Next sequence number.
    public private(set) var sequenceNumber: UInt16
    /// Timestamp of the next frame.
    public private(set) var timestamp: UInt32
    /// Packets sent (for RTCP SR).
    public private(set) var packetCount: UInt32 = 0
    /// Payload octets sent (for RTCP SR).
    public private(set) var octetCount: UInt32 = 0

    /// Creates a packetizer; the defaults are random, as RFC 3550 §5.1 asks.
    public init(ssrc: UInt32 = .random(in: 1...UInt32.max), sequenceNumber: UInt16 = .random(in: 0...UInt16.max),
                timestamp: UInt32 = .random(in: 0...UInt32.max)) {
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
    }

    /// Header for the next frame of `payloadLength` bytes covering `samples` clock ticks; advances the counters
    /// like `packetize` without building a packet.
    public mutating func nextHeader(payloadType: UInt8, samples: UInt32, payloadLength: Int, marker: Bool = false) -> RtpHeader {
        let header = RtpHeader(marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber,
                               timestamp: timestamp, ssrc: ssrc)
        sequenceNumber &+= 1
        timestamp &+= samples
        packetCount &+= 1
        octetCount &+= UInt32(truncatingIfNeeded: payloadLength)
        return header
    }

    /// Wraps one frame's payload covering `samples` clock ticks and advances the counters.
    public mutating func packetize(payload: [UInt8], payloadType: UInt8, samples: UInt32, marker: Bool = false) -> RtpPacket {
        let packet = RtpPacket(marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber,
                               timestamp: timestamp, ssrc: ssrc, payload: payload)
        sequenceNumber &+= 1
        timestamp &+= samples
        packetCount &+= 1
        octetCount &+= UInt32(truncatingIfNeeded: payload.count)
        return packet
    }

    /// Advances the timestamp without sending (silence, or an event that keeps its own timestamp).
    public mutating func skip(samples: UInt32) {
        timestamp &+= samples
    }
}
