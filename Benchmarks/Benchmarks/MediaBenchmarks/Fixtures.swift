import Benchmark
import Media

/// Shared inputs: keys, a 160-byte-payload RTP packet.
enum SrtpFixtures {
    static func keys(_ profile: SrtpProfile) -> (SrtpKeyingMaterial, SrtpKeyingMaterial) {
        let length = profile.keyLength + profile.saltLength
        let a = (0..<length).map { UInt8($0) }
        let b = (0..<length).map { UInt8(100 + $0) }
        return (SrtpKeyingMaterial(profile: profile, localMasterKey: a, remoteMasterKey: b),
                SrtpKeyingMaterial(profile: profile, localMasterKey: b, remoteMasterKey: a))
    }

    static func plainPacket(sequence: UInt16 = 0) -> [UInt8] {
        RtpPacket(payloadType: 0, sequenceNumber: sequence, timestamp: 0, ssrc: 0x1234_5678,
                  payload: [UInt8](repeating: 0xD5, count: 160)).serialized()
    }

    /// Restores the plaintext packet in the reusable buffer with a new sequence number (no allocation): the same
    /// copy of the 172 plaintext bytes the raw reference does.
    static func reset(_ packet: inout PacketBuffer, from plain: [UInt8], sequence: UInt16) {
        packet.write { bytes in
            plain.withUnsafeBytes { bytes.copyMemory(from: $0) }
            bytes[2] = UInt8(sequence >> 8)
            bytes[3] = UInt8(truncatingIfNeeded: sequence)
            return plain.count
        }
    }
}

/// Our DTLS: two transports shuttling datagrams until both are connected.
enum DtlsLoop {
    static func handshake(_ clientCertificate: DtlsCertificate, _ serverCertificate: DtlsCertificate) -> Bool {
        guard let client = try? DtlsTransport(role: .client, certificate: clientCertificate,
                                              remoteFingerprint: serverCertificate.fingerprint, now: 0),
              let server = try? DtlsTransport(role: .server, certificate: serverCertificate,
                                              remoteFingerprint: clientCertificate.fingerprint, now: 0) else { return false }
        client.start(now: 0)
        for _ in 0..<10 {
            var moved = false
            while let datagram = client.pollTransmit() { server.handle(datagram: datagram, now: 0); moved = true }
            while let datagram = server.pollTransmit() { client.handle(datagram: datagram, now: 0); moved = true }
            if !moved { break }
        }
        if case .connected = client.state, case .connected = server.state { return true }
        return false
    }
}

/// One bridged call: per 20 ms frame, a PCMU packet from the carrier and an SRTP Opus packet from the agent
/// come in as datagram bytes; the agent's is copied into a reusable buffer and unprotected in place; the bridge
/// transcodes both ways into reusable buffers; the Opus packet toward the agent is SRTP-protected in place.
final class BridgedCall {
    let bridge: MediaBridge
    let agentOut: SrtpSession
    let agentIn: SrtpSession
    var carrierPackets: [[UInt8]] = []
    var agentPackets: [[UInt8]] = []
    var incoming = PacketBuffer()
    var toAgent = PacketBuffer()
    var toCarrier = PacketBuffer()

    /// What the two legs carry.
    enum Content {
        /// The bound's own frames: the 20 ms 440 Hz frame the bound encodes, repeated, on both legs (the carrier
        /// sends it as PCMU, the agent as Opus encoded at the same settings), so only our overhead differs.
        case boundFrames
        /// Continuous tones: 440 Hz from the carrier, 1000 Hz from the agent (a different Opus workload).
        case continuousTones
    }

    init?(frames: Int, content: Content) {
        let settings = OpusSettings(bitrate: 32_000, complexity: 5, inbandFEC: true, expectedPacketLoss: 5)
        let keys = SrtpFixtures.keys(.aeadAes128Gcm)
        guard let bridge = try? MediaBridge(carrierCodec: .pcmu, carrierPayloadType: 0, opusPayloadType: 111, settings: settings),
              let agentOut = try? SrtpSession(keys: keys.0), let agentIn = try? SrtpSession(keys: keys.0),
              let peer = try? SrtpSession(keys: keys.1),
              let peerEncoder = try? OpusEncoder(sampleRate: 8_000, settings: settings) else { return nil }
        self.bridge = bridge
        self.agentOut = agentOut
        self.agentIn = agentIn
        // Inputs prepared outside the measurement: what the carrier and the agent's browser would send.
        var carrierTone = ToneSource(frequency: 440, sampleRate: 8_000)
        var agentTone = ToneSource(frequency: 1_000, sampleRate: 8_000)
        var carrier = RtpPacketizer(ssrc: 1)
        var agent = RtpPacketizer(ssrc: 2)
        let boundFrame = carrierTone.nextFrame(count: 160) // the same first frame the bound repeats
        carrierTone = ToneSource(frequency: 440, sampleRate: 8_000)
        for _ in 0..<frames {
            let carrierFrame = content == .boundFrames ? boundFrame : carrierTone.nextFrame(count: 160)
            let agentFrame = content == .boundFrames ? boundFrame : agentTone.nextFrame(count: 160)
            carrierPackets.append(carrier.packetize(payload: G711.encodeMuLaw(carrierFrame), payloadType: 0, samples: 160).serialized())
            let opus = (try? peerEncoder.encode(agentFrame)) ?? []
            var wire = agent.packetize(payload: opus, payloadType: 111, samples: 960).serialized()
            try? peer.protectRTP(&wire)
            agentPackets.append(wire)
        }
    }

    /// Plays every prepared frame.
    func run() -> Int { run(next: carrierPackets.count) }

    /// Frames not played yet.
    var remaining: Int { carrierPackets.count - cursor }
    private var cursor = 0

    /// Plays the next `count` prepared frames (fewer when fewer remain): the call goes on where it stopped.
    func run(next count: Int) -> Int {
        var bytes = 0
        let range = cursor..<min(carrierPackets.count, cursor + count)
        cursor = range.upperBound
        for index in range {
            carrierPackets[index].withUnsafeBytes { _ = bridge.receiveFromCarrier(datagram: $0) }
            incoming.assign(agentPackets[index])
            if (try? agentIn.unprotectRTP(&incoming)) != nil {
                incoming.withUnsafeBytes { _ = bridge.receiveFromAgent(datagram: $0) }
            }
            let produced = bridge.tick(toAgent: &toAgent, toCarrier: &toCarrier)
            if produced.toAgent, (try? agentOut.protectRTP(&toAgent)) != nil { bytes += toAgent.count }
            if produced.toCarrier { bytes += toCarrier.count }
        }
        return bytes
    }
}
