/// DTLS-SRTP protection profiles we negotiate (RFC 5764 §4.1.2, RFC 7714 §14.2).
public enum SrtpProfile: String, Sendable, Equatable, CaseIterable {
    /// AEAD_AES_128_GCM (RFC 7714), preferred.
    case aeadAes128Gcm = "SRTP_AEAD_AES_128_GCM"
    /// AES_CM_128_HMAC_SHA1_80 (RFC 5764 §4.1.2), accepted.
    case aes128CmSha1_80 = "SRTP_AES128_CM_SHA1_80"

    /// The profile's id in the use_srtp extension.
    var protectionProfileID: UInt {
        switch self {
        case .aeadAes128Gcm: 0x0007
        case .aes128CmSha1_80: 0x0001
        }
    }

    /// Master key length in bytes.
    public var keyLength: Int { 16 }

    /// Master salt length in bytes (RFC 7714 §12: 12 for GCM; RFC 3711: 14 for CM).
    public var saltLength: Int { self == .aeadAes128Gcm ? 12 : 14 }

    init?(protectionProfileID id: UInt) {
        guard let profile = Self.allCases.first(where: { $0.protectionProfileID == id }) else { return nil }
        self = profile
    }
}

/// Keys for one direction pair, from the DTLS exporter (RFC 5764 §4.2): what SRTP needs and nothing else.
public struct SrtpKeyingMaterial: Sendable, Equatable {
    /// The negotiated profile.
    public var profile: SrtpProfile
    /// Key and salt we protect with.
    public var localMasterKey: [UInt8]
    /// Key and salt the peer protects with.
    public var remoteMasterKey: [UInt8]

    /// Creates keying material (key followed by salt, per direction).
    public init(profile: SrtpProfile, localMasterKey: [UInt8], remoteMasterKey: [UInt8]) {
        self.profile = profile
        self.localMasterKey = localMasterKey
        self.remoteMasterKey = remoteMasterKey
    }

    /// Splits exporter output (client key, server key, client salt, server salt) for our role.
    init(profile: SrtpProfile, exported: [UInt8], isClient: Bool) {
        let keyLength = profile.keyLength
        let saltLength = profile.saltLength
        let clientKey = Array(exported[0..<keyLength])
        let serverKey = Array(exported[keyLength..<(2 * keyLength)])
        let clientSalt = Array(exported[(2 * keyLength)..<(2 * keyLength + saltLength)])
        let serverSalt = Array(exported[(2 * keyLength + saltLength)..<(2 * keyLength + 2 * saltLength)])
        self.profile = profile
        self.localMasterKey = isClient ? clientKey + clientSalt : serverKey + serverSalt
        self.remoteMasterKey = isClient ? serverKey + serverSalt : clientKey + clientSalt
    }
}
