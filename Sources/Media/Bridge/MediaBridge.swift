/// Joins a carrier leg (plain RTP, G.711 at 8 kHz) and an agent leg (Opus, RFC 7587) and transcodes both ways
/// in 20 ms frames (issue 4 §1 bridge). Sans-IO: packets in, then `tick` every 20 ms yields the packets to
/// send on each leg. Opus runs at 8 kHz directly (libopus resamples internally); its RTP clock stays 48 kHz.
///
/// The per-frame path allocates nothing: RTP headers are parsed and written in place, payloads wait in
/// preallocated jitter-buffer slots, G.711 is table-driven, and Opus encodes straight into the caller's
/// `PacketBuffer`, which then takes the SRTP tag in place (`SrtpSession.protectRTP(_:)`).
public final class MediaBridge {
    /// Packets produced by one 20 ms tick.
    public struct Output: Sendable {
        /// Opus packet for the agent leg.
        public var toAgent: RtpPacket?
        /// G.711 packet for the carrier leg.
        public var toCarrier: RtpPacket?
    }

    /// Which legs got a packet from `tick(toAgent:toCarrier:)`.
    public struct Produced: Sendable, Equatable {
        /// The agent buffer holds an Opus RTP packet to protect and send.
        public var toAgent: Bool
        /// The carrier buffer holds a G.711 RTP packet to send.
        public var toCarrier: Bool
    }

    /// Samples per 20 ms at 8 kHz.
    public static let frameSamples = 160
    /// Largest decoded agent frame: 120 ms at 8 kHz (RFC 6716 §3.2.5).
    static let maxDecodedSamples = 960

    private let carrierCodec: AudioCodec
    private let carrierPayloadType: UInt8
    private let opusPayloadType: UInt8
    private let encoder: OpusEncoder
    private let decoder: OpusDecoder
    private var carrierBuffer = SlotJitterBuffer(playoutDelay: 2, capacity: 64, maxPayload: 960)
    private var agentBuffer = SlotJitterBuffer(playoutDelay: 2, capacity: 64, maxPayload: 1_276)
    private var toAgent: RtpPacketizer
    private var toCarrier: RtpPacketizer
    private var agentSource: (any AudioSource)?
    private var carrierSource: (any AudioSource)?
    private var carrierPCM = [Int16](repeating: 0, count: MediaBridge.frameSamples)
    private var agentPCM = [Int16](repeating: 0, count: MediaBridge.maxDecodedSamples)
    private var agentScratch = PacketBuffer()
    private var carrierScratch = PacketBuffer()
    /// Carrier packets refused by the jitter buffer (duplicate, late, overflow).
    public private(set) var carrierRefused = 0
    /// Opus frames produced toward the agent.
    public private(set) var framesToAgent = 0
    /// G.711 frames produced toward the carrier.
    public private(set) var framesToCarrier = 0

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
        packet.payload.withUnsafeBytes { bufferCarrier(sequence: packet.sequenceNumber, payload: $0) }
    }

    /// A carrier datagram (plain RTP, RFC 3550 §5.1) read in place; false if it is not RTP of the negotiated type.
    @discardableResult
    public func receiveFromCarrier(datagram: UnsafeRawBufferPointer) -> Bool {
        guard let header = RtpHeader(parsing: datagram), header.payloadType == carrierPayloadType else { return false }
        bufferCarrier(sequence: header.sequenceNumber,
                      payload: UnsafeRawBufferPointer(rebasing: datagram[header.payloadOffset..<header.payloadEnd]))
        return true
    }

    private func bufferCarrier(sequence: UInt16, payload: UnsafeRawBufferPointer) {
        if carrierBuffer.insert(sequence: sequence, payload: payload) != .accepted { carrierRefused += 1 }
    }

    /// A packet from the agent (already SRTP-unprotected): Opus is buffered, anything else ignored.
    public func receiveFromAgent(_ packet: RtpPacket) {
        guard packet.payloadType == opusPayloadType else { return }
        packet.payload.withUnsafeBytes { _ = agentBuffer.insert(sequence: packet.sequenceNumber, payload: $0) }
    }

    /// An agent RTP packet already unprotected in place (e.g. by `SrtpSession.unprotectRTP(_:)`), read in place;
    /// false if it is not RTP of the Opus payload type.
    @discardableResult
    public func receiveFromAgent(datagram: UnsafeRawBufferPointer) -> Bool {
        guard let header = RtpHeader(parsing: datagram), header.payloadType == opusPayloadType else { return false }
        agentBuffer.insert(sequence: header.sequenceNumber,
                           payload: UnsafeRawBufferPointer(rebasing: datagram[header.payloadOffset..<header.payloadEnd]))
        return true
    }

    /// One 20 ms step as packets: see `tick(toAgent:toCarrier:)`. Allocates the two packets it returns.
    public func tick() -> Output {
        let produced = tick(toAgent: &agentScratch, toCarrier: &carrierScratch)
        return Output(toAgent: produced.toAgent ? RtpPacket(parsing: agentScratch.bytes) : nil,
                      toCarrier: produced.toCarrier ? RtpPacket(parsing: carrierScratch.bytes) : nil)
    }

    /// One 20 ms step: carrier → agent (G.711 decode, Opus encode) and agent → carrier (Opus decode with
    /// concealment or FEC, G.711 encode), each written as a whole RTP packet into the caller's reusable buffer.
    /// A leg with nothing to say yet yields no packet (its buffer is left alone).
    public func tick(toAgent agentPacket: inout PacketBuffer, toCarrier carrierPacket: inout PacketBuffer) -> Produced {
        var produced = Produced(toAgent: false, toCarrier: false)
        if fillCarrierAudio() {
            let header = 12
            var written = 0
            agentPacket.write { bytes in
                written = carrierPCM.withUnsafeBufferPointer { pcm in
                    (try? encoder.encode(pcm, into: UnsafeMutableRawBufferPointer(rebasing: bytes[header..<bytes.count - SrtpSession.maxOverhead]))) ?? 0
                }
                guard written > 0 else { return 0 }
                toAgent.nextHeader(payloadType: opusPayloadType, samples: 960, payloadLength: written).write(into: bytes)
                return header + written
            }
            if written > 0 {
                framesToAgent += 1
                produced.toAgent = true
            }
        }
        let samples = fillAgentAudio()
        if samples > 0 {
            carrierPacket.write { bytes in
                let header = 12
                let room = UnsafeMutableRawBufferPointer(rebasing: bytes[header..<bytes.count])
                let encoded = agentPCM.withUnsafeBufferPointer { pcm in
                    G711.encode(UnsafeBufferPointer(rebasing: pcm[0..<samples]), law: carrierCodec, into: room)
                }
                toCarrier.nextHeader(payloadType: carrierPayloadType, samples: UInt32(encoded), payloadLength: encoded).write(into: bytes)
                return header + encoded
            }
            framesToCarrier += 1
            produced.toCarrier = true
        }
        return produced
    }

    /// Fills `carrierPCM` with the next 20 ms toward the agent; false while the carrier buffer is still filling.
    private func fillCarrierAudio() -> Bool {
        if let frame = agentSource?.nextFrame(count: Self.frameSamples, sampleRate: 8_000) {
            // Opus takes exactly 20 ms here; another length is padded or cut to it.
            for index in 0..<Self.frameSamples { carrierPCM[index] = index < frame.count ? frame[index] : 0 }
            return true
        }
        agentSource = nil
        switch carrierBuffer.pop() {
        case .packet(_, let slot)?:
            let decoded = carrierBuffer.withPayload(slot: slot) { payload in
                carrierPCM.withUnsafeMutableBufferPointer { G711.decode(payload, law: carrierCodec, into: $0) }
            }
            for index in decoded..<Self.frameSamples { carrierPCM[index] = 0 }
            return true
        case .lost?:
            for index in 0..<Self.frameSamples { carrierPCM[index] = 0 }
            return true
        case nil:
            return false
        }
    }

    /// Fills `agentPCM` with the next decoded agent audio; returns its sample count (0: nothing this tick).
    private func fillAgentAudio() -> Int {
        if let frame = carrierSource?.nextFrame(count: Self.frameSamples, sampleRate: 8_000) {
            let count = min(frame.count, Self.maxDecodedSamples)
            for index in 0..<count { agentPCM[index] = frame[index] }
            return count
        }
        carrierSource = nil
        let decoded: Int?
        switch agentBuffer.pop() {
        case .packet(_, let slot)?:
            decoded = agentBuffer.withPayload(slot: slot) { payload in
                agentPCM.withUnsafeMutableBufferPointer { try? decoder.decode(payload, into: $0) }
            }
        case .lost(_, let nextSlot)?:
            decoded = agentPCM.withUnsafeMutableBufferPointer { pcm in
                guard let nextSlot else { return try? decoder.decode(nil, into: pcm, lostSamples: Self.frameSamples) }
                return agentBuffer.withPayload(slot: nextSlot) { payload in
                    try? decoder.decode(payload, into: pcm, lostSamples: Self.frameSamples, fec: true)
                }
            }
        case nil:
            decoded = nil
        }
        return decoded ?? 0
    }
}
