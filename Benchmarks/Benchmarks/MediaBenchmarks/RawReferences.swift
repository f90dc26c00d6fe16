import CBenchOpenSSL
import CBenchOpus
import CBenchSRTP
import Media

/// Raw libsrtp2: the same protect+unprotect with direct C calls.
final class RawSrtp {
    let sender: srtp_t
    let receiver: srtp_t
    var buffer = [UInt8](repeating: 0, count: 256)

    /// libsrtp2 is initialised once per process, through Media's own once-only initialisation (a second
    /// `srtp_init` in the same process fails, and the paired benchmark runs both in one process): creating
    /// one of our sessions runs it. Only the protect/unprotect calls are measured, and those are raw.
    private static let initialized: Bool = (try? SrtpSession(keys: SrtpFixtures.keys(.aeadAes128Gcm).0)) != nil

    init?(profile: SrtpProfile) {
        guard Self.initialized else { return nil }
        let keys = SrtpFixtures.keys(profile)
        guard let sender = Self.make(profile, keys.0.localMasterKey, ssrc_any_outbound),
              let receiver = Self.make(profile, keys.0.localMasterKey, ssrc_any_inbound) else { return nil }
        self.sender = sender
        self.receiver = receiver
    }

    deinit {
        srtp_dealloc(sender)
        srtp_dealloc(receiver)
    }

    static func make(_ profile: SrtpProfile, _ key: [UInt8], _ type: srtp_ssrc_type_t) -> srtp_t? {
        var policy = srtp_policy_t()
        if profile == .aeadAes128Gcm {
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        } else {
            srtp_crypto_policy_set_rtp_default(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        }
        policy.ssrc.type = type
        policy.window_size = 1_024
        var keyCopy = key + [UInt8](repeating: 0, count: 46 - key.count)
        var session: srtp_t?
        let status = keyCopy.withUnsafeMutableBufferPointer { pointer -> srtp_err_status_t in
            policy.key = pointer.baseAddress
            return srtp_create(&session, &policy)
        }
        return status == srtp_err_status_ok ? session : nil
    }

    private(set) var failures = 0
    private var sequence: UInt16 = 0

    func run(iterations: Int) -> Int32 {
        let plain = SrtpFixtures.plainPacket()
        var total: Int32 = 0
        var failures = 0
        var sequence = self.sequence
        buffer.withUnsafeMutableBufferPointer { pointer in
            guard let base = pointer.baseAddress else { return }
            for _ in 0..<iterations {
                sequence &+= 1
                for index in 0..<plain.count { base[index] = plain[index] }
                base[2] = UInt8(sequence >> 8)
                base[3] = UInt8(truncatingIfNeeded: sequence)
                var length = Int32(plain.count)
                if srtp_protect(sender, base, &length) != srtp_err_status_ok { failures += 1 }
                if srtp_unprotect(receiver, base, &length) != srtp_err_status_ok { failures += 1 }
                total &+= length
            }
        }
        self.sequence = sequence
        self.failures += failures
        return total
    }
}

/// Raw libopus: encode (and decode) the same frame at the same settings.
final class RawOpus {
    let encoder: OpaquePointer
    let decoder: OpaquePointer
    let frame: [Int16]
    var packet = [UInt8](repeating: 0, count: 1_500)
    var pcm: [Int16]

    init?(sampleRate: Int32, frame: [Int16]) {
        var error: Int32 = 0
        guard let encoder = opus_encoder_create(sampleRate, 1, OPUS_APPLICATION_VOIP, &error) else { return nil }
        guard let decoder = opus_decoder_create(sampleRate, 1, &error) else {
            opus_encoder_destroy(encoder)
            return nil
        }
        _ = sb_bench_opus_configure(encoder, 32_000, 5, 1, 5)
        self.encoder = encoder
        self.decoder = decoder
        self.frame = frame
        self.pcm = [Int16](repeating: 0, count: Int(sampleRate) / 50)
    }

    deinit {
        opus_encoder_destroy(encoder)
        opus_decoder_destroy(decoder)
    }

    func encode(iterations: Int) -> Int32 {
        var total: Int32 = 0
        let capacity = Int32(packet.count)
        for _ in 0..<iterations { total &+= opus_encode(encoder, frame, Int32(frame.count), &packet, capacity) }
        return total
    }

    func encodeDecode(iterations: Int) -> Int32 {
        var total: Int32 = 0
        let capacity = Int32(packet.count)
        let samples = Int32(pcm.count)
        for _ in 0..<iterations {
            // Per call and 20 ms the bridge encodes once (carrier → agent) and decodes once (agent → carrier).
            let written = opus_encode(encoder, frame, Int32(frame.count), &packet, capacity)
            total &+= opus_decode(decoder, packet, written, &pcm, samples, 0)
        }
        return total
    }
}

/// A bare OpenSSL DTLS 1.2 handshake loop: two SSL objects on memory BIOs, ECDSA P-256 certificates,
/// use_srtp, bytes moved until both finish, then the SRTP exporter.
final class RawDtls {
    let clientContext: OpaquePointer
    let serverContext: OpaquePointer

    init?() {
        guard let client = Self.context(), let server = Self.context() else { return nil }
        clientContext = client
        serverContext = server
    }

    deinit {
        SSL_CTX_free(clientContext)
        SSL_CTX_free(serverContext)
    }

    static func context() -> OpaquePointer? {
        guard let generator = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { return nil }
        defer { EVP_PKEY_CTX_free(generator) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(generator) == 1, EVP_PKEY_CTX_set_group_name(generator, "P-256") == 1,
              EVP_PKEY_generate(generator, &key) == 1, let key, let certificate = X509_new() else { return nil }
        defer { EVP_PKEY_free(key); X509_free(certificate) }
        _ = X509_set_version(certificate, 2)
        _ = ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1)
        _ = X509_gmtime_adj(X509_getm_notBefore(certificate), 0)
        _ = X509_gmtime_adj(X509_getm_notAfter(certificate), 86_400)
        _ = X509_set_pubkey(certificate, key)
        let name = X509_get_subject_name(certificate)
        _ = X509_NAME_add_entry_by_txt(name, "CN", 0x1001, Array("bench".utf8), 5, -1, 0)
        _ = X509_set_issuer_name(certificate, name)
        _ = X509_sign(certificate, key, EVP_sha256())
        guard let context = SSL_CTX_new(DTLS_method()) else { return nil }
        _ = sb_bench_set_dtls12(context)
        _ = SSL_CTX_use_certificate(context, certificate)
        _ = SSL_CTX_use_PrivateKey(context, key)
        _ = SSL_CTX_set_tlsext_use_srtp(context, "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80")
        sb_bench_verify_peer_any(context)
        return context
    }

    func handshake() -> Bool {
        guard let client = SSL_new(clientContext), let server = SSL_new(serverContext) else { return false }
        defer { SSL_free(client); SSL_free(server) }
        let clientIn = BIO_new(BIO_s_mem()), clientOut = BIO_new(BIO_s_mem())
        let serverIn = BIO_new(BIO_s_mem()), serverOut = BIO_new(BIO_s_mem())
        for bio in [clientIn, clientOut, serverIn, serverOut] { _ = BIO_ctrl(bio, 130, -1, nil) }
        SSL_set_bio(client, clientIn, clientOut)
        SSL_set_bio(server, serverIn, serverOut)
        for ssl in [client, server] {
            _ = SSL_set_options(ssl, sb_bench_op_no_query_mtu())
            _ = sb_bench_ssl_set_mtu(ssl, 1_172)
        }
        SSL_set_connect_state(client)
        SSL_set_accept_state(server)
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var clientDone = false, serverDone = false
        for _ in 0..<10 where !(clientDone && serverDone) {
            clientDone = SSL_do_handshake(client) == 1
            Self.move(from: clientOut, to: serverIn, &buffer)
            serverDone = SSL_do_handshake(server) == 1
            Self.move(from: serverOut, to: clientIn, &buffer)
        }
        var keys = [UInt8](repeating: 0, count: 56)
        let label = "EXTRACTOR-dtls_srtp"
        let peer = SSL_get1_peer_certificate(client)
        X509_free(peer)
        return clientDone && serverDone && SSL_export_keying_material(client, &keys, 56, label, label.utf8.count, nil, 0, 0) == 1
    }

    static func move(from source: OpaquePointer?, to destination: OpaquePointer?, _ buffer: inout [UInt8]) {
        let capacity = Int32(buffer.count)
        while true {
            let read = BIO_read(source, &buffer, capacity)
            guard read > 0 else { return }
            _ = BIO_write(destination, buffer, read)
        }
    }
}

/// Raw libopus on the continuous-tone content of the info run: per frame, encode the next 20 ms of a 440 Hz tone
/// (as it comes out of PCMU, like the bridge's input) and decode the next packet of a 1000 Hz tone (prepared by a peer encoder at the same settings, as the agent's
/// browser would send), so the info run can be read against bare libopus on the same audio.
final class RawOpusContinuous {
    let encoder: OpaquePointer
    let decoder: OpaquePointer
    var frames: [[Int16]] = []
    var packets: [[UInt8]] = []
    var packet = [UInt8](repeating: 0, count: 1_500)
    var pcm = [Int16](repeating: 0, count: 960)

    init?(frames count: Int) {
        var error: Int32 = 0
        guard let encoder = opus_encoder_create(8_000, 1, OPUS_APPLICATION_VOIP, &error) else { return nil }
        guard let decoder = opus_decoder_create(8_000, 1, &error) else {
            opus_encoder_destroy(encoder)
            return nil
        }
        _ = sb_bench_opus_configure(encoder, 32_000, 5, 1, 5)
        self.encoder = encoder
        self.decoder = decoder
        let settings = OpusSettings(bitrate: 32_000, complexity: 5, inbandFEC: true, expectedPacketLoss: 5)
        guard let peer = try? OpusEncoder(sampleRate: 8_000, settings: settings) else { return nil }
        var carrierTone = ToneSource(frequency: 440, sampleRate: 8_000)
        var agentTone = ToneSource(frequency: 1_000, sampleRate: 8_000)
        for _ in 0..<count {
            // What the bridge's encoder sees: the carrier's tone after the PCMU round trip.
            frames.append(G711.decodeMuLaw(G711.encodeMuLaw(carrierTone.nextFrame(count: 160))))
            packets.append((try? peer.encode(agentTone.nextFrame(count: 160))) ?? [])
        }
    }

    deinit {
        opus_encoder_destroy(encoder)
        opus_decoder_destroy(decoder)
    }

    /// Plays every prepared frame.
    func run() -> Int32 { run(next: frames.count) }

    private var cursor = 0

    /// Plays the next `count` prepared frames (fewer when fewer remain).
    func run(next count: Int) -> Int32 {
        var total: Int32 = 0
        let capacity = Int32(packet.count)
        let samples = Int32(pcm.count)
        let range = cursor..<min(frames.count, cursor + count)
        cursor = range.upperBound
        for index in range {
            total &+= opus_encode(encoder, frames[index], 160, &packet, capacity)
            total &+= opus_decode(decoder, packets[index], Int32(packets[index].count), &pcm, samples, 0)
        }
        return total
    }
}
