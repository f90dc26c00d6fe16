/// The kind of a datagram arriving on the shared media port.
public enum PacketKind: Sendable, Equatable {
    case stun, dtls, rtp, rtcp, unknown
}

/// RFC 7983 §7 demultiplexing by first byte (with RFC 5761 §4 for RTP vs RTCP).
///
///                  +----------------+
///                  |        [0..3] -+--> forward to STUN
///                  |                |
///                  |      [16..19] -+--> forward to ZRTP (dropped here)
///                  |                |
///      packet -->  |      [20..63] -+--> forward to DTLS
///                  |                |
///                  |      [64..79] -+--> forward to TURN Channel (dropped here)
///                  |                |
///                  |    [128..191] -+--> forward to RTP/RTCP
///                  +----------------+
public enum PacketDemux {
    /// Classifies one datagram. RTCP is told apart from RTP by the packet type
    /// byte 192...223 (RFC 5761 §4). Never reads past the buffer.
    public static func classify<C: Collection<UInt8>>(_ bytes: C) -> PacketKind where C.Index == Int {
        guard let first = bytes.first else { return .unknown }
        switch first {
        case 0...3:
            return bytes.count >= 20 ? .stun : .unknown
        case 20...63:
            return bytes.count >= 13 ? .dtls : .unknown
        case 128...191:
            guard bytes.count >= 2 else { return .unknown }
            let payloadType = bytes[bytes.startIndex + 1]
            if (192...223).contains(payloadType) { return bytes.count >= 8 ? .rtcp : .unknown }
            return bytes.count >= 12 ? .rtp : .unknown
        default:
            return .unknown
        }
    }
}
