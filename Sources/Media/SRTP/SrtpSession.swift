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

    /// Protects an RTP packet in a caller-owned buffer (RFC 3711 §3.3): the first `length` bytes are the packet and
    /// `buffer` has at least `maxOverhead` bytes more. Returns the protected length. No allocation, no copy.
    public func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SrtpError) -> Int {
        guard length + Self.maxOverhead <= buffer.count else { throw .malformed }
        return try run(buffer, length: length, context: outbound) { srtp_protect($0, $1, $2) }
    }

    /// Unprotects an SRTP packet in a caller-owned buffer; returns the plaintext length. Replays and forgeries throw
    /// and are counted (RFC 3711 §3.3.2).
    public func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SrtpError) -> Int {
        guard length <= buffer.count else { throw .malformed }
        return try run(buffer, length: length, context: inbound) { srtp_unprotect($0, $1, $2) }
    }

    /// Protects the RTP packet held in a reusable buffer in place (RFC 3711 §3.3).
    public func protectRTP(_ packet: inout PacketBuffer) throws(SrtpError) {
        let status = packet.withUnsafeMutableBytes { buffer, length in
            Self.call(buffer, &length, context: outbound) { srtp_protect($0, $1, $2) }
        }
        try check(status)
    }

    /// Unprotects the SRTP packet held in a reusable buffer in place; on failure the content is unchanged in length.
    public func unprotectRTP(_ packet: inout PacketBuffer) throws(SrtpError) {
        let status = packet.withUnsafeMutableBytes { buffer, length in
            Self.call(buffer, &length, context: inbound) { srtp_unprotect($0, $1, $2) }
        }
        try check(status)
    }

    private typealias Transform = (OpaquePointer, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t

    @inline(__always)
    private func run(_ buffer: UnsafeMutableRawBufferPointer, length: Int, context: OpaquePointer,
                     _ transform: Transform) throws(SrtpError) -> Int {
        var length = length
        try check(Self.call(buffer, &length, context: context, transform))
        return length
    }

    /// One libsrtp2 call on `buffer[0..<length]`; `length` becomes the result length on success.
    @inline(__always)
    private static func call(_ buffer: UnsafeMutableRawBufferPointer, _ length: inout Int, context: OpaquePointer,
                             _ transform: Transform) -> srtp_err_status_t {
        guard length >= 8, length <= buffer.count, let base = buffer.baseAddress else { return srtp_err_status_bad_param }
        var result = Int32(length)
        let status = transform(context, base, &result)
        guard status == srtp_err_status_ok else { return status }
        guard result >= 0, Int(result) <= buffer.count else { return srtp_err_status_bad_param }
        length = Int(result)
        return status
    }

    @inline(__always)
    private func check(_ status: srtp_err_status_t) throws(SrtpError) {
        switch status {
        case srtp_err_status_ok:
            return
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

    private func transform(_ packet: inout [UInt8], grow: Bool, _ transform: Transform) throws(SrtpError) {
        guard packet.count >= 8 else { throw .malformed }
        let originalCount = packet.count
        if grow { packet.append(contentsOf: repeatElement(0, count: Self.maxOverhead)) }
        var length = originalCount
        let context = grow ? outbound : inbound
        let status = packet.withUnsafeMutableBytes { buffer in Self.call(buffer, &length, context: context, transform) }
        guard status == srtp_err_status_ok else {
            if grow { packet.removeLast(Self.maxOverhead) }
            try check(status)
            return
        }
        packet.removeLast(packet.count - length)
    }
}
