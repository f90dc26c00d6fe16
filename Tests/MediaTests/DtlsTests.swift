import Media
import Testing

/// DTLS 1.2 handshakes between two in-process endpoints (RFC 6347, RFC 5764), driven by a manual clock.
@Suite("DTLS")
struct DtlsTests {
    final class Pair {
        let client: DtlsTransport
        let server: DtlsTransport
        var now = 0.0

        init(profiles: [SrtpProfile] = SrtpProfile.allCases, serverProfiles: [SrtpProfile] = SrtpProfile.allCases,
             tamperFingerprint: Bool = false) throws {
            let clientCertificate = try DtlsCertificate()
            let serverCertificate = try DtlsCertificate()
            var serverPrint = serverCertificate.fingerprint
            if tamperFingerprint { serverPrint.digest[0] ^= 0xFF }
            client = try DtlsTransport(role: .client, certificate: clientCertificate, remoteFingerprint: serverPrint,
                                       profiles: profiles, now: 0)
            server = try DtlsTransport(role: .server, certificate: serverCertificate,
                                       remoteFingerprint: clientCertificate.fingerprint, profiles: serverProfiles, now: 0)
        }

        static func drain(_ endpoint: DtlsTransport) -> [[UInt8]] {
            var out: [[UInt8]] = []
            while let datagram = endpoint.pollTransmit() { out.append(datagram) }
            return out
        }

        /// Shuttles datagrams until quiet; `transform` may drop, reorder or split a flight.
        func run(rounds: Int = 20, transform: ([[UInt8]]) -> [[UInt8]] = { $0 }) {
            client.start(now: now)
            for _ in 0..<rounds {
                let toServer = transform(Self.drain(client))
                for datagram in toServer { server.handle(datagram: datagram, now: now) }
                let toClient = transform(Self.drain(server))
                for datagram in toClient { client.handle(datagram: datagram, now: now) }
                if toServer.isEmpty && toClient.isEmpty { return }
            }
        }
    }

    static func keys(_ state: DtlsTransport.State) -> SrtpKeyingMaterial? {
        if case .connected(let keys) = state { return keys }
        return nil
    }

    /// Splits datagrams into one record each (13-byte header + length).
    static func records(_ datagrams: [[UInt8]]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for datagram in datagrams {
            var offset = 0
            while offset + 13 <= datagram.count {
                let end = min(datagram.count, offset + 13 + (Int(datagram[offset + 11]) << 8 | Int(datagram[offset + 12])))
                out.append(Array(datagram[offset..<end]))
                offset = end
            }
        }
        return out
    }

    @Test("Both roles connect; exporter keys mirror each other; GCM preferred by the server")
    func handshake() throws {
        let pair = try Pair()
        pair.run()
        let client = try #require(Self.keys(pair.client.state))
        let server = try #require(Self.keys(pair.server.state))
        #expect(client.profile == .aeadAes128Gcm)
        #expect(client.localMasterKey == server.remoteMasterKey)
        #expect(client.remoteMasterKey == server.localMasterKey)
        #expect(client.localMasterKey.count == 28)
        #expect(client.localMasterKey != client.remoteMasterKey)
    }

    @Test("A client offering only AES_CM_128_HMAC_SHA1_80 gets it, with 30-byte key+salt")
    func cmProfile() throws {
        let pair = try Pair(profiles: [.aes128CmSha1_80])
        pair.run()
        let keys = try #require(Self.keys(pair.client.state))
        #expect(keys.profile == .aes128CmSha1_80)
        #expect(keys.localMasterKey.count == 30)
    }

    @Test("A certificate that does not match the signalled fingerprint fails the client: no keys")
    func fingerprintMismatch() throws {
        let pair = try Pair(tamperFingerprint: true)
        pair.run()
        #expect(pair.client.state == .failed(.fingerprintMismatch))
    }

    @Test("A lost first flight is retransmitted when the injected clock passes the deadline")
    func retransmission() throws {
        let pair = try Pair()
        pair.client.start(now: 0)
        let lost = Pair.drain(pair.client)
        #expect(!lost.isEmpty)
        #expect(pair.client.nextTimeout == 1)
        pair.client.handleTimeout(now: 0.5)
        #expect(pair.client.pollTransmit() == nil)
        pair.client.handleTimeout(now: 1.0)
        let resent = Pair.drain(pair.client)
        #expect(resent == lost)
        #expect(pair.client.nextTimeout == 3)
        for datagram in resent { pair.server.handle(datagram: datagram, now: 1) }
        pair.now = 1
        pair.run()
        #expect(Self.keys(pair.client.state) != nil)
        #expect(Self.keys(pair.server.state) != nil)
    }

    /// Handshake messages of each flight, one record per datagram, in reverse order. ChangeCipherSpec and the
    /// encrypted Finished stay last: they share the flight's final datagram on a real path, and OpenSSL, like
    /// RFC 6347 §4.1 allows, drops epoch-0 records once it has switched epochs.
    static func reversedHandshake(_ datagrams: [[UInt8]]) -> [[UInt8]] {
        let all = records(datagrams)
        let plainHandshake = all.filter { $0[0] == 22 && $0[3] == 0 && $0[4] == 0 }
        let rest = all.filter { !($0[0] == 22 && $0[3] == 0 && $0[4] == 0) }
        return plainHandshake.reversed() + rest
    }

    @Test("Flights split into one record per datagram with handshake messages reversed still complete")
    func reorderedRecords() throws {
        let pair = try Pair()
        var split = 0
        pair.run { datagrams in
            let reordered = Self.reversedHandshake(datagrams)
            split = max(split, reordered.count)
            return reordered
        }
        #expect(split >= 5) // the server's flight became at least five separate datagrams
        #expect(Self.keys(pair.client.state) != nil)
        #expect(Self.keys(pair.server.state) != nil)
    }

    @Test("A handshake that never completes times out on the injected clock")
    func handshakeTimeout() throws {
        let pair = try Pair()
        pair.client.start(now: 0)
        var now = 0.0
        while now < 40 {
            now += 1
            pair.client.handleTimeout(now: now)
            _ = Pair.drain(pair.client)
        }
        #expect(pair.client.state == .failed(.timedOut))
    }

    @Test("Garbage datagrams never crash the handshake")
    func garbage() throws {
        let pair = try Pair()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var datagram = (0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !datagram.isEmpty { datagram[0] = 22 }
            pair.server.handle(datagram: datagram, now: 0)
        }
        _ = Pair.drain(pair.server)
    }
}
