/// A STUN attribute ICE needs (RFC 8489 §14, RFC 8445 §16.1); others are kept raw.
public enum StunAttribute: Sendable, Equatable {
    /// USERNAME (RFC 8489 §14.3).
    case username(String)
    /// XOR-MAPPED-ADDRESS (RFC 8489 §14.2).
    case xorMappedAddress(SocketAddressValue)
    /// PRIORITY (RFC 8445 §16.1).
    case priority(UInt32)
    /// USE-CANDIDATE (RFC 8445 §16.1).
    case useCandidate
    /// ICE-CONTROLLED with its tie-breaker (RFC 8445 §16.1).
    case iceControlled(UInt64)
    /// ICE-CONTROLLING with its tie-breaker (RFC 8445 §16.1).
    case iceControlling(UInt64)
    /// ERROR-CODE (RFC 8489 §14.8).
    case errorCode(code: Int, reason: String)
    /// Any other attribute, kept as type and value.
    case other(type: UInt16, value: [UInt8])

    func encode(into out: inout [UInt8], transactionID: [UInt8]) {
        let type: UInt16
        var value: [UInt8]
        switch self {
        case .username(let name):
            type = 0x0006; value = Array(name.utf8)
        case .xorMappedAddress(let address):
            type = 0x0020; value = address.xorEncoded(transactionID: transactionID)
        case .priority(let priority):
            type = 0x0024; value = priority.bigEndianBytes
        case .useCandidate:
            type = 0x0025; value = []
        case .iceControlled(let tieBreaker):
            type = 0x8029; value = tieBreaker.bigEndianBytes
        case .iceControlling(let tieBreaker):
            type = 0x802A; value = tieBreaker.bigEndianBytes
        case .errorCode(let code, let reason):
            type = 0x0009
            value = [0, 0, UInt8(truncatingIfNeeded: code / 100), UInt8(truncatingIfNeeded: code % 100)] + Array(reason.utf8)
        case .other(let otherType, let otherValue):
            type = otherType; value = otherValue
        }
        out += type.bigEndianBytes
        out += UInt16(truncatingIfNeeded: value.count).bigEndianBytes
        out += value
        while value.count % 4 != 0 { value.append(0); out.append(0) }
    }
}

/// An IP address and port as carried in STUN and candidates, independent of any socket library.
public struct SocketAddressValue: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public var ip: [UInt8]
    /// UDP port.
    public var port: UInt16

    /// Creates an address from raw bytes (4 or 16) and a port.
    public init(ip: [UInt8], port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// The address in presentation form (dotted quad or RFC 5952-like hex groups).
    public var host: String {
        if ip.count == 4 { return ip.map(String.init).joined(separator: ".") }
        var groups: [String] = []
        for index in stride(from: 0, to: ip.count, by: 2) {
            groups.append(String(UInt16(ip[index]) << 8 | UInt16(ip[index + 1]), radix: 16))
        }
        return groups.joined(separator: ":")
    }

    public var description: String { ip.count == 4 ? "\(host):\(port)" : "[\(host)]:\(port)" }

    /// Parses a dotted-quad IPv4 or a colon-hex IPv6 (with `::`) literal.
    public init?(host: String, port: UInt16) {
        if host.contains(":") {
            guard let bytes = Self.parseIPv6(host) else { return nil }
            self.init(ip: bytes, port: port)
        } else {
            let parts = host.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var bytes: [UInt8] = []
            for part in parts {
                guard let value = UInt8(part) else { return nil }
                bytes.append(value)
            }
            self.init(ip: bytes, port: port)
        }
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        var halves = [text]
        if let range = text.firstRange(of: "::") {
            halves = [String(text[..<range.lowerBound]), String(text[range.upperBound...])]
            guard !halves[1].contains("::") else { return nil }
        }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for piece in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard let value = UInt16(piece, radix: 16) else { return nil }
                out.append(value)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { $0.bigEndianBytes }
    }

    func xorEncoded(transactionID: [UInt8]) -> [UInt8] {
        let cookie = StunMessage.magicCookie.bigEndianBytes
        var out: [UInt8] = [0, ip.count == 4 ? 0x01 : 0x02]
        out += (port ^ 0x2112).bigEndianBytes
        let mask = cookie + transactionID
        for (index, byte) in ip.enumerated() { out.append(byte ^ mask[index]) }
        return out
    }

    static func xorDecoded(_ value: ArraySlice<UInt8>, transactionID: [UInt8]) -> SocketAddressValue? {
        let bytes = Array(value)
        guard bytes.count >= 8 else { return nil }
        let family = bytes[1]
        let length = family == 0x01 ? 4 : family == 0x02 ? 16 : 0
        guard length > 0, bytes.count >= 4 + length else { return nil }
        let port = (UInt16(bytes[2]) << 8 | UInt16(bytes[3])) ^ 0x2112
        let mask = StunMessage.magicCookie.bigEndianBytes + transactionID
        let ip = (0..<length).map { bytes[4 + $0] ^ mask[$0] }
        return SocketAddressValue(ip: ip, port: port)
    }
}
