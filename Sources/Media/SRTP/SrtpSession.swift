internal import CSRTP
internal import CMediaShims

/// Why a packet was not protected or unprotected.
public enum SrtpError: Error, Sendable, Equatable {
    case setup
    case replayed
    case authenticationFailed
    case malformed
}

/// SRTP and SRTCP (RFC 3711, RFC 7714) through libsrtp2, keyed from the DTLS exporter (RFC 5764 §4.2).
/// A pure byte transform; replayed and tampered packets are dropped and counted.
public final class SrtpSession {
    private let outbound: OpaquePointer
    private let inbound: OpaquePointer
    /// The profile in use.
    public let profile: SrtpProfile
    /// Incoming packets dropped as replays (RFC 3711 §3.3.2).
    public private(set) var replayedCount = 0
    /// Incoming packets dropped for a bad authentication tag (RFC 3711 §3.3).
    public private(set) var authenticationFailureCount = 0

    /// Bytes appended by protection at most (tag, SRTCP index); callers keep this much spare room.
    public static let maxOverhead = 32

    private static let initialized: Bool = sb_srtp_init_once() == Int32(srtp_err_status_ok.rawValue)

    /// Creates the outbound and inbound contexts from exported keys.
    public init(keys: SrtpKeyingMaterial) throws(SrtpError) {
        guard Self.initialized,
              let outbound = Self.makeContext(profile: keys.profile, key: keys.localMasterKey, inbound: false) else { throw .setup }
        guard let inbound = Self.makeContext(profile: keys.profile, key: keys.remoteMasterKey, inbound: true) else {
            srtp_dealloc(outbound)
            throw .setup
        }
        self.outbound = outbound
        self.inbound = inbound
        self.profile = keys.profile
    }

    deinit {
        srtp_dealloc(outbound)
        srtp_dealloc(inbound)
    }

    private static func makeContext(profile: SrtpProfile, key: [UInt8], inbound: Bool) -> OpaquePointer? {
        guard key.count == profile.keyLength + profile.saltLength else { return nil }
        var policy = srtp_policy_t()
        switch profile {
        case .aes128CmSha1_80:
            srtp_crypto_policy_set_rtp_default(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aeadAes128Gcm:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        }
        policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound
        policy.window_size = 1_024
        policy.allow_repeat_tx = 0
        var keyCopy = key + [UInt8](repeating: 0, count: 46 - key.count)
        var session: srtp_t?
        let status = keyCopy.withUnsafeMutableBufferPointer { buffer -> srtp_err_status_t in
            policy.key = buffer.baseAddress
            return srtp_create(&session, &policy)
        }
        guard status == srtp_err_status_ok else { return nil }
        return session
    }

    /// Protects an RTP packet in place (RFC 3711 §3.3), appending the tag.
    public func protectRTP(_ packet: inout [UInt8]) throws(SrtpError) {
        try transform(&packet, grow: true) { context, pointer, length in srtp_protect(context, pointer, length) }
    }

    /// Unprotects an SRTP packet in place, removing the tag; replays and forgeries throw and are counted.
    public func unprotectRTP(_ packet: inout [UInt8]) throws(SrtpError) {
        try transform(&packet, grow: false) { context, pointer, length in srtp_unprotect(context, pointer, length) }
    }

    /// Protects an RTCP compound packet in place (RFC 3711 §3.4).
    public func protectRTCP(_ packet: inout [UInt8]) throws(SrtpError) {
        try transform(&packet, grow: true) { context, pointer, length in srtp_protect_rtcp(context, pointer, length) }
    }

    /// Unprotects an SRTCP packet in place.
    public func unprotectRTCP(_ packet: inout [UInt8]) throws(SrtpError) {
        try transform(&packet, grow: false) { context, pointer, length in srtp_unprotect_rtcp(context, pointer, length) }
    }

    private func transform(_ packet: inout [UInt8], grow: Bool,
                           _ call: (OpaquePointer, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t) throws(SrtpError) {
        guard packet.count >= 8 else { throw .malformed }
        let originalCount = packet.count
        if grow { packet.append(contentsOf: repeatElement(0, count: Self.maxOverhead)) }
        var length = Int32(originalCount)
        let context = grow ? outbound : inbound
        let status = packet.withUnsafeMutableBytes { buffer in
            call(context, buffer.baseAddress!, &length) // Non-empty array: baseAddress exists.
        }
        guard status == srtp_err_status_ok, length >= 0, Int(length) <= packet.count else {
            if grow { packet.removeLast(Self.maxOverhead) }
            switch status {
            case srtp_err_status_replay_fail, srtp_err_status_replay_old:
                replayedCount += 1
                throw .replayed
            case srtp_err_status_auth_fail:
                authenticationFailureCount += 1
                throw .authenticationFailed
            default:
                throw .malformed
            }
        }
        packet.removeLast(packet.count - Int(length))
    }
}
