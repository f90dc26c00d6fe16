internal import COpenSSL
internal import CMediaShims

/// Why a DTLS operation failed.
public enum DtlsError: Error, Sendable, Equatable {
    case certificateGeneration
    case contextSetup
    case handshakeFailed(String)
    case fingerprintMismatch
    case noSrtpProfile
    case keyExport
    case timedOut
}

/// The per-process ECDSA P-256 self-signed certificate and its SHA-256 fingerprint (RFC 8827 §6.5, RFC 8122 §5).
///
/// `@unchecked Sendable`: the key and certificate are created in `init` and never mutated afterwards; OpenSSL
/// only reads them (and up-references them, which is atomic) when contexts use them on any thread.
public final class DtlsCertificate: @unchecked Sendable {
    let key: OpaquePointer
    let certificate: OpaquePointer
    /// One DTLS 1.2 context for every session using this certificate (set up here, only read afterwards;
    /// OpenSSL reference-counts it and allows SSL_new from several threads).
    let context: OpaquePointer
    /// `a=fingerprint:sha-256 ...` value for our SDP.
    public let fingerprint: DtlsFingerprint

    /// Generates a fresh P-256 key and a 30-day self-signed certificate.
    public init(commonName: String = "switchboard") throws(DtlsError) {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { throw .certificateGeneration }
        defer { EVP_PKEY_CTX_free(context) }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
              EVP_PKEY_generate(context, &generated) == 1, let key = generated else { throw .certificateGeneration }
        guard let certificate = X509_new() else {
            EVP_PKEY_free(key)
            throw .certificateGeneration
        }
        var serial = SystemRandomNumberGenerator()
        let built = X509_set_version(certificate, 2) == 1
            && ASN1_INTEGER_set(X509_get_serialNumber(certificate), Int(serial.next(upperBound: UInt32(Int32.max)))) == 1
            && X509_gmtime_adj(X509_getm_notBefore(certificate), -86_400) != nil
            && X509_gmtime_adj(X509_getm_notAfter(certificate), 30 * 86_400) != nil
            && X509_set_pubkey(certificate, key) == 1
            && Self.setName(certificate, commonName)
            && X509_sign(certificate, key, EVP_sha256()) > 0
        guard built, let digest = Self.sha256(of: certificate) else {
            X509_free(certificate)
            EVP_PKEY_free(key)
            throw .certificateGeneration
        }
        guard let context = Self.makeContext(certificate: certificate, key: key) else {
            X509_free(certificate)
            EVP_PKEY_free(key)
            throw .contextSetup
        }
        self.key = key
        self.certificate = certificate
        self.context = context
        self.fingerprint = DtlsFingerprint(algorithm: "sha-256", digest: digest)
    }

    deinit {
        SSL_CTX_free(context)
        X509_free(certificate)
        EVP_PKEY_free(key)
    }

    private static func makeContext(certificate: OpaquePointer, key: OpaquePointer) -> OpaquePointer? {
        guard let context = SSL_CTX_new(DTLS_method()) else { return nil }
        guard sb_ssl_ctx_set_min_proto_version(context, 0xFEFD) == 1,
              sb_ssl_ctx_set_max_proto_version(context, 0xFEFD) == 1,
              SSL_CTX_use_certificate(context, certificate) == 1,
              SSL_CTX_use_PrivateKey(context, key) == 1,
              SSL_CTX_set_cipher_list(context, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA") == 1
        else {
            SSL_CTX_free(context)
            return nil
        }
        // Accept any certificate during the handshake; it is checked against the signalled fingerprint once it completes.
        SSL_CTX_set_verify(context, 0x01 | 0x02 /* SSL_VERIFY_PEER | FAIL_IF_NO_PEER_CERT */) { _, _ in 1 }
        return context
    }

    private static func setName(_ certificate: OpaquePointer, _ commonName: String) -> Bool {
        guard let name = X509_get_subject_name(certificate) else { return false }
        let bytes = Array(commonName.utf8)
        let added = X509_NAME_add_entry_by_txt(name, "CN", 0x1001 /* MBSTRING_ASC */, bytes, Int32(bytes.count), -1, 0)
        return added == 1 && X509_set_issuer_name(certificate, name) == 1
    }

    static func sha256(of certificate: OpaquePointer) -> [UInt8]? {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 32
        guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1, length == 32 else { return nil }
        return digest
    }
}
