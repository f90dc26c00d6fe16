/// All media sessions behind one UDP port (issue 4: "one UDP port serves every session"): datagrams are matched
/// to sessions by ICE USERNAME first and by remote address after (RFC 7983 demux, RFC 8445 §7.3).
public final class MediaEndpoint {
    /// The per-process certificate shared by every session.
    public let certificate: DtlsCertificate
    /// Host candidates advertised in every SDP: configured addresses with the bound port (IPv4 and IPv6).
    public var candidates: [SocketAddressValue]
    /// SRTP profiles sessions accept, preferred first.
    public var profiles: [SrtpProfile]
    /// Datagrams that matched no session or failed to parse.
    public private(set) var droppedCount = 0

    private var sessions: [Int: MediaSession] = [:]
    private var byUfrag: [String: Int] = [:]
    private var byAddress: [SocketAddressValue: Int] = [:]
    private var nextID = 1

    /// Creates an endpoint.
    public init(certificate: DtlsCertificate, candidates: [SocketAddressValue], profiles: [SrtpProfile] = SrtpProfile.allCases) {
        self.certificate = certificate
        self.candidates = candidates
        self.profiles = profiles
    }

    /// Creates a session with fresh credentials.
    public func makeSession(now: Double) -> MediaSession {
        let session = MediaSession(id: nextID, certificate: certificate, candidates: candidates, profiles: profiles, now: now)
        nextID += 1
        sessions[session.id] = session
        byUfrag[session.ice.local.ufrag] = session.id
        return session
    }

    /// Answers an offer on a new session, or on `existing` (renegotiation; a new ufrag means ICE restart).
    public func answer(offer sdp: String, existing: MediaSession? = nil, preferredSetup: DtlsSetup = .active,
                       now: Double) throws(SdpError) -> (MediaSession, String) {
        let session = existing ?? makeSession(now: now)
        do {
            let answer = try session.acceptOffer(sdp, preferredSetup: preferredSetup, now: now)
            byUfrag[session.ice.local.ufrag] = session.id
            return (session, answer)
        } catch {
            if existing == nil { remove(session.id) }
            throw error
        }
    }

    /// The session with this id, if alive.
    public func session(_ id: Int) -> MediaSession? { sessions[id] }

    /// Number of live sessions.
    public var sessionCount: Int { sessions.count }

    /// Routes one datagram from `source`.
    public func handle(_ datagram: [UInt8], from source: SocketAddressValue, now: Double) {
        let kind = PacketDemux.classify(datagram)
        if kind == .stun {
            guard let decoded = try? StunDecoder.decode(datagram), let username = decoded.message.username,
                  let ufrag = username.split(separator: ":", maxSplits: 1).first,
                  let id = byUfrag[String(ufrag)], let session = sessions[id] else {
                droppedCount += 1
                return
            }
            if session.handleStun(decoded, from: source, now: now) { byAddress[source] = id }
            return
        }
        guard kind != .unknown, let id = byAddress[source], let session = sessions[id] else {
            droppedCount += 1
            return
        }
        session.handle(datagram, kind: kind, from: source, now: now)
    }

    /// Drives timers of every session (DTLS retransmission, consent freshness, setup timeout).
    public func handleTimeout(now: Double) {
        for session in sessions.values { session.handleTimeout(now: now) }
    }

    /// Drains every session's events, then reaps sessions that failed or expired (RFC 7675 §5.1).
    public func pollEvents() -> [(session: Int, event: MediaSession.Event)] {
        var events: [(session: Int, event: MediaSession.Event)] = []
        for session in sessions.values {
            while let event = session.pollEvent() { events.append((session.id, event)) }
            if !session.isAlive { remove(session.id) }
        }
        return events
    }

    /// Drains queued datagrams of every session.
    public func pollTransmits() -> [MediaSession.Transmit] {
        var out: [MediaSession.Transmit] = []
        for session in sessions.values {
            while let transmit = session.pollTransmit() { out.append(transmit) }
        }
        return out
    }

    /// Removes a session and its routes.
    public func remove(_ id: Int) {
        sessions[id] = nil
        byUfrag = byUfrag.filter { $0.value != id }
        byAddress = byAddress.filter { $0.value != id }
    }
}
