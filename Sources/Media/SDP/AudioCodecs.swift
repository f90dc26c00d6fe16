/// The audio codecs Switchboard speaks, with the RTP clock rates of RFC 7587 / RFC 3551 / RFC 4733.
public enum AudioCodec: String, Sendable, Equatable, CaseIterable {
    /// Opus (RFC 7587): `opus/48000/2`.
    case opus
    /// G.711 µ-law (RFC 3551 §4.5.14), static PT 0.
    case pcmu
    /// G.711 A-law (RFC 3551 §4.5.14), static PT 8.
    case pcma
    /// RFC 4733 telephone-event (DTMF).
    case telephoneEvent

    /// The encoding name as written in `a=rtpmap`.
    public var encodingName: String {
        switch self {
        case .opus: "opus"
        case .pcmu: "PCMU"
        case .pcma: "PCMA"
        case .telephoneEvent: "telephone-event"
        }
    }
}

/// One negotiated payload type: `a=rtpmap` plus `a=fmtp`.
public struct PayloadFormat: Sendable, Equatable {
    /// RTP payload type number.
    public var payloadType: UInt8
    /// The codec.
    public var codec: AudioCodec
    /// RTP clock rate.
    public var clockRate: Int
    /// Channels in the rtpmap (2 for Opus per RFC 7587 §7).
    public var channels: Int
    /// `a=fmtp` parameters.
    public var parameters: String?

    /// Creates a payload format.
    public init(payloadType: UInt8, codec: AudioCodec, clockRate: Int, channels: Int = 1, parameters: String? = nil) {
        self.payloadType = payloadType
        self.codec = codec
        self.clockRate = clockRate
        self.channels = channels
        self.parameters = parameters
    }

    /// The `a=rtpmap` value.
    public var rtpmap: String {
        "\(payloadType) \(codec.encodingName)/\(clockRate)" + (channels > 1 ? "/\(channels)" : "")
    }

    /// What we offer by default: Opus with in-band FEC, PCMU, PCMA, telephone-event at 48 kHz and 8 kHz.
    public static let defaultOffer: [PayloadFormat] = [
        PayloadFormat(payloadType: 111, codec: .opus, clockRate: 48_000, channels: 2, parameters: "minptime=10;useinbandfec=1"),
        PayloadFormat(payloadType: 0, codec: .pcmu, clockRate: 8_000),
        PayloadFormat(payloadType: 8, codec: .pcma, clockRate: 8_000),
        PayloadFormat(payloadType: 110, codec: .telephoneEvent, clockRate: 48_000, parameters: "0-15"),
        PayloadFormat(payloadType: 101, codec: .telephoneEvent, clockRate: 8_000, parameters: "0-15"),
    ]
}
