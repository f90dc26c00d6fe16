/// Our side of an audio negotiation, rendered as an SDP offer or answer (RFC 8866, JSEP RFC 8829 §5.2/§5.3).
public struct LocalAudioDescription: Sendable, Equatable {
    /// Our ICE credentials.
    public var ice: IceCredentials
    /// Our certificate's SHA-256 fingerprint.
    public var fingerprint: DtlsFingerprint
    /// Our `a=setup`.
    public var setup: DtlsSetup
    /// Host candidates: every configured address with the shared media port (IPv4 and IPv6).
    public var candidates: [SocketAddressValue]
    /// Payload formats in our preference order.
    public var formats: [PayloadFormat]
    /// Our RTP SSRC.
    public var ssrc: UInt32
    /// `a=mid` to use.
    public var mid: String
    /// `o=` session id.
    public var sessionID: UInt64

    /// Creates a description.
    public init(ice: IceCredentials, fingerprint: DtlsFingerprint, setup: DtlsSetup, candidates: [SocketAddressValue],
                formats: [PayloadFormat], ssrc: UInt32, mid: String = "0", sessionID: UInt64) {
        self.ice = ice
        self.fingerprint = fingerprint
        self.setup = setup
        self.candidates = candidates
        self.formats = formats
        self.ssrc = ssrc
        self.mid = mid
        self.sessionID = sessionID
    }

    /// Chooses our answer's formats from an offer (RFC 3264 §6.1): the offer's order and payload types, codecs we
    /// support only; Opus always with `useinbandfec=1`.
    public static func answerFormats(for offer: RemoteAudioDescription, supported: [PayloadFormat] = PayloadFormat.defaultOffer) throws(SdpError) -> [PayloadFormat] {
        var chosen: [PayloadFormat] = []
        for format in offer.formats where supported.contains(where: { $0.codec == format.codec && $0.clockRate == format.clockRate }) {
            var answer = format
            if format.codec == .opus { answer.parameters = "minptime=10;useinbandfec=1" }
            chosen.append(answer)
        }
        guard chosen.contains(where: { $0.codec != .telephoneEvent }) else { throw .noCommonCodec }
        return chosen
    }

    /// The answerer's `a=setup` for the offer's (RFC 8842 §5.3): actpass → `preferred`, active → passive, passive → active.
    public static func answerSetup(for offer: DtlsSetup, preferred: DtlsSetup = .active) -> DtlsSetup {
        switch offer {
        case .active: .passive
        case .passive: .active
        case .actpass, .holdconn: preferred
        }
    }

    /// Renders the SDP text: ice-lite, fingerprint, setup, rtcp-mux, the formats and host candidates.
    public func render() -> String {
        let first = candidates.first
        let connection = first.map { ($0.ip.count == 4 ? "IN IP4 " : "IN IP6 ") + $0.host } ?? "IN IP4 0.0.0.0"
        var lines = [
            "v=0",
            "o=- \(sessionID) 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=ice-lite",
            "a=group:BUNDLE \(mid)",
            "a=msid-semantic: WMS switchboard",
            "m=audio \(first?.port ?? 9) UDP/TLS/RTP/SAVPF " + formats.map { String($0.payloadType) }.joined(separator: " "),
            "c=\(connection)",
            "a=mid:\(mid)",
            "a=sendrecv",
            "a=rtcp-mux",
            "a=ice-ufrag:\(ice.ufrag)",
            "a=ice-pwd:\(ice.password)",
            "a=fingerprint:\(fingerprint.sdpValue)",
            "a=setup:\(setup.rawValue)",
        ]
        for format in formats {
            lines.append("a=rtpmap:\(format.rtpmap)")
            if let parameters = format.parameters { lines.append("a=fmtp:\(format.payloadType) \(parameters)") }
        }
        lines.append("a=ssrc:\(ssrc) cname:switchboard")
        lines.append("a=ssrc:\(ssrc) msid:switchboard audio")
        for (index, candidate) in candidates.enumerated() {
            // RFC 8445 §5.1.2.1 priority: host type preference 126, local preference by order, component 1.
            let priority = (126 << 24) | ((65_535 - index) << 8) | 255
            lines.append("a=candidate:\(index + 1) 1 udp \(priority) \(candidate.host) \(candidate.port) typ host")
        }
        lines.append("a=end-of-candidates")
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
