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

    /// Restores the plaintext packet in place with a new sequence number (no allocation).
    static func reset(_ packet: inout [UInt8], sequence: UInt16) {
        if packet.count > 172 { packet.removeLast(packet.count - 172) }
        for index in 12..<172 { packet[index] = 0xD5 }
        packet[2] = UInt8(sequence >> 8)
        packet[3] = UInt8(truncatingIfNeeded: sequence)
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
/// come in; the bridge transcodes both ways; the Opus packet toward the agent is SRTP-protected.
final class BridgedCall {
    let bridge: MediaBridge
    let agentOut: SrtpSession
    let agentIn: SrtpSession
    var carrierPackets: [RtpPacket] = []
    var agentPackets: [[UInt8]] = []

    init?(frames: Int) {
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
        for _ in 0..<frames {
            carrierPackets.append(carrier.packetize(payload: G711.encodeMuLaw(carrierTone.nextFrame(count: 160)), payloadType: 0, samples: 160))
            let opus = (try? peerEncoder.encode(agentTone.nextFrame(count: 160))) ?? []
            var wire = agent.packetize(payload: opus, payloadType: 111, samples: 960).serialized()
            try? peer.protectRTP(&wire)
            agentPackets.append(wire)
        }
    }

    func run() -> Int {
        var bytes = 0
        for index in carrierPackets.indices {
            bridge.receiveFromCarrier(carrierPackets[index])
            var incoming = agentPackets[index]
            if (try? agentIn.unprotectRTP(&incoming)) != nil, let packet = RtpPacket(parsing: incoming) {
                bridge.receiveFromAgent(packet)
            }
            let output = bridge.tick()
            if let toAgent = output.toAgent {
                var wire = toAgent.serialized()
                try? agentOut.protectRTP(&wire)
                bytes += wire.count
            }
            bytes += output.toCarrier?.payload.count ?? 0
        }
        return bytes
    }
}
