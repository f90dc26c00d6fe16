/// One WebRTC audio session on the shared port, sans-IO: ICE-lite (RFC 8445 §2.5), DTLS-SRTP (RFC 5764) and
/// SRTP-protected RTP/RTCP with rtcp-mux (RFC 5761). Datagrams and `now` in; datagrams and events out.
public final class MediaSession {
    /// Something the owner of the session should know.
    public enum Event: Sendable, Equatable {
        /// The peer nominated this remote address (RFC 8445 §7.3.1.5); media follows it.
        case selected(SocketAddressValue)
        /// DTLS completed, the fingerprint matched, SRTP is keyed with this profile.
        case connected(SrtpProfile)
        /// An authenticated RTP packet arrived.
        case rtp(RtpPacket)
        /// An authenticated RTCP compound packet arrived.
        case rtcp([UInt8])
        /// The session failed (wrong fingerprint, handshake error); no media flows.
        case failed(String)
        /// Consent lapsed or setup never completed (RFC 7675 §5.1): the session is dropped.
        case expired
    }

    /// A datagram to send.
    public struct Transmit: Sendable, Equatable {
        /// Bytes of the datagram.
        public var bytes: [UInt8]
        /// Destination.
        public var destination: SocketAddressValue
    }

    /// Stable id within the endpoint.
    public let id: Int
    /// ICE state.
    public private(set) var ice: IceLiteAgent
    /// What we signalled.
    public private(set) var local: LocalAudioDescription
    /// What the peer signalled, once known.
    public private(set) var remote: RemoteAudioDescription?
    /// Whether the session is usable: false after failure or expiry.
    public private(set) var isAlive = true
    /// SRTP profiles we accept, preferred first.
    public let profiles: [SrtpProfile]
    /// The SRTP transform once DTLS completed (exposes replay and tamper counters).
    public private(set) var srtp: SrtpSession?

    private let certificate: DtlsCertificate
    private var dtls: DtlsTransport?
    private var dtlsRole: DtlsTransport.Role?
    private var outbound: [Transmit] = []
    private var events: [Event] = []

    /// Creates a session with fresh ICE credentials and our host candidates.
    public init(id: Int, certificate: DtlsCertificate, candidates: [SocketAddressValue],
                profiles: [SrtpProfile] = SrtpProfile.allCases, formats: [PayloadFormat] = PayloadFormat.defaultOffer, now: Double) {
        self.id = id
        self.certificate = certificate
        self.profiles = profiles
        self.ice = IceLiteAgent(now: now)
        self.local = LocalAudioDescription(ice: ice.local, fingerprint: certificate.fingerprint, setup: .actpass,
                                           candidates: candidates, formats: formats, ssrc: .random(in: 1...UInt32.max),
                                           sessionID: .random(in: 1...UInt64(Int64.max)))
    }

    /// Our offer (JSEP RFC 8829 §5.2): `a=setup:actpass`; the answer decides the DTLS role.
    public func createOffer() -> String {
        local.setup = .actpass
        return local.render()
    }

    /// Applies the peer's answer to our offer (RFC 8842 §5.2): active → we are server, passive → we are client.
    public func acceptAnswer(_ sdp: String, now: Double) throws(SdpError) {
        let answer = try RemoteAudioDescription(SessionDescription(parsing: sdp))
        try applyRemote(answer, ourRole: answer.setup == .passive ? .client : .server, now: now)
    }

    /// Answers the peer's offer (JSEP RFC 8829 §5.3); `preferredSetup` is used when the offer says actpass.
    public func acceptOffer(_ sdp: String, preferredSetup: DtlsSetup = .active, now: Double) throws(SdpError) -> String {
        let offer = try RemoteAudioDescription(SessionDescription(parsing: sdp))
        local.formats = try LocalAudioDescription.answerFormats(for: offer)
        local.setup = LocalAudioDescription.answerSetup(for: offer.setup, preferred: preferredSetup)
        if let remote, remote.ice != offer.ice {
            ice.restart(remote: offer.ice)
            local.ice = ice.local
        }
        try applyRemote(offer, ourRole: local.setup == .active ? .client : .server, now: now)
        return local.render()
    }

    private func applyRemote(_ description: RemoteAudioDescription, ourRole: DtlsTransport.Role, now: Double) throws(SdpError) {
        remote = description
        ice.remote = description.ice
        if let dtls {
            dtls.remoteFingerprint = description.fingerprint // Renegotiation keeps the DTLS association.
            return
        }
        dtlsRole = ourRole
        do {
            dtls = try DtlsTransport(role: ourRole, certificate: certificate, remoteFingerprint: description.fingerprint,
                                     profiles: profiles, now: now)
        } catch {
            fail("dtls setup: \(error)")
        }
        if ourRole == .client, ice.selected != nil { startDtls(now: now) }
    }

    /// Handles one datagram the endpoint routed to this session.
    public func handle(_ datagram: [UInt8], kind: PacketKind, from source: SocketAddressValue, now: Double) {
        guard isAlive else { return }
        switch kind {
        case .stun:
            guard let decoded = try? StunDecoder.decode(datagram) else { return }
            handleStun(decoded, from: source, now: now)
        case .dtls:
            guard let dtls else { return }
            dtls.handle(datagram: datagram, now: now)
            afterDtls(now: now)
        case .rtp:
            guard let srtp else { return }
            var packet = datagram
            guard (try? srtp.unprotectRTP(&packet)) != nil, let rtp = RtpPacket(parsing: packet) else { return }
            events.append(.rtp(rtp))
        case .rtcp:
            guard let srtp else { return }
            var packet = datagram
            guard (try? srtp.unprotectRTCP(&packet)) != nil else { return }
            events.append(.rtcp(packet))
        case .unknown:
            return
        }
    }

    /// Handles an already decoded STUN message (the endpoint decodes once to route by USERNAME).
    /// Returns whether it was a valid check.
    @discardableResult
    public func handleStun(_ decoded: DecodedStun, from source: SocketAddressValue, now: Double) -> Bool {
        guard isAlive else { return false }
        switch ice.handle(decoded, from: source, now: now) {
        case .ignore:
            return false
        case .respond(let response, let nominated):
            outbound.append(Transmit(bytes: response, destination: source))
            if nominated {
                events.append(.selected(source))
                if dtlsRole == .client { startDtls(now: now) }
            }
            return true
        }
    }

    private func startDtls(now: Double) {
        dtls?.start(now: now)
        afterDtls(now: now)
    }

    private func afterDtls(now: Double) {
        guard let dtls else { return }
        while let datagram = dtls.pollTransmit() {
            if let destination = ice.selected ?? remote?.candidates.first {
                outbound.append(Transmit(bytes: datagram, destination: destination))
            }
        }
        switch dtls.state {
        case .connected(let keys) where srtp == nil:
            do {
                srtp = try SrtpSession(keys: keys)
                events.append(.connected(keys.profile))
            } catch {
                fail("srtp setup failed")
            }
        case .failed(let error):
            fail("dtls: \(error)")
        case .closed:
            fail("dtls closed by peer")
        default:
            break
        }
    }

    private func fail(_ reason: String) {
        guard isAlive else { return }
        isAlive = false
        srtp = nil
        events.append(.failed(reason))
    }

    /// Protects and queues an RTP packet to the selected address; false if the session cannot send media yet.
    @discardableResult
    public func send(_ packet: RtpPacket) -> Bool {
        guard isAlive, let srtp, let destination = ice.selected else { return false }
        var bytes = packet.serialized()
        guard (try? srtp.protectRTP(&bytes)) != nil else { return false }
        outbound.append(Transmit(bytes: bytes, destination: destination))
        return true
    }

    /// Protects an RTP packet held in a reusable buffer in place (e.g. from `MediaBridge.tick(toAgent:toCarrier:)`)
    /// and queues it to the selected address; false if the session cannot send media yet.
    @discardableResult
    public func send(_ packet: inout PacketBuffer) -> Bool {
        guard isAlive, let srtp, let destination = ice.selected else { return false }
        guard (try? srtp.protectRTP(&packet)) != nil else { return false }
        outbound.append(Transmit(bytes: packet.bytes, destination: destination))
        return true
    }

    /// Protects and queues an RTCP compound packet (rtcp-mux: same address as RTP).
    @discardableResult
    public func sendRTCP(_ packet: [UInt8]) -> Bool {
        guard isAlive, let srtp, let destination = ice.selected else { return false }
        var bytes = packet
        guard (try? srtp.protectRTCP(&bytes)) != nil else { return false }
        outbound.append(Transmit(bytes: bytes, destination: destination))
        return true
    }

    /// Drives DTLS retransmission and consent freshness with the injected clock.
    public func handleTimeout(now: Double) {
        guard isAlive else { return }
        if ice.hasExpired(now: now) {
            isAlive = false
            srtp = nil
            events.append(.expired)
            return
        }
        dtls?.handleTimeout(now: now)
        afterDtls(now: now)
    }

    /// The next time `handleTimeout` is due.
    public var nextTimeout: Double? {
        guard isAlive else { return nil }
        let consent = (ice.lastValidCheck ?? ice.createdAt) + IceLiteAgent.consentTimeout
        return min(consent, dtls?.nextTimeout ?? .infinity)
    }

    /// Whether DTLS completed and SRTP is keyed.
    public var isConnected: Bool { srtp != nil && isAlive }

    /// Next datagram to send.
    public func pollTransmit() -> Transmit? { outbound.isEmpty ? nil : outbound.removeFirst() }

    /// Next event.
    public func pollEvent() -> Event? { events.isEmpty ? nil : events.removeFirst() }
}
