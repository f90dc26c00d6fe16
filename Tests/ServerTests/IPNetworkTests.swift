import Server
import Testing

/// Trusted reverse proxies are given as addresses or CIDR networks (`--trusted-proxy`).
@Suite("IP networks")
struct IPNetworkTests {
    @Test("CIDR membership for IPv4 and IPv6, mapped addresses, and refusals")
    func membership() throws {
        let v4 = try #require(IPNetwork("10.1.0.0/16"))
        #expect(v4.contains("10.1.255.3"))
        #expect(!v4.contains("10.2.0.1"))
        #expect(v4.contains("::ffff:10.1.2.3"))
        #expect(!v4.contains("2001:db8::1"))
        let one = try #require(IPNetwork("127.0.0.1"))
        #expect(one.contains("127.0.0.1") && !one.contains("127.0.0.2"))
        let v6 = try #require(IPNetwork("2001:db8:ab00::/40"))
        #expect(v6.contains("2001:db8:abff:1::9"))
        #expect(!v6.contains("2001:db8:ac00::1"))
        let odd = try #require(IPNetwork("192.168.1.128/25"))
        #expect(odd.contains("192.168.1.200") && !odd.contains("192.168.1.100"))
        for bad in ["", "10.0.0.0/33", "2001:db8::/129", "example.com", "10.0.0.0/x", "10.0.0/8"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }
}
