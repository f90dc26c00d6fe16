import Media
import Testing

/// RFC 5769 test vectors and round trips for the STUN codec (RFC 8489).
@Suite("STUN")
struct StunTests {
    static func hex(_ text: String) -> [UInt8] {
        let digits = text.filter { !$0.isWhitespace }
        var out: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            out.append(UInt8(digits[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    static let sampleRequest = hex("""
        000100582112a442b7e7a701bc34d686fa87dfae
        802200105354554e207465737420636c69656e74
        002400046e0001ff
        80290008932ff9b151263b36
        000600096576746a3a68367659202020
        000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2
        80280004e57a3bcf
        """)
    static let ipv4Response = hex("""
        0101003c2112a442b7e7a701bc34d686fa87dfae
        8022000b7465737420766563746f7220
        002000080001a147e112a643
        000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7
        80280004c07d4c96
        """)
    static let ipv6Response = hex("""
        010100482112a442b7e7a701bc34d686fa87dfae
        8022000b7465737420766563746f7220
        002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9
        00080014a382954e4be67bf11784c97c8292c275bfe3ed41
        80280004c8fb0b4c
        """)
    static let password = Array("VOkJxbRl1RmTxUk/WvJxBt".utf8)

    @Test("RFC 5769 §2.1 sample request: attributes, integrity and fingerprint")
    func sampleRequest() throws {
        let decoded = try StunDecoder.decode(Self.sampleRequest)
        #expect(decoded.message.type == StunMessage.bindingRequest)
        #expect(decoded.message.username == "evtj:h6vY")
        #expect(decoded.message.attributes.contains(.priority(0x6e00_01ff)))
        #expect(decoded.message.attributes.contains(.iceControlled(0x932f_f9b1_5126_3b36)))
        try decoded.verifyIntegrity(key: Self.password)
        #expect(throws: StunError.badIntegrity) { try decoded.verifyIntegrity(key: Array("wrong".utf8)) }
    }

    @Test("RFC 5769 §2.2 IPv4 response: XOR-MAPPED-ADDRESS 192.0.2.1:32853")
    func ipv4Response() throws {
        let decoded = try StunDecoder.decode(Self.ipv4Response)
        #expect(decoded.message.type == StunMessage.bindingSuccess)
        #expect(decoded.message.attributes.contains(.xorMappedAddress(SocketAddressValue(ip: [192, 0, 2, 1], port: 32_853))))
        try decoded.verifyIntegrity(key: Self.password)
    }

    @Test("RFC 5769 §2.3 IPv6 response: XOR-MAPPED-ADDRESS 2001:db8:1234:5678:11:2233:4455:6677")
    func ipv6Response() throws {
        let decoded = try StunDecoder.decode(Self.ipv6Response)
        let expected = try #require(SocketAddressValue(host: "2001:db8:1234:5678:11:2233:4455:6677", port: 32_853))
        #expect(decoded.message.attributes.contains(.xorMappedAddress(expected)))
        try decoded.verifyIntegrity(key: Self.password)
    }

    @Test("A flipped bit fails the FINGERPRINT check")
    func badFingerprint() {
        var bytes = Self.sampleRequest
        bytes[30] ^= 0x01
        #expect(throws: StunError.badFingerprint) { try StunDecoder.decode(bytes) }
    }

    @Test("Encode then decode round-trips every attribute kind, with integrity")
    func roundTrip() throws {
        let address = try #require(SocketAddressValue(host: "fd00::2", port: 5_000))
        let message = StunMessage(type: StunMessage.bindingError, transactionID: Array(0..<12), attributes: [
            .username("abcd:efgh"), .xorMappedAddress(address), .priority(7), .useCandidate,
            .iceControlling(42), .errorCode(code: 487, reason: "Role Conflict"),
        ])
        let key = Array("secret".utf8)
        let decoded = try StunDecoder.decode(message.encode(integrityKey: key))
        #expect(decoded.message == message)
        try decoded.verifyIntegrity(key: key)
    }

    @Test("Every truncation of a valid message is rejected without a crash")
    func truncations() {
        for length in 0..<Self.sampleRequest.count {
            #expect(throws: StunError.self) { try StunDecoder.decode(Array(Self.sampleRequest[0..<length])) }
        }
    }
}
