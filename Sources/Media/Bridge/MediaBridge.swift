/// Joins a carrier leg (plain RTP, G.711 at 8 kHz) and an agent leg (Opus, RFC 7587) and transcodes both ways
/// in 20 ms frames (issue 4 §1 bridge). Sans-IO: packets in, then `tick()` every 20 ms yields the packets to
/// send on each leg. Opus runs at 8 kHz directly (libopus resamples internally); its RTP clock stays 48 kHz.
public final class MediaBridge {
    /// Packets produced by one 20 ms tick.
    public struct Output: Sendable {
        /// Opus packet for the agent leg.
        public var toAgent: RtpPacket?
        /// G.711 packet for the carrier leg.
        public var toCarrier: RtpPacket?
    }

    /// Samples per 20 ms at 8 kHz.
    public static let frameSamples = 160

    private let carrierCodec: AudioCodec
    private let carrierPayloadType: UInt8
    private let opusPayloadType: UInt8
    private let encoder: OpusEncoder
    private let decoder: OpusDecoder
    private var carrierBuffer = JitterBuffer<[UInt8]>(playoutDelay: 2)
    private var agentBuffer = JitterBuffer<[UInt8]>(playoutDelay: 2)
    private var toAgent: RtpPacketizer
    private var toCarrier: RtpPacketizer
    private var agentSource: (any AudioSource)?
    /// Carrier packets refused by the jitter buffer (duplicate, late, overflow).
    public private(set) var carrierRefused = 0
    /// Opus frames produced toward the agent.
    public private(set) var framesToAgent = 0
    /// G.711 frames produced toward the carrier.
    public private(set) var framesToCarrier = 0
    private var carrierSource: (any AudioSource)?

    /// Creates a bridge; the carrier codec is `.pcmu` or `.pcma`.
    public init(carrierCodec: AudioCodec = .pcmu, carrierPayloadType: UInt8 = 0, opusPayloadType: UInt8 = 111,
                agentSSRC: UInt32 = .random(in: 1...UInt32.max), carrierSSRC: UInt32 = .random(in: 1...UInt32.max),
                settings: OpusSettings = OpusSettings()) throws(CodecError) {
        self.carrierCodec = carrierCodec == .pcma ? .pcma : .pcmu
        self.carrierPayloadType = carrierPayloadType
        self.opusPayloadType = opusPayloadType
        self.encoder = try OpusEncoder(sampleRate: 8_000, settings: settings)
        self.decoder = try OpusDecoder(sampleRate: 8_000)
        self.toAgent = RtpPacketizer(ssrc: agentSSRC)
        self.toCarrier = RtpPacketizer(ssrc: carrierSSRC)
    }

    /// Plays a source into the agent leg instead of the carrier's audio (hold music, announcements); nil stops it.
    public func play(_ source: (any AudioSource)?, toAgent: Bool) {
        if toAgent { agentSource = source } else { carrierSource = source }
    }

    /// A packet from the carrier (plain RTP): G.711 of the negotiated type is buffered, anything else ignored.
    public func receiveFromCarrier(_ packet: RtpPacket) {
        guard packet.payloadType == carrierPayloadType else { return }
        if carrierBuffer.insert(sequence: packet.sequenceNumber, payload: packet.payload) != .accepted { carrierRefused += 1 }
    }

    /// A packet from the agent (already SRTP-unprotected): Opus is buffered, anything else ignored.
    public func receiveFromAgent(_ packet: RtpPacket) {
        guard packet.payloadType == opusPayloadType else { return }
        agentBuffer.insert(sequence: packet.sequenceNumber, payload: packet.payload)
    }

    /// One 20 ms step: carrier → agent (G.711 decode, Opus encode) and agent → carrier (Opus decode with
    /// concealment or FEC, G.711 encode). A leg with nothing to say yet yields no packet.
    public func tick() -> Output {
        var output = Output()
        var carrierAudio: [Int16]?
        if let frame = agentSource?.nextFrame(count: Self.frameSamples, sampleRate: 8_000) {
            carrierAudio = frame
        } else {
            agentSource = nil
            switch carrierBuffer.pop() {
            case .packet(_, let payload)?: carrierAudio = decodeG711(payload)
            case .lost?: carrierAudio = [Int16](repeating: 0, count: Self.frameSamples)
            case nil: carrierAudio = nil
            }
        }
        if var pcm = carrierAudio {
            // Opus takes exactly 20 ms here; a carrier using another packetization is padded or cut to it.
            if pcm.count != Self.frameSamples { pcm = Array((pcm + [Int16](repeating: 0, count: Self.frameSamples)).prefix(Self.frameSamples)) }
            carrierAudio = pcm
        }
        if let pcm = carrierAudio, let opus = try? encoder.encode(pcm) {
            output.toAgent = toAgent.packetize(payload: opus, payloadType: opusPayloadType, samples: 960)
            framesToAgent += 1
        }
        var agentAudio: [Int16]?
        if let frame = carrierSource?.nextFrame(count: Self.frameSamples, sampleRate: 8_000) {
            agentAudio = frame
        } else {
            carrierSource = nil
            switch agentBuffer.pop() {
            case .packet(_, let payload)?: agentAudio = try? decoder.decode(payload)
            case .lost(_, let next)?:
                agentAudio = try? decoder.decode(next, lostSamples: Self.frameSamples, fec: next != nil)
            case nil: agentAudio = nil
            }
        }
        if let pcm = agentAudio, !pcm.isEmpty {
            let payload = carrierCodec == .pcma ? G711.encodeALaw(pcm) : G711.encodeMuLaw(pcm)
            output.toCarrier = toCarrier.packetize(payload: payload, payloadType: carrierPayloadType, samples: UInt32(pcm.count))
            framesToCarrier += 1
        }
        return output
    }

    private func decodeG711(_ payload: [UInt8]) -> [Int16] {
        carrierCodec == .pcma ? G711.decodeALaw(payload) : G711.decodeMuLaw(payload)
    }
}
