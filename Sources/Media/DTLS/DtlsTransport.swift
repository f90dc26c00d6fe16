internal import COpenSSL
internal import CMediaShims

/// DTLS 1.2 (RFC 6347) for DTLS-SRTP (RFC 5764) over OpenSSL memory BIOs, sans-IO: datagrams in, datagrams and
/// events out, retransmission driven by the caller's clock (RFC 6347 §4.2.4.1: 1 s initial, doubling to 60 s).
public final class DtlsTransport {
    /// Which end of the handshake we are (RFC 8842 §5: active = client, passive = server).
    public enum Role: Sendable, Equatable { case client, server }

    /// Where the handshake stands.
    public enum State: Sendable, Equatable {
        case handshaking
        case connected(SrtpKeyingMaterial)
        case failed(DtlsError)
        case closed
    }

    /// Largest datagram we emit (RFC 8261-style path MTU guess for WebRTC).
    public static let mtu = 1_200
    /// Give up the handshake after this long without completing.
    public static let handshakeTimeout: Double = 30

    public let role: Role
    /// Current state; `connected` carries the SRTP keys.
    public private(set) var state: State = .handshaking
    /// The peer's signalled fingerprint, checked against its certificate (RFC 8122 §5).
    public var remoteFingerprint: DtlsFingerprint

    private let ssl: OpaquePointer
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer
    private var outbound: [[UInt8]] = []
    private var lastFlight: [[UInt8]] = []
    private var retransmitAt: Double?
    private var retransmitInterval: Double = 1
    private let startedAt: Double
    private var started = false

    /// Creates an endpoint with our certificate, the peer's fingerprint and the SRTP profiles we accept in order.
    public init(role: Role, certificate: DtlsCertificate, remoteFingerprint: DtlsFingerprint,
                profiles: [SrtpProfile] = SrtpProfile.allCases, now: Double) throws(DtlsError) {
        let context = certificate.context
        let profileList = profiles.map(\.rawValue).joined(separator: ":")
        guard !profiles.isEmpty, let ssl = SSL_new(context) else { throw .contextSetup }
        guard SSL_set_tlsext_use_srtp(ssl, profileList) == 0, // 0 means success here.
              let readBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw .contextSetup
        }
        guard let writeBIO = BIO_new(BIO_s_mem()) else {
            BIO_free(readBIO)
            SSL_free(ssl)
            throw .contextSetup
        }
        _ = BIO_ctrl(readBIO, 130 /* BIO_C_SET_BUF_MEM_EOF_RETURN */, -1, nil)
        _ = BIO_ctrl(writeBIO, 130, -1, nil)
        SSL_set_bio(ssl, readBIO, writeBIO)
        _ = SSL_set_options(ssl, sb_ssl_op_no_query_mtu())
        _ = sb_ssl_set_mtu(ssl, Self.mtu - 28)
        // OpenSSL's own wall-clock timer is pushed far out: retransmission follows the injected clock instead.
        DTLS_set_timer_cb(ssl) { _, _ in 3_600_000_000 }
        if role == .client { SSL_set_connect_state(ssl) } else { SSL_set_accept_state(ssl) }
        self.role = role
        self.remoteFingerprint = remoteFingerprint
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        self.startedAt = now
    }

    deinit {
        SSL_free(ssl) // frees both BIOs; the context belongs to the certificate
    }

    /// Starts the handshake: the client sends its ClientHello; the server waits for one.
    public func start(now: Double) {
        guard !started else { return }
        started = true
        if role == .client { drive(now: now) }
    }

    /// Feeds one DTLS datagram from the peer.
    public func handle(datagram: [UInt8], now: Double) {
        guard case .handshaking = state else {
            if case .connected = state { feedAndRead(datagram) }
            return
        }
        started = true
        _ = datagram.withUnsafeBytes { BIO_write(readBIO, $0.baseAddress, Int32($0.count)) }
        drive(now: now)
    }

    /// Retransmits the last flight or gives up, when the injected clock passes the deadline.
    public func handleTimeout(now: Double) {
        guard case .handshaking = state, started else { return }
        if now - startedAt > Self.handshakeTimeout {
            state = .failed(.timedOut)
            return
        }
        guard let deadline = retransmitAt, now >= deadline else { return }
        outbound += lastFlight
        retransmitInterval = min(retransmitInterval * 2, 60)
        retransmitAt = now + retransmitInterval
    }

    /// The next time `handleTimeout` must be called, if any.
    public var nextTimeout: Double? {
        guard case .handshaking = state, started else { return nil }
        return min(retransmitAt ?? .infinity, startedAt + Self.handshakeTimeout)
    }

    /// The next datagram to send to the peer, if any.
    public func pollTransmit() -> [UInt8]? {
        outbound.isEmpty ? nil : outbound.removeFirst()
    }

    private func drive(now: Double) {
        let result = SSL_do_handshake(ssl)
        let flight = drainWriteBIO()
        if !flight.isEmpty {
            outbound += flight
            lastFlight = flight
            retransmitInterval = 1
            retransmitAt = now + retransmitInterval
        }
        if result == 1 {
            finishHandshake()
            return
        }
        let error = SSL_get_error(ssl, result)
        if error != 2 && error != 3 { // SSL_ERROR_WANT_READ / WANT_WRITE
            var code = ERR_get_error()
            var message = "ssl error \(error)"
            if code != 0, let reason = ERR_reason_error_string(code) { message = String(cString: reason) }
            while code != 0 { code = ERR_get_error() }
            state = .failed(.handshakeFailed(message))
        }
    }

    private func finishHandshake() {
        retransmitAt = nil
        guard let peer = SSL_get1_peer_certificate(ssl) else {
            state = .failed(.fingerprintMismatch)
            return
        }
        let digest = DtlsCertificate.sha256(of: peer)
        X509_free(peer)
        guard remoteFingerprint.algorithm == "sha-256", let digest, digest == remoteFingerprint.digest else {
            _ = SSL_shutdown(ssl)
            outbound += drainWriteBIO()
            state = .failed(.fingerprintMismatch)
            return
        }
        guard let selected = SSL_get_selected_srtp_profile(ssl),
              let profile = SrtpProfile(protectionProfileID: UInt(selected.pointee.id)) else {
            state = .failed(.noSrtpProfile)
            return
        }
        let length = 2 * (profile.keyLength + profile.saltLength)
        var exported = [UInt8](repeating: 0, count: length)
        let label = "EXTRACTOR-dtls_srtp"
        guard SSL_export_keying_material(ssl, &exported, length, label, label.utf8.count, nil, 0, 0) == 1 else {
            state = .failed(.keyExport)
            return
        }
        state = .connected(SrtpKeyingMaterial(profile: profile, exported: exported, isClient: role == .client))
    }

    /// After the handshake: lets OpenSSL answer retransmitted flights and notice close_notify.
    private func feedAndRead(_ datagram: [UInt8]) {
        _ = datagram.withUnsafeBytes { BIO_write(readBIO, $0.baseAddress, Int32($0.count)) }
        var scratch = [UInt8](repeating: 0, count: 2_048)
        while true {
            let read = SSL_read(ssl, &scratch, Int32(scratch.count))
            if read > 0 { continue } // Application data is not used by DTLS-SRTP.
            if SSL_get_error(ssl, read) == 6 { state = .closed } // SSL_ERROR_ZERO_RETURN
            break
        }
        outbound += drainWriteBIO()
        ERR_clear_error()
    }

    /// Splits what OpenSSL wrote into datagrams of whole records no larger than the MTU.
    private func drainWriteBIO() -> [[UInt8]] {
        let pending = Int(BIO_ctrl_pending(writeBIO))
        guard pending > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = Int(BIO_read(writeBIO, &bytes, Int32(pending)))
        guard read > 0 else { return [] }
        var datagrams: [[UInt8]] = []
        var current: [UInt8] = []
        var offset = 0
        while offset + 13 <= read {
            let recordLength = 13 + (Int(bytes[offset + 11]) << 8 | Int(bytes[offset + 12]))
            let end = min(offset + recordLength, read)
            if !current.isEmpty && current.count + (end - offset) > Self.mtu {
                datagrams.append(current)
                current = []
            }
            current += bytes[offset..<end]
            offset = end
        }
        if !current.isEmpty { datagrams.append(current) }
        return datagrams
    }
}
