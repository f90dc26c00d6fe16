import Media
import Testing

/// Issue 4 §3: random and truncated bytes at every parser never crash, and never disturb a healthy session
/// on the same port. One million inputs per parser, small inputs so the suite stays fast.
@Suite("Robustness")
struct FuzzTests {
    static let inputsPerParser = 1_000_000

    @Test("Demux, STUN, RTP and RTCP parsers survive 1,000,000 random inputs each")
    func parsers() {
        var random = Xorshift(seed: 0x5EED)
        var kinds = [PacketKind: Int]()
        var stunAccepted = 0, rtpAccepted = 0, rtcpReports = 0
        for _ in 0..<Self.inputsPerParser {
            kinds[PacketDemux.classify(random.bytes(maxCount: 48)), default: 0] += 1
        }
        for index in 0..<Self.inputsPerParser {
            var bytes = random.bytes(maxCount: 64)
            // Half of the inputs get a valid header so the attribute loop is exercised too.
            if index % 2 == 0, bytes.count >= 20 {
                bytes[0] = 0; bytes[1] = 1
                bytes[2] = 0; bytes[3] = UInt8((bytes.count - 20) & ~3)
                bytes[4] = 0x21; bytes[5] = 0x12; bytes[6] = 0xA4; bytes[7] = 0x42
                bytes.removeLast((bytes.count - 20) % 4)
            }
            if (try? StunDecoder.decode(bytes)) != nil { stunAccepted += 1 }
        }
        for _ in 0..<Self.inputsPerParser {
            var bytes = random.bytes(maxCount: 40)
            if !bytes.isEmpty { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
            if RtpPacket(parsing: bytes) != nil { rtpAccepted += 1 }
        }
        for _ in 0..<Self.inputsPerParser {
            var bytes = random.bytes(maxCount: 64)
            if bytes.count > 1 { bytes[0] = 0x80 | (bytes[0] & 0x1F); bytes[1] = 200 + (bytes[1] & 1) }
            rtcpReports += RtcpReport.parseCompound(bytes).count
        }
        #expect(kinds.values.reduce(0, +) == Self.inputsPerParser)
        #expect(kinds[.unknown, default: 0] > 0 && kinds[.rtp, default: 0] > 0)
        #expect(stunAccepted > 0) // valid headers with zero-length bodies decode
        #expect(rtpAccepted > 0)
        #expect(rtcpReports > 0) // headers made valid above: some compounds hold reports
    }

    @Test("Every truncation and single-byte corruption of a real check is rejected or answered, never crashes")
    func stunMutations() throws {
        let peer = try TestPeer()
        let message = peer.check(remote: IceCredentials(ufrag: "abcd", password: "0123456789012345678901"))
        var random = Xorshift(seed: 7)
        for length in 0...message.count { _ = try? StunDecoder.decode(Array(message[0..<length])) }
        for _ in 0..<100_000 {
            var bytes = message
            bytes[Int(random.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            if let decoded = try? StunDecoder.decode(bytes) {
                _ = try? decoded.verifyIntegrity(key: Array("0123456789012345678901".utf8))
            }
        }
    }

    @Test("1,000,000 random DTLS-looking datagrams never crash a handshaking DTLS endpoint")
    func dtls() throws {
        let certificate = try DtlsCertificate()
        var server = try DtlsTransport(role: .server, certificate: certificate, remoteFingerprint: certificate.fingerprint, now: 0)
        var random = Xorshift(seed: 99)
        var failures = 0
        for _ in 0..<Self.inputsPerParser {
            var bytes = random.bytes(maxCount: 32)
            if !bytes.isEmpty { bytes[0] = 20 + bytes[0] % 4 }
            if bytes.count > 2 { bytes[1] = 0xFE; bytes[2] = 0xFD }
            server.handle(datagram: bytes, now: 0)
            while server.pollTransmit() != nil {}
            if case .failed = server.state {
                failures += 1
                server = try DtlsTransport(role: .server, certificate: certificate, remoteFingerprint: certificate.fingerprint, now: 0)
            }
        }
        #expect(failures < Self.inputsPerParser)
    }

    @Test("Random datagrams from the peer's own address and from strangers do not disturb a connected session")
    func healthySessionSurvives() throws {
        let endpoint = MediaEndpoint(certificate: try DtlsCertificate(), candidates: [EndpointTests.local])
        let peer = try TestPeer()
        let session = try EndpointTests.connect(endpoint, peer)
        _ = endpoint.pollEvents()
        let stranger = SocketAddressValue(ip: [10, 9, 9, 9], port: 9)
        var random = Xorshift(seed: 4_242)
        for index in 0..<200_000 {
            var bytes = random.bytes(maxCount: 64)
            if index % 4 == 0, !bytes.isEmpty { bytes[0] = [0, 1, 22, 23, 0x80, 0x90][Int(random.next() % 6)] }
            if index % 8 == 1, bytes.count > 1 { bytes[0] = 0x80; bytes[1] = 200 }
            endpoint.handle(bytes, from: index % 2 == 0 ? peer.address : stranger, now: 1)
        }
        _ = endpoint.pollTransmits()
        let noise = endpoint.pollEvents()
        #expect(!noise.contains { if case .failed = $0.event { true } else { false } })
        #expect(session.isConnected)
        // Real media still flows after the noise.
        let packet = peer.packetizer.packetize(payload: [4, 5, 6], payloadType: 111, samples: 960)
        var wire = packet.serialized()
        try #require(peer.srtp).protectRTP(&wire)
        endpoint.handle(wire, from: peer.address, now: 2)
        #expect(endpoint.pollEvents().map(\.event) == [.rtp(packet)])
        #expect((session.srtp?.authenticationFailureCount ?? 0) + endpoint.droppedCount > 0)
    }
}
