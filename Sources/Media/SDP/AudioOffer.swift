/// A DTLS fingerprint (RFC 8122 §5): hash function and digest bytes.
public struct DtlsFingerprint: Sendable, Equatable {
    /// Hash function name, lower case (`sha-256`).
    public var algorithm: String
    /// Digest bytes.
    public var digest: [UInt8]

    /// Creates a fingerprint.
    public init(algorithm: String, digest: [UInt8]) {
        self.algorithm = algorithm
        self.digest = digest
    }

    /// Parses the value of `a=fingerprint` (`sha-256 AB:CD:...`).
    public init?(sdpValue: String) {
        let fields = sdpValue.split(separator: " ")
        guard fields.count == 2 else { return nil }
        var bytes: [UInt8] = []
        for hex in fields[1].split(separator: ":") {
            guard hex.count == 2, let byte = UInt8(hex, radix: 16) else { return nil }
            bytes.append(byte)
        }
        guard !bytes.isEmpty else { return nil }
        self.init(algorithm: fields[0].lowercased(), digest: bytes)
    }

    /// The `a=fingerprint` value, upper-case hex pairs.
    public var sdpValue: String {
        algorithm + " " + digest.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}

/// The DTLS role from `a=setup` (RFC 8842 §3, RFC 4145 §4).
public enum DtlsSetup: String, Sendable, Equatable {
    case active, passive, actpass, holdconn
}

/// What a remote SDP says about its audio section, in the terms the media stack needs (JSEP RFC 8829 §5.8).
public struct RemoteAudioDescription: Sendable, Equatable {
    /// The peer's ICE credentials.
    public var ice: IceCredentials
    /// Whether the peer is ICE-lite.
    public var iceLite: Bool
    /// The peer's SHA-256 fingerprint (other hashes are ignored).
    public var fingerprint: DtlsFingerprint
    /// The peer's `a=setup`.
    public var setup: DtlsSetup
    /// UDP host/srflx candidates, component 1.
    public var candidates: [SocketAddressValue]
    /// Payload formats we understand, in the peer's order.
    public var formats: [PayloadFormat]
    /// `a=mid` of the audio section.
    public var mid: String?
    /// Whether `a=rtcp-mux` is present (RFC 5761 §5.1.3).
    public var rtcpMux: Bool

    /// Extracts the first audio section of `sdp`.
    public init(_ sdp: SessionDescription) throws(SdpError) {
        guard let audio = sdp.media.first(where: { $0.kind == "audio" && $0.port != 0 }) else { throw .noAudio }
        guard let ufrag = audio.value("ice-ufrag") ?? sdp.value("ice-ufrag"),
              let pwd = audio.value("ice-pwd") ?? sdp.value("ice-pwd") else { throw .missingIceCredentials }
        ice = IceCredentials(ufrag: ufrag, password: pwd)
        iceLite = sdp.value("ice-lite") != nil || audio.has("ice-lite")
        let fingerprints = (audio.values("fingerprint") + sdp.attributes.filter { $0.name == "fingerprint" }.compactMap(\.value))
            .compactMap(DtlsFingerprint.init(sdpValue:))
        guard let sha256 = fingerprints.first(where: { $0.algorithm == "sha-256" }) else { throw .missingFingerprint }
        fingerprint = sha256
        setup = DtlsSetup(rawValue: audio.value("setup") ?? sdp.value("setup") ?? "actpass") ?? .actpass
        candidates = audio.values("candidate").compactMap(Self.parseCandidate)
        mid = audio.value("mid")
        rtcpMux = audio.has("rtcp-mux")
        var rtpmaps: [String: String] = [:]
        var fmtps: [String: String] = [:]
        for value in audio.values("rtpmap") {
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { rtpmaps[String(parts[0])] = String(parts[1]) }
        }
        for value in audio.values("fmtp") {
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { fmtps[String(parts[0])] = String(parts[1]) }
        }
        formats = audio.formats.compactMap { pt in
            guard let payloadType = UInt8(pt) else { return nil }
            let map = rtpmaps[pt] ?? (payloadType == 0 ? "PCMU/8000" : payloadType == 8 ? "PCMA/8000" : "")
            let fields = map.split(separator: "/")
            guard fields.count >= 2, let clock = Int(fields[1]) else { return nil }
            let channels = fields.count > 2 ? Int(fields[2]) ?? 1 : 1
            guard let codec = AudioCodec.allCases.first(where: { $0.encodingName.lowercased() == fields[0].lowercased() }) else { return nil }
            return PayloadFormat(payloadType: payloadType, codec: codec, clockRate: clock, channels: channels, parameters: fmtps[pt])
        }
    }

    /// Parses `a=candidate` (RFC 8839 §5.1); only UDP component 1 with an IP literal is kept.
    static func parseCandidate(_ value: String) -> SocketAddressValue? {
        let fields = value.split(separator: " ")
        guard fields.count >= 8, fields[1] == "1", fields[2].lowercased() == "udp", let port = UInt16(fields[5]) else { return nil }
        return SocketAddressValue(host: String(fields[4]), port: port)
    }
}
