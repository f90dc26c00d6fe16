import Crypto
import Directory
import Foundation

/// Bearer and one-time tokens: 256 random bits, base64url without padding; stored only as SHA-256 hex.
public struct RandomSecrets: SecretMinting {
    public init() {}

    public func mint() -> (token: String, hash: String) {
        let key = SymmetricKey(size: .bits256)
        let token = key.withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return (token, hash(token))
    }

    public func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
