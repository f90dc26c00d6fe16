/// The fixed RTP header fields (RFC 3550 §5.1) read from and written to bytes in place, plus where the payload
/// sits: the allocation-free counterpart of `RtpPacket` for the per-frame media path.
public struct RtpHeader: Sendable, Equatable {
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
    /// Offset of the payload (after CSRCs and header extension).
    public var payloadOffset: Int
    /// End of the payload (padding removed, RFC 3550 §5.1 P bit).
    public var payloadEnd: Int

    /// Bytes of the header `write(into:)` produces.
    public static let fixedLength = 12

    /// Creates a header for sending; the payload follows the 12 fixed bytes.
    public init(marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.payloadOffset = Self.fixedLength
        self.payloadEnd = Self.fixedLength
    }

    /// Parses a version-2 RTP header in place; nil if the bytes are not a well-formed packet.
    public init?(parsing bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        guard count >= 12 else { return nil }
        let first = bytes[0]
        guard first >> 6 == 2 else { return nil }
        var offset = 12 + 4 * Int(first & 0x0F)
        guard offset <= count else { return nil }
        if first & 0x10 != 0 {
            guard offset + 4 <= count else { return nil }
            offset += 4 + 4 * (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]))
            guard offset <= count else { return nil }
        }
        var end = count
        if first & 0x20 != 0 {
            let padding = Int(bytes[count - 1])
            guard padding > 0, end - padding >= offset else { return nil }
            end -= padding
        }
        marker = bytes[1] & 0x80 != 0
        payloadType = bytes[1] & 0x7F
        sequenceNumber = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        timestamp = UInt32(bytes[4]) << 24 | UInt32(bytes[5]) << 16 | UInt32(bytes[6]) << 8 | UInt32(bytes[7])
        ssrc = UInt32(bytes[8]) << 24 | UInt32(bytes[9]) << 16 | UInt32(bytes[10]) << 8 | UInt32(bytes[11])
        payloadOffset = offset
        payloadEnd = end
    }

    /// Payload length.
    public var payloadLength: Int { payloadEnd - payloadOffset }

    /// Writes the 12-byte fixed header (no CSRC, no extension, no padding) at the start of `bytes`;
    /// returns 12, or 0 if `bytes` is shorter.
    @discardableResult
    public func write(into bytes: UnsafeMutableRawBufferPointer) -> Int {
        guard bytes.count >= Self.fixedLength else { return 0 }
        bytes[0] = 0x80
        bytes[1] = (marker ? 0x80 : 0) | (payloadType & 0x7F)
        bytes[2] = UInt8(truncatingIfNeeded: sequenceNumber >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: sequenceNumber)
        bytes.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        bytes.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
        return Self.fixedLength
    }
}
