/// Why a datagram is not an acceptable STUN message.
public enum StunError: Error, Sendable, Equatable {
    case truncated
    case notStun
    case badAttribute
    case badFingerprint
    case badIntegrity
    case missingIntegrity
}

/// A decoded STUN message plus what is needed to verify MESSAGE-INTEGRITY later.
public struct DecodedStun: Sendable {
    /// The message and its attributes (MESSAGE-INTEGRITY and FINGERPRINT not listed).
    public var message: StunMessage
    let raw: [UInt8]
    let integrityOffset: Int?

    /// Verifies MESSAGE-INTEGRITY (RFC 8489 §14.5) with a short-term credential key (the ICE password).
    public func verifyIntegrity(key: [UInt8]) throws(StunError) {
        guard let offset = integrityOffset else { throw .missingIntegrity }
        var covered = Array(raw[0..<offset])
        StunMessage.setLength(&covered, offset - 20 + 24)
        let expected = StunMessage.hmacSHA1(key: key, data: covered)
        let actual = Array(raw[(offset + 4)..<(offset + 24)])
        var difference: UInt8 = 0
        for index in 0..<20 { difference |= expected[index] ^ actual[index] }
        guard difference == 0 else { throw .badIntegrity }
    }
}

/// Decodes STUN messages (RFC 8489 §5, §14), checking FINGERPRINT when present.
public enum StunDecoder {
    /// Decodes one datagram. Bad input throws; it never traps.
    public static func decode(_ bytes: [UInt8]) throws(StunError) -> DecodedStun {
        guard bytes.count >= 20 else { throw .truncated }
        guard bytes[0] & 0xC0 == 0 else { throw .notStun }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        guard length % 4 == 0, bytes.count == 20 + length else { throw .truncated }
        guard Array(bytes[4..<8]) == StunMessage.magicCookie.bigEndianBytes else { throw .notStun }
        let type = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        let transactionID = Array(bytes[8..<20])
        var attributes: [StunAttribute] = []
        var integrityOffset: Int?
        var offset = 20
        while offset + 4 <= bytes.count {
            let attributeType = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            let attributeLength = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let valueStart = offset + 4
            let valueEnd = valueStart + attributeLength
            guard valueEnd <= bytes.count else { throw .badAttribute }
            let value = bytes[valueStart..<valueEnd]
            switch attributeType {
            case 0x0008:
                guard attributeLength == 20, integrityOffset == nil else { throw .badAttribute }
                integrityOffset = offset
            case 0x8028:
                guard attributeLength == 4, valueEnd == bytes.count else { throw .badAttribute }
                var covered = Array(bytes[0..<offset])
                StunMessage.setLength(&covered, offset - 20 + 8)
                let expected = CRC32.checksum(covered) ^ 0x5354_554E
                let actual = value.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                guard expected == actual else { throw .badFingerprint }
            default:
                // Attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored (RFC 8489 §14.5).
                if integrityOffset == nil {
                    attributes.append(try decodeAttribute(attributeType, value, transactionID: transactionID))
                }
            }
            offset = valueStart + (attributeLength + 3) / 4 * 4
        }
        guard offset == bytes.count else { throw .badAttribute }
        return DecodedStun(message: StunMessage(type: type, transactionID: transactionID, attributes: attributes),
                           raw: bytes, integrityOffset: integrityOffset)
    }

    private static func decodeAttribute(_ type: UInt16, _ value: ArraySlice<UInt8>, transactionID: [UInt8]) throws(StunError) -> StunAttribute {
        func integer<T: FixedWidthInteger>(_: T.Type) throws(StunError) -> T {
            guard value.count == MemoryLayout<T>.size else { throw .badAttribute }
            return value.reduce(T(0)) { $0 << 8 | T($1) }
        }
        switch type {
        case 0x0006:
            guard value.count <= 513, let name = String(validating: value, as: UTF8.self) else { throw .badAttribute }
            return .username(name)
        case 0x0020:
            guard let address = SocketAddressValue.xorDecoded(value, transactionID: transactionID) else { throw .badAttribute }
            return .xorMappedAddress(address)
        case 0x0024: return .priority(try integer(UInt32.self))
        case 0x0025:
            guard value.isEmpty else { throw .badAttribute }
            return .useCandidate
        case 0x8029: return .iceControlled(try integer(UInt64.self))
        case 0x802A: return .iceControlling(try integer(UInt64.self))
        case 0x0009:
            guard value.count >= 4 else { throw .badAttribute }
            let start = value.startIndex
            let code = Int(value[start + 2] & 0x07) * 100 + Int(value[start + 3])
            let reason = String(decoding: value.dropFirst(4), as: UTF8.self)
            return .errorCode(code: code, reason: reason)
        default:
            return .other(type: type, value: Array(value))
        }
    }
}
