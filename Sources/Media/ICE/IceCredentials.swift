/// ICE username fragment and password (RFC 8445 §5.3, SDP syntax RFC 8839 §5.4).
public struct IceCredentials: Sendable, Equatable {
    /// `a=ice-ufrag`: 4 to 256 ice-chars.
    public var ufrag: String
    /// `a=ice-pwd`: 22 to 256 ice-chars.
    public var password: String

    /// Creates credentials from the given strings.
    public init(ufrag: String, password: String) {
        self.ufrag = ufrag
        self.password = password
    }

    /// Fresh random credentials (8-char ufrag, 24-char password) from the system CSPRNG.
    public static func random() -> IceCredentials {
        IceCredentials(ufrag: randomIceChars(8), password: randomIceChars(24))
    }

    static func randomIceChars(_ count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }
}
