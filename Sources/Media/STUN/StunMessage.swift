internal import COpenSSL

/// A STUN message (RFC 8489 §5): header, transaction ID and the attributes ICE uses.
public struct StunMessage: Sendable, Equatable {
    /// RFC 8489 §5 message class and method, packed as on the wire (14 bits).
    public var type: UInt16
    /// 96-bit transaction ID (RFC 8489 §5).
    public var transactionID: [UInt8]
    /// Attributes in wire order, MESSAGE-INTEGRITY and FINGERPRINT excluded (they are computed on encode).
    public var attributes: [StunAttribute]

    /// Binding request (RFC 8489 §18.1).
    public static let bindingRequest: UInt16 = 0x0001
    /// Binding success response.
    public static let bindingSuccess: UInt16 = 0x0101
    /// Binding error response.
    public static let bindingError: UInt16 = 0x0111
    /// The magic cookie (RFC 8489 §5).
    public static let magicCookie: UInt32 = 0x2112_A442

    /// Builds a message from its parts.
    public init(type: UInt16, transactionID: [UInt8], attributes: [StunAttribute] = []) {
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    /// The USERNAME attribute, if present (RFC 8489 §14.3).
    public var username: String? {
        for case .username(let name) in attributes { return name }
        return nil
    }

    /// Whether USE-CANDIDATE is present (RFC 8445 §7.1.2).
    public var hasUseCandidate: Bool {
        attributes.contains { if case .useCandidate = $0 { return true } else { return false } }
    }

    /// Encodes the message; with `integrityKey`, appends MESSAGE-INTEGRITY (RFC 8489 §14.5),
    /// and with `fingerprint`, FINGERPRINT (RFC 8489 §14.7).
    public func encode(integrityKey: [UInt8]? = nil, fingerprint: Bool = true) -> [UInt8] {
        var body: [UInt8] = []
        for attribute in attributes { attribute.encode(into: &body, transactionID: transactionID) }
        var out = header(bodyLength: body.count) + body
        if let key = integrityKey {
            let lengthWithMI = body.count + 24
            Self.setLength(&out, lengthWithMI)
            let mac = Self.hmacSHA1(key: key, data: out)
            out += [0x00, 0x08, 0x00, 0x14] + mac
        }
        if fingerprint {
            Self.setLength(&out, out.count - 20 + 8)
            let crc = CRC32.checksum(out) ^ 0x5354_554E
            out += [0x80, 0x28, 0x00, 0x04] + crc.bigEndianBytes
        }
        return out
    }

    private func header(bodyLength: Int) -> [UInt8] {
        var out: [UInt8] = []
        out += type.bigEndianBytes
        out += UInt16(bodyLength).bigEndianBytes
        out += Self.magicCookie.bigEndianBytes
        out += transactionID
        return out
    }

    static func setLength(_ bytes: inout [UInt8], _ length: Int) {
        bytes[2] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: length)
    }

    static func hmacSHA1(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 20)
        var macLength: UInt32 = 20
        _ = key.withUnsafeBufferPointer { keyBuffer in
            data.withUnsafeBufferPointer { dataBuffer in
                HMAC(EVP_sha1(), keyBuffer.baseAddress, Int32(keyBuffer.count),
                     dataBuffer.baseAddress, dataBuffer.count, &mac, &macLength)
            }
        }
        return mac
    }
}

extension FixedWidthInteger {
    var bigEndianBytes: [UInt8] {
        withUnsafeBytes(of: self.bigEndian) { Array($0) }
    }
}
