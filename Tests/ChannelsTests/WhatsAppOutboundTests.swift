import Foundation
import Testing
@testable import Channels

@Suite("Outbound messages, Graph API results, backoff and the 24-hour window")
struct WhatsAppOutboundTests {
    private func decode(_ message: WhatsAppOutboundMessage) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(message.jsonBody)) as? [String: Any])
    }

    @Test func textBody() throws {
        let json = try decode(.text(to: "5511987654321", body: "Olá \"cliente\" \\ 😀\nlinha 2\u{01}"))
        #expect(json["messaging_product"] as? String == "whatsapp")
        #expect(json["recipient_type"] as? String == "individual")
        #expect(json["to"] as? String == "5511987654321")
        #expect(json["type"] as? String == "text")
        let text = try #require(json["text"] as? [String: Any])
        #expect(text["body"] as? String == "Olá \"cliente\" \\ 😀\nlinha 2\u{01}")
        #expect(text["preview_url"] as? Bool == false)
        #expect(json["context"] == nil)
    }

    @Test func replyCarriesContext() throws {
        let json = try decode(.text(to: "1", body: "sim", replyTo: "wamid.ABC"))
        #expect((json["context"] as? [String: Any])?["message_id"] as? String == "wamid.ABC")
    }

    @Test func escapingIsValidJSONText() {
        let body = String(decoding: WhatsAppOutboundMessage.text(to: "1", body: "a\"b\\c\nd\u{1F}").jsonBody, as: UTF8.self)
        #expect(body.contains(#""body":"a\"b\\c\nd\u001f""#))
    }

    @Test func mediaBodies() throws {
        let doc = try decode(.media(to: "1", kind: "document", link: "https://files.example.com/a b.pdf", caption: "Fatura", filename: "fatura.pdf"))
        #expect(doc["type"] as? String == "document")
        let document = try #require(doc["document"] as? [String: Any])
        #expect(document["link"] as? String == "https://files.example.com/a b.pdf")
        #expect(document["caption"] as? String == "Fatura")
        #expect(document["filename"] as? String == "fatura.pdf")

        let image = try decode(.media(to: "1", kind: "image", link: "https://x.example/i.png", caption: "foto", filename: "ignored.png"))
        let imageObject = try #require(image["image"] as? [String: Any])
        #expect(imageObject["caption"] as? String == "foto")
        #expect(imageObject["filename"] == nil)

        let audio = try decode(.media(to: "1", kind: "audio", link: "https://x.example/a.ogg", caption: "not allowed", filename: nil))
        let audioObject = try #require(audio["audio"] as? [String: Any])
        #expect(audioObject["caption"] == nil)
        #expect(audioObject["link"] as? String == "https://x.example/a.ogg")
    }

    @Test func invalidReasons() {
        #expect(WhatsAppOutboundMessage.text(to: "1", body: "ok").invalidReason == nil)
        #expect(WhatsAppOutboundMessage.text(to: "", body: "ok").invalidReason == "the recipient wa_id is empty")
        #expect(WhatsAppOutboundMessage.text(to: "1", body: "").invalidReason == "the text is empty")
        #expect(WhatsAppOutboundMessage.text(to: "1", body: String(repeating: "a", count: 4097)).invalidReason?.contains("4096") == true)
        #expect(WhatsAppOutboundMessage.text(to: "1", body: String(repeating: "a", count: 4096)).invalidReason == nil)
        #expect(WhatsAppOutboundMessage.media(to: "1", kind: "image", link: "http://x.example/i.png", caption: nil, filename: nil).invalidReason == "the media link must be an https URL")
        #expect(WhatsAppOutboundMessage.media(to: "1", kind: "hologram", link: "https://x.example/i", caption: nil, filename: nil).invalidReason == "unknown media kind \"hologram\"")
        #expect(WhatsAppOutboundMessage.media(to: "1", kind: "video", link: "https://x.example/v.mp4", caption: String(repeating: "c", count: 1025), filename: nil).invalidReason?.contains("1024") == true)
        #expect(WhatsAppOutboundMessage.media(to: "1", kind: "sticker", link: "https://x.example/s.webp", caption: nil, filename: nil).invalidReason == nil)
    }

    @Test func graphURL() {
        #expect(WhatsAppOutboundMessage.url(base: "https://graph.facebook.com", version: "v21.0", phoneNumberID: "106540352242922")
            == "https://graph.facebook.com/v21.0/106540352242922/messages")
        #expect(WhatsAppOutboundMessage.url(base: "http://127.0.0.1:8099//", version: "/v21.0/", phoneNumberID: "PN")
            == "http://127.0.0.1:8099/v21.0/PN/messages")
        #expect(WhatsAppOutboundMessage.url(base: "https://g.example", version: "v1", phoneNumberID: "a/b")
            == "https://g.example/v1/a%2Fb/messages")
    }

    // MARK: classify

    private let rateLimited = Array(#"{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because there were too many messages sent from this phone number in a short period of time"},"error_subcode":2494055,"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}"#.utf8)

    @Test func okWithMessageID() {
        let body = Array(#"{"messaging_product":"whatsapp","contacts":[{"input":"+1 650","wa_id":"16505551234"}],"messages":[{"id":"wamid.OK1","message_status":"accepted"}]}"#.utf8)
        #expect(WhatsAppSendResult.classify(status: 200, retryAfter: nil, body: body) == .sent(messageID: "wamid.OK1"))
        guard case .failed(let error) = WhatsAppSendResult.classify(status: 200, retryAfter: nil, body: Array("{}".utf8)) else {
            Issue.record("a 200 without an id must not count as sent"); return
        }
        #expect(error.code == 200)
    }

    @Test func permanentGraphErrors() {
        let reengage = Array(#"{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"More than 24 hours have passed"},"fbtrace_id":"x"}}"#.utf8)
        #expect(WhatsAppSendResult.classify(status: 400, retryAfter: nil, body: reengage)
            == .failed(WhatsAppGraphError(code: 131047, title: nil, message: "(#131047) Re-engagement message", details: "More than 24 hours have passed")))
        let badToken = Array(#"{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"error_subcode":463}}"#.utf8)
        guard case .failed(let tokenError) = WhatsAppSendResult.classify(status: 401, retryAfter: nil, body: badToken) else {
            Issue.record("bad token must fail"); return
        }
        #expect(tokenError.code == 190)
        // Code 3 comes with a 500 but no retry fixes a permission problem.
        let method = Array(#"{"error":{"message":"(#3) Application does not have the capability","code":3}}"#.utf8)
        guard case .failed = WhatsAppSendResult.classify(status: 500, retryAfter: nil, body: method) else {
            Issue.record("code 3 must fail"); return
        }
    }

    @Test func transientErrorsRetry() {
        #expect(WhatsAppSendResult.classify(status: 400, retryAfter: nil, body: rateLimited) == .retry(after: nil, reason: "(#130429) Rate limit hit"))
        #expect(WhatsAppSendResult.classify(status: 429, retryAfter: "7", body: rateLimited) == .retry(after: .seconds(7), reason: "(#130429) Rate limit hit"))
        #expect(WhatsAppSendResult.classify(status: 429, retryAfter: "30", body: []) == .retry(after: .seconds(30), reason: "HTTP 429"))
        #expect(WhatsAppSendResult.classify(status: 429, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", body: []) == .retry(after: nil, reason: "HTTP 429"))
        #expect(WhatsAppSendResult.classify(status: 500, retryAfter: nil, body: Array("<html>oops</html>".utf8)) == .retry(after: nil, reason: "HTTP 500"))
        #expect(WhatsAppSendResult.classify(status: 503, retryAfter: "99999999999999999999999", body: []) == .retry(after: .seconds(86_400), reason: "HTTP 503"))
        let unknown = Array(#"{"error":{"message":"(#131000) Something went wrong","code":131000}}"#.utf8)
        #expect(WhatsAppSendResult.classify(status: 500, retryAfter: nil, body: unknown) == .retry(after: nil, reason: "(#131000) Something went wrong"))
        let other = Array(#"{"error":{"message":"(#131026) Message undeliverable","code":131026}}"#.utf8)
        #expect(WhatsAppSendResult.classify(status: 502, retryAfter: nil, body: other) == .retry(after: nil, reason: "HTTP 502: (#131026) Message undeliverable"))
    }

    @Test func plainClientErrorsFail() {
        #expect(WhatsAppSendResult.classify(status: 400, retryAfter: nil, body: Array("bad".utf8))
            == .failed(WhatsAppGraphError(code: 400, title: "HTTP 400")))
        #expect(WhatsAppSendResult.classify(status: 401, retryAfter: "5", body: [])
            == .failed(WhatsAppGraphError(code: 401, title: "HTTP 401")))
        let stringCode = Array(#"{"error":{"message":"(#131056) pair rate limit hit","code":"131056"}}"#.utf8)
        guard case .retry = WhatsAppSendResult.classify(status: 400, retryAfter: nil, body: stringCode) else {
            Issue.record("a numeric-string transient code must retry"); return
        }
    }

    // MARK: backoff

    @Test func backoffGrowsCapsAndGivesUp() throws {
        let backoff = RetryBackoff(base: .seconds(1), cap: .seconds(300), maxAttempts: 8)
        #expect(backoff.delay(afterAttempt: 1, random: 0.999_999)! <= .seconds(1))
        #expect(backoff.delay(afterAttempt: 1, random: 0.5) == .milliseconds(500))
        #expect(backoff.delay(afterAttempt: 3, random: 0.5) == .seconds(2))
        #expect(backoff.delay(afterAttempt: 7, random: 0.5) == .seconds(32))
        #expect(backoff.delay(afterAttempt: 8, random: 0.5) == nil)
        #expect(backoff.delay(afterAttempt: 100, random: 0.5) == nil)
        #expect(backoff.delay(afterAttempt: 1, random: 0) == .zero)
        let long = RetryBackoff(base: .seconds(1), cap: .seconds(300), maxAttempts: 1000)
        #expect(long.delay(afterAttempt: 10, random: 0.5) == .seconds(150))
        #expect(long.delay(afterAttempt: 999, random: 0.5) == .seconds(150))
        #expect(long.delay(afterAttempt: 999, random: 7) == .seconds(300))        // clamped random
        #expect(long.delay(afterAttempt: 999, random: .nan) == .zero)
        var rng = SplitMix64(seed: 42)
        for n in 1..<1000 {
            let d = try #require(long.delay(afterAttempt: n, random: Double.random(in: 0..<1, using: &rng)))
            #expect(d >= .zero && d <= .seconds(300))
            #expect(d <= .seconds(1) * (1 << min(n - 1, 20)))
        }
    }

    // MARK: 24-hour window

    @Test func customerServiceWindowEdges() {
        let last = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(CustomerServiceWindow.length == .seconds(86_400))
        #expect(CustomerServiceWindow.closes(lastCustomerMessage: last) == Date(timeIntervalSince1970: 1_700_086_400))
        #expect(CustomerServiceWindow.isOpen(lastCustomerMessage: last, now: last))
        #expect(CustomerServiceWindow.isOpen(lastCustomerMessage: last, now: last.addingTimeInterval(86_399.999)))
        #expect(!CustomerServiceWindow.isOpen(lastCustomerMessage: last, now: last.addingTimeInterval(86_400)))
        #expect(!CustomerServiceWindow.isOpen(lastCustomerMessage: last, now: last.addingTimeInterval(200_000)))
        #expect(!CustomerServiceWindow.isOpen(lastCustomerMessage: nil, now: last))
    }
}
