import Foundation

/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`, or one address), for the
/// list of trusted reverse proxies.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    let bytes: [UInt8]
    let prefix: Int

    /// Parses `address[/prefix]`; nil when it is not an IP address or the prefix is out of range.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.bytes(String(parts[0])) else { return nil }
        let bits = address.count * 8
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...bits).contains(prefix) else { return nil }
            self.prefix = prefix
        } else {
            self.prefix = bits
        }
        self.bytes = address
    }

    /// Whether `address` lies in this network (an IPv4-mapped IPv6 address counts as its IPv4 address).
    public func contains(_ address: String) -> Bool {
        guard let other = Self.bytes(address), other.count == bytes.count else { return false }
        var remaining = prefix
        for index in bytes.indices where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            guard bytes[index] & mask == other[index] & mask else { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String { "\(Self.text(bytes))/\(prefix)" }

    /// The client of a request that `peer` sent: `peer` itself unless it is a trusted proxy; then the
    /// right-most `X-Forwarded-For` hop that is not a trusted proxy (the header is the client's own claim
    /// otherwise, and is ignored).
    public static func client(peer: String?, forwardedFor headers: [String], trusting proxies: [IPNetwork]) -> String {
        guard let peer else { return "unknown" }
        guard !proxies.isEmpty, proxies.contains(where: { $0.contains(peer) }) else { return peer }
        let hops = headers.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard isAddress(hop) else { return peer }  // garbage: do not trust what is left of it
            if !proxies.contains(where: { $0.contains(hop) }) { return hop }
        }
        return peer
    }

    /// Whether `text` is an IPv4 or IPv6 address.
    static func isAddress(_ text: String) -> Bool { bytes(text) != nil }

    static func bytes(_ text: String) -> [UInt8]? {
        let host = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return nil }
        let octets = withUnsafeBytes(of: v6) { Array($0) }
        if octets[0..<10].allSatisfy({ $0 == 0 }) && octets[10] == 0xFF && octets[11] == 0xFF { return Array(octets[12...]) }
        return octets
    }

    static func text(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}
