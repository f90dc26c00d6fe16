/// The ICE-lite side of one session (RFC 8445 §2.5, §7.3): answers connectivity checks,
/// takes the nominated pair, and tracks consent freshness (RFC 7675 §5.1).
public struct IceLiteAgent: Sendable {
    /// Our credentials, signalled in our SDP.
    public private(set) var local: IceCredentials
    /// The peer's credentials from its SDP; checks are answered even before they are known.
    public var remote: IceCredentials?
    /// The remote address of the nominated pair: where media goes.
    public private(set) var selected: SocketAddressValue?
    /// When the last valid check arrived (seconds on the injected monotonic clock).
    public private(set) var lastValidCheck: Double?
    /// When the agent was created: sessions that never see a valid check are reaped after `setupTimeout`.
    public let createdAt: Double

    /// RFC 7675 §5.1: consent expires 30 s after the last valid check.
    public static let consentTimeout: Double = 30
    /// A session with no valid check at all is given up after this long.
    public static let setupTimeout: Double = 30

    /// The outcome of one incoming STUN message.
    public enum CheckResult: Sendable, Equatable {
        /// Send this response back to the sender; `nominated` tells that the pair was (re)selected.
        case respond([UInt8], nominated: Bool)
        /// Not for us, or failed authentication: drop silently.
        case ignore
    }

    /// Starts an agent with local credentials at time `now`.
    public init(local: IceCredentials = .random(), remote: IceCredentials? = nil, now: Double) {
        self.local = local
        self.remote = remote
        self.createdAt = now
    }

    /// Handles one decoded STUN message from `source` (RFC 8445 §7.3.1).
    public mutating func handle(_ decoded: DecodedStun, from source: SocketAddressValue, now: Double) -> CheckResult {
        let request = decoded.message
        guard request.type == StunMessage.bindingRequest, let username = request.username else { return .ignore }
        let parts = username.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0] == local.ufrag else { return .ignore }
        if let remote, parts[1] != remote.ufrag { return .ignore }
        do {
            try decoded.verifyIntegrity(key: Array(local.password.utf8))
        } catch {
            return .ignore
        }
        lastValidCheck = now
        var nominated = false
        if request.hasUseCandidate, selected != source {
            selected = source
            nominated = true
        }
        let response = StunMessage(type: StunMessage.bindingSuccess, transactionID: request.transactionID,
                                   attributes: [.xorMappedAddress(source)])
        return .respond(response.encode(integrityKey: Array(local.password.utf8)), nominated: nominated)
    }

    /// ICE restart (RFC 8445 §9, RFC 8839 §4.4.1.1.2): new local and remote credentials; the nominated
    /// pair stays until the peer nominates one with the new credentials.
    public mutating func restart(remote newRemote: IceCredentials, local newLocal: IceCredentials = .random()) {
        remote = newRemote
        local = newLocal
    }

    /// Whether the session must be dropped at `now`: consent lapsed (RFC 7675) or ICE never completed.
    public func hasExpired(now: Double) -> Bool {
        if let lastValidCheck { return now - lastValidCheck > Self.consentTimeout }
        return now - createdAt > Self.setupTimeout
    }
}
