import Media
import Testing

/// One port, many sessions: ICE-lite, DTLS-SRTP and RTP through `MediaEndpoint` against an in-process peer.
@Suite("Media endpoint")
struct EndpointTests {
    static let local = SocketAddressValue(ip: [127, 0, 0, 1], port: 5_000)

    /// Runs offer/answer, ICE and DTLS until the session is connected; returns the session.
    static func connect(_ endpoint: MediaEndpoint, _ peer: TestPeer, now: Double = 0) throws -> MediaSession {
        let (session, answerText) = try endpoint.answer(offer: peer.offer(), now: now)
        let answer = try RemoteAudioDescription(SessionDescription(parsing: answerText))
        peer.dtls = try DtlsTransport(role: .server, certificate: peer.certificate, remoteFingerprint: answer.fingerprint, now: now)
        endpoint.handle(peer.check(remote: answer.ice), from: peer.address, now: now)
        pump(endpoint, peer, now: now)
        return session
    }

    /// Moves datagrams both ways until quiet; returns what the endpoint sent.
    @discardableResult
    static func pump(_ endpoint: MediaEndpoint, _ peer: TestPeer, now: Double) -> [MediaSession.Transmit] {
        var sent: [MediaSession.Transmit] = []
        for _ in 0..<20 {
            let out = endpoint.pollTransmits()
            sent += out
            var progressed = !out.isEmpty
            for transmit in out where PacketDemux.classify(transmit.bytes) == .dtls {
                peer.dtls?.handle(datagram: transmit.bytes, now: now)
            }
            while let datagram = peer.dtls?.pollTransmit() {
                endpoint.handle(datagram, from: peer.address, now: now)
                progressed = true
            }
            if case .connected(let keys)? = peer.dtls?.state, peer.srtp == nil { peer.srtp = try? SrtpSession(keys: keys) }
            if !progressed { break }
        }
        return sent
    }

    @Test("Check, nomination, DTLS and SRTP media in both directions")
    func fullSession() throws {
        let endpoint = MediaEndpoint(certificate: try DtlsCertificate(), candidates: [Self.local])
        let peer = try TestPeer()
        let session = try Self.connect(endpoint, peer)
        let events = endpoint.pollEvents().map(\.event)
        #expect(events.contains(.selected(peer.address)))
        #expect(events.contains(.connected(.aeadAes128Gcm)))
        let peerSrtp = try #require(peer.srtp)
        // Peer → us.
        let packet = peer.packetizer.packetize(payload: [1, 2, 3], payloadType: 111, samples: 960)
        var wire = packet.serialized()
        try peerSrtp.protectRTP(&wire)
        endpoint.handle(wire, from: peer.address, now: 1)
        #expect(endpoint.pollEvents().map(\.event) == [.rtp(packet)])
        // Replay is dropped.
        endpoint.handle(wire, from: peer.address, now: 1)
        #expect(endpoint.pollEvents().isEmpty)
        #expect(session.srtp?.replayedCount == 1)
        // Us → peer.
        var packetizer = RtpPacketizer(ssrc: session.local.ssrc)
        let ours = packetizer.packetize(payload: [9, 9], payloadType: 111, samples: 960)
        #expect(session.send(ours))
        let out = try #require(endpoint.pollTransmits().first)
        #expect(out.destination == peer.address)
        var received = out.bytes
        try peerSrtp.unprotectRTP(&received)
        #expect(RtpPacket(parsing: received) == ours)
    }

    @Test("A check with a bad MESSAGE-INTEGRITY or unknown ufrag gets no response and selects nothing")
    func badChecks() throws {
        let endpoint = MediaEndpoint(certificate: try DtlsCertificate(), candidates: [Self.local])
        let peer = try TestPeer()
        let (session, _) = try endpoint.answer(offer: peer.offer(), now: 0)
        endpoint.handle(peer.check(remote: session.ice.local, password: "not-the-password-at-all"), from: peer.address, now: 0)
        endpoint.handle(peer.check(remote: IceCredentials(ufrag: "nope", password: session.ice.local.password)), from: peer.address, now: 0)
        #expect(endpoint.pollTransmits().isEmpty)
        #expect(session.ice.selected == nil)
        #expect(endpoint.droppedCount == 1)
    }

    @Test("A wrong fingerprint fails the session: no keys, no media")
    func wrongFingerprint() throws {
        let endpoint = MediaEndpoint(certificate: try DtlsCertificate(), candidates: [Self.local])
        let peer = try TestPeer()
        var wrong = peer.certificate.fingerprint
        wrong.digest[5] ^= 0x10
        let (session, answerText) = try endpoint.answer(offer: peer.offer(fingerprint: wrong), now: 0)
        let answer = try RemoteAudioDescription(SessionDescription(parsing: answerText))
        peer.dtls = try DtlsTransport(role: .server, certificate: peer.certificate, remoteFingerprint: answer.fingerprint, now: 0)
        endpoint.handle(peer.check(remote: answer.ice), from: peer.address, now: 0)
        Self.pump(endpoint, peer, now: 0)
        let events = endpoint.pollEvents().map(\.event)
        #expect(events.contains { if case .failed(let reason) = $0 { reason.contains("fingerprint") } else { false } })
        #expect(!session.isConnected)
        #expect(!session.send(RtpPacket(payloadType: 111, sequenceNumber: 1, timestamp: 1, ssrc: 1, payload: [1])))
        #expect(endpoint.sessionCount == 0)
    }

    @Test("Consent freshness: no valid check for 30 s drops the session; checks keep it alive")
    func consent() throws {
        let endpoint = MediaEndpoint(certificate: try DtlsCertificate(), candidates: [Self.local])
        let peer = try TestPeer()
        let session = try Self.connect(endpoint, peer)
        _ = endpoint.pollEvents()
        endpoint.handle(peer.check(remote: session.ice.local, nominate: false), from: peer.address, now: 25)
        endpoint.handleTimeout(now: 50)
        #expect(endpoint.pollEvents().isEmpty)
        _ = endpoint.pollTransmits()
        endpoint.handleTimeout(now: 55.5)
        #expect(endpoint.pollEvents().map(\.event) == [.expired])
        #expect(endpoint.sessionCount == 0)
    }

    @Test("Sessions that never complete ICE or DTLS are reaped")
    func reaping() throws {
        let endpoint = MediaEndpoint(certificate: try DtlsCertificate(), candidates: [Self.local])
        _ = try endpoint.answer(offer: TestPeer().offer(), now: 0)
        let peer = try TestPeer(address: SocketAddressValue(ip: [10, 0, 0, 3], port: 1))
        let (session, _) = try endpoint.answer(offer: peer.offer(), now: 0)
        endpoint.handle(peer.check(remote: session.ice.local), from: peer.address, now: 1) // ICE ok, DTLS never answers
        #expect(endpoint.sessionCount == 2)
        var now = 1.0
        while now < 40 {
            now += 1
            endpoint.handleTimeout(now: now)
            _ = endpoint.pollTransmits()
        }
        let events = endpoint.pollEvents().map(\.event)
        #expect(events.contains(.expired))
        #expect(events.contains { if case .failed = $0 { true } else { false } })
        #expect(endpoint.sessionCount == 0)
    }

    @Test("ICE restart: new credentials in the answer; the peer moves to a new address and media follows")
    func iceRestart() throws {
        let endpoint = MediaEndpoint(certificate: try DtlsCertificate(), candidates: [Self.local])
        let peer = try TestPeer()
        let session = try Self.connect(endpoint, peer)
        _ = endpoint.pollEvents()
        let oldLocal = session.ice.local
        let restarted = try TestPeer(address: SocketAddressValue(ip: [10, 0, 0, 9], port: 41_000))
        // Same DTLS peer, new ICE credentials and address.
        let offer = restarted.offer(fingerprint: peer.certificate.fingerprint)
        let (same, answerText) = try endpoint.answer(offer: offer, existing: session, now: 2)
        #expect(same === session)
        let answer = try RemoteAudioDescription(SessionDescription(parsing: answerText))
        #expect(answer.ice != oldLocal)
        endpoint.handle(restarted.check(remote: answer.ice), from: restarted.address, now: 2)
        #expect(endpoint.pollEvents().map(\.event) == [.selected(restarted.address)])
        _ = endpoint.pollTransmits()
        #expect(session.send(RtpPacket(payloadType: 111, sequenceNumber: 1, timestamp: 1, ssrc: 1, payload: [1])))
        #expect(endpoint.pollTransmits().first?.destination == restarted.address)
    }

    @Test("IPv6 host candidates are advertised and IPv6 peers are served")
    func ipv6() throws {
        let v6 = try #require(SocketAddressValue(host: "fd00::1", port: 5_000))
        let endpoint = MediaEndpoint(certificate: try DtlsCertificate(), candidates: [Self.local, v6])
        let peer = try TestPeer(address: try #require(SocketAddressValue(host: "fd00::2", port: 40_000)))
        let (_, answerText) = try endpoint.answer(offer: peer.offer(), now: 0)
        let answer = try RemoteAudioDescription(SessionDescription(parsing: answerText))
        #expect(answer.candidates == [Self.local, v6])
        peer.dtls = try DtlsTransport(role: .server, certificate: peer.certificate, remoteFingerprint: answer.fingerprint, now: 0)
        endpoint.handle(peer.check(remote: answer.ice), from: peer.address, now: 0)
        Self.pump(endpoint, peer, now: 0)
        #expect(endpoint.pollEvents().map(\.event).contains(.connected(.aeadAes128Gcm)))
    }
}
