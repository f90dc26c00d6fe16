import Testing
@testable import Channels

@Suite("X-Hub-Signature-256 and the verification handshake")
struct WhatsAppSignatureTests {
    // RFC 4231 §4.3 test case 2: HMAC-SHA-256(key "Jefe", "what do ya want for nothing?").
    let rfc4231Body = Array("what do ya want for nothing?".utf8)
    let rfc4231Header = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    // Computed independently: printf '%s' '<body>' | openssl dgst -sha256 -hmac 'app-secret-123'
    let body = Array(#"{"object":"whatsapp_business_account","entry":[]}"#.utf8)
    let header = "sha256=20e391a99a86fc5adf7e3a453236d20c906360291977896cf2f671e03bb95703"

    @Test func knownAnswers() {
        #expect(WhatsAppSignature.header(body: rfc4231Body, appSecret: "Jefe") == rfc4231Header)
        #expect(WhatsAppSignature.isValid(body: rfc4231Body, header: rfc4231Header, appSecret: "Jefe"))
        #expect(WhatsAppSignature.header(body: body, appSecret: "app-secret-123") == header)
        #expect(WhatsAppSignature.isValid(body: body, header: header, appSecret: "app-secret-123"))
    }

    @Test func wrongSecretOrMissingHeaderIsRefused() {
        #expect(!WhatsAppSignature.isValid(body: body, header: header, appSecret: "app-secret-124"))
        #expect(!WhatsAppSignature.isValid(body: body, header: nil, appSecret: "app-secret-123"))
        #expect(!WhatsAppSignature.isValid(body: body, header: "", appSecret: "app-secret-123"))
        #expect(!WhatsAppSignature.isValid(body: body, header: "sha256=", appSecret: "app-secret-123"))
        // An empty app secret is a configuration error, never "valid".
        let emptySecretHeader = WhatsAppSignature.header(body: body, appSecret: "")
        #expect(!WhatsAppSignature.isValid(body: body, header: emptySecretHeader, appSecret: ""))
    }

    @Test func onlyTheSha256PrefixIsAccepted() {
        let hex = String(header.dropFirst("sha256=".count))
        #expect(!WhatsAppSignature.isValid(body: body, header: "sha1=" + hex, appSecret: "app-secret-123"))
        #expect(!WhatsAppSignature.isValid(body: body, header: hex, appSecret: "app-secret-123"))
        #expect(!WhatsAppSignature.isValid(body: body, header: "SHA256=" + hex, appSecret: "app-secret-123"))
        #expect(!WhatsAppSignature.isValid(body: body, header: "sha256=" + hex + "00", appSecret: "app-secret-123"))
        #expect(!WhatsAppSignature.isValid(body: body, header: "sha256=" + hex.dropLast(2), appSecret: "app-secret-123"))
        #expect(!WhatsAppSignature.isValid(body: body, header: "sha256=" + hex.dropLast() + "g", appSecret: "app-secret-123"))
    }

    @Test func uppercaseHexAndSurroundingSpacesAreAccepted() {
        // Meta sends lowercase; hex digits are case-insensitive, and the compare is on the decoded bytes.
        let hex = String(header.dropFirst("sha256=".count))
        #expect(WhatsAppSignature.isValid(body: body, header: "sha256=" + hex.uppercased(), appSecret: "app-secret-123"))
        #expect(WhatsAppSignature.isValid(body: body, header: " \(header) ", appSecret: "app-secret-123"))
    }

    @Test func aBodyChangedByOneByteIsRefused() {
        for i in body.indices {
            var changed = body
            changed[i] ^= 0x01
            #expect(!WhatsAppSignature.isValid(body: changed, header: header, appSecret: "app-secret-123"), "byte \(i)")
        }
        #expect(!WhatsAppSignature.isValid(body: body + [0x20], header: header, appSecret: "app-secret-123"))
        #expect(!WhatsAppSignature.isValid(body: Array(body.dropLast()), header: header, appSecret: "app-secret-123"))
    }

    @Test func headerIsLowercaseHex() {
        let value = WhatsAppSignature.header(body: [1, 2, 3], appSecret: "s")
        #expect(value.hasPrefix("sha256="))
        #expect(value.count == 7 + 64)
        #expect(value.dropFirst(7).allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func verificationEchoesTheChallengeOnlyForTheRightToken() {
        #expect(WhatsAppVerification.challenge(mode: "subscribe", token: "tok", challenge: "1158201444", expectedToken: "tok") == "1158201444")
        #expect(WhatsAppVerification.challenge(mode: "subscribe", token: "tok2", challenge: "1158201444", expectedToken: "tok") == nil)
        #expect(WhatsAppVerification.challenge(mode: "subscribe", token: "to", challenge: "1158201444", expectedToken: "tok") == nil)
        #expect(WhatsAppVerification.challenge(mode: "unsubscribe", token: "tok", challenge: "1", expectedToken: "tok") == nil)
        #expect(WhatsAppVerification.challenge(mode: nil, token: "tok", challenge: "1", expectedToken: "tok") == nil)
        #expect(WhatsAppVerification.challenge(mode: "subscribe", token: nil, challenge: "1", expectedToken: "tok") == nil)
        #expect(WhatsAppVerification.challenge(mode: "subscribe", token: "tok", challenge: nil, expectedToken: "tok") == nil)
        #expect(WhatsAppVerification.challenge(mode: "subscribe", token: "tok", challenge: "", expectedToken: "tok") == nil)
        #expect(WhatsAppVerification.challenge(mode: "subscribe", token: "", challenge: "1", expectedToken: "") == nil)
    }
}
