import Media

/// A deterministic xorshift generator so fuzz runs are reproducible.
struct Xorshift: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    mutating func bytes(maxCount: Int) -> [UInt8] {
        let count = Int(next() % UInt64(maxCount + 1))
        var out = [UInt8](repeating: 0, count: count)
        var word = next()
        for index in 0..<count {
            if index % 8 == 0 { word = next() }
            out[index] = UInt8(truncatingIfNeeded: word >> (8 * (index % 8)))
        }
        return out
    }
}

/// A full WebRTC peer in-process (what a browser does, minus ICE gathering): STUN checks toward the
/// endpoint, a DTLS endpoint of its own, SRTP with the exported keys.
final class TestPeer {
    let address: SocketAddressValue
    let certificate: DtlsCertificate
    let ice = IceCredentials.random()
    var dtls: DtlsTransport?
    var srtp: SrtpSession?
    var packetizer = RtpPacketizer(ssrc: 0xABCD)

    init(address: SocketAddressValue = SocketAddressValue(ip: [10, 0, 0, 2], port: 40_000)) throws {
        self.address = address
        self.certificate = try DtlsCertificate()
    }

    /// An SDP offer with our credentials, fingerprint and Opus/PCMU.
    func offer(fingerprint: DtlsFingerprint? = nil) -> String {
        """
        v=0\r
        o=- 1 1 IN IP4 0.0.0.0\r
        s=-\r
        t=0 0\r
        m=audio \(address.port) UDP/TLS/RTP/SAVPF 111 0 101\r
        c=IN IP4 \(address.host)\r
        a=mid:0\r
        a=rtcp-mux\r
        a=ice-ufrag:\(ice.ufrag)\r
        a=ice-pwd:\(ice.password)\r
        a=fingerprint:\((fingerprint ?? certificate.fingerprint).sdpValue)\r
        a=setup:actpass\r
        a=rtpmap:111 opus/48000/2\r
        a=rtpmap:0 PCMU/8000\r
        a=rtpmap:101 telephone-event/8000\r
        a=candidate:1 1 udp 2130706431 \(address.host) \(address.port) typ host\r

        """
    }

    /// A binding request as a controlling agent would send it (RFC 8445 §7.2.2).
    func check(remote: IceCredentials, nominate: Bool = true, password: String? = nil) -> [UInt8] {
        var attributes: [StunAttribute] = [.username("\(remote.ufrag):\(ice.ufrag)"), .priority(1_000), .iceControlling(7)]
        if nominate { attributes.append(.useCandidate) }
        let transaction = (0..<12).map { _ in UInt8.random(in: 0...255) }
        return StunMessage(type: StunMessage.bindingRequest, transactionID: transaction, attributes: attributes)
            .encode(integrityKey: Array((password ?? remote.password).utf8))
    }
}
