import Crypto

/// Webhook payload signatures (developers.facebook.com/docs/whatsapp/cloud-api/webhooks →
/// "Validating payloads", Graph API webhooks "Validate Payloads"): Meta signs every POST with
/// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw body, app secret)>`.
///
/// Meta documents and sends lowercase hex; this check also accepts uppercase hex (hex digits are
/// case-insensitive, and the comparison happens on the decoded 32 bytes), but only the `sha256=`
/// prefix: the legacy `X-Hub-Signature: sha1=…` is refused.
public enum WhatsAppSignature {
    private static let prefix = "sha256="

    /// X-Hub-Signature-256: "sha256=" + lowercase hex HMAC-SHA256(raw body, app secret). Constant-time compare.
    public static func isValid(body: [UInt8], header: String?, appSecret: String) -> Bool {
        guard let header, !appSecret.isEmpty else { return false }
        let trimmed = header.trimmingASCIIWhitespace()
        guard trimmed.utf8.count == prefix.utf8.count + 64,
              trimmed.utf8.prefix(prefix.utf8.count).elementsEqual(prefix.utf8),
              let claimed = decodeHex(trimmed.utf8.dropFirst(prefix.utf8.count))
        else { return false }
        let key = SymmetricKey(data: Array(appSecret.utf8))
        // HMAC.isValidAuthenticationCode compares in constant time.
        return HMAC<SHA256>.isValidAuthenticationCode(claimed, authenticating: body, using: key)
    }

    /// The header value Meta would send for `body`: "sha256=" + lowercase hex (for tests and fakes).
    public static func header(body: [UInt8], appSecret: String) -> String {
        let key = SymmetricKey(data: Array(appSecret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: key)
        return prefix + hexLowercase(Array(mac))
    }

    static func hexLowercase(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func decodeHex(_ text: Substring.UTF8View) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        var high: UInt8?
        for char in text {
            let nibble: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = char - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = char - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = char - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return high == nil ? out : nil
    }
}

/// The webhook verification request (developers.facebook.com/docs/graph-api/webhooks/getting-started →
/// "Verification Requests"): Meta sends `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`.
public enum WhatsAppVerification {
    /// GET hub.mode=subscribe & hub.verify_token == expected → the challenge to echo; otherwise nil.
    /// An empty expected token never verifies; the token comparison does not stop at the first difference.
    public static func challenge(mode: String?, token: String?, challenge: String?, expectedToken: String) -> String? {
        guard mode == "subscribe", let token, let challenge, !challenge.isEmpty, !expectedToken.isEmpty else { return nil }
        let a = Array(token.utf8), b = Array(expectedToken.utf8)
        guard a.count == b.count else { return nil }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0 ? challenge : nil
    }
}

extension String {
    func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
