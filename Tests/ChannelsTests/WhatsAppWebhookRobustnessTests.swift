import Foundation
import Testing
@testable import Channels

@Suite("WhatsApp webhook: bad input gets a clear error, never a crash")
struct WhatsAppWebhookRobustnessTests {
    /// Why the delivery was refused as a whole, or else why its first item was rejected (issue 10 §2.2:
    /// items are read one by one; only an unusable envelope refuses the delivery).
    private func reason(_ text: String) -> String? {
        do {
            return try WhatsAppWebhook.parse(Array(text.utf8)).rejected.first?.reason
        } catch {
            return error.reason
        }
    }

    @Test func aRejectedItemKeepsItsPathRawJSONAndTheGoodItemsBesideIt() throws {
        let body = #"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"P"},"messages":[{"from":"1","id":"good","timestamp":"5","type":"text","text":{"body":"ok"}},{"id":"bad","timestamp":"5","type":"text"}],"statuses":[{"id":"s","status":"read","timestamp":"soon"},{"id":"s2","status":"read","timestamp":"6"}]}}]},{"id":"no changes"}]}"#
        let webhook = try WhatsAppWebhook.parse(Array(body.utf8))
        #expect(webhook.messages.map(\.id) == ["good"])
        #expect(webhook.statuses.map(\.messageID) == ["s2"])
        #expect(webhook.rejected.map(\.path) == ["entry[0].changes[0].value.messages[1]", "entry[0].changes[0].value.statuses[0]", "entry[1]"])
        #expect(webhook.rejected.map(\.phoneNumberID) == ["P", "P", nil])
        #expect(webhook.rejected[1].rawJSON == #"{"id":"s","status":"read","timestamp":"soon"}"#)
        #expect(webhook.rejected[2].reason == "entry[1] has no 'changes' array")
    }

    @Test(arguments: [
        ("", "not JSON"),
        ("hello", "not JSON"),
        ("{\"object\":", "not JSON"),
        ("{\"object\":\"whatsapp_business_account\",\"entry\":[]} trailing", "not JSON"),
        ("[1,2,3]", "not a JSON object"),
        ("\"whatsapp\"", "not a JSON object"),
        ("{}", "missing 'object'"),
        ("{\"object\":\"page\",\"entry\":[]}", "not \"whatsapp_business_account\""),
        ("{\"object\":\"whatsapp_business_account\"}", "missing 'entry' array"),
        ("{\"object\":\"whatsapp_business_account\",\"entry\":{}}", "missing 'entry' array"),
        ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\"}]}", "entry[0] has no 'changes'"),
        ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{}}]}]}", "entry[0].changes[0] has no 'field'"),
        ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{}}]}]}",
         "entry[0].changes[0].value.metadata.phone_number_id is missing"),
        ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\"}]}]}",
         "entry[0].changes[0].value is not an object"),
    ] as [(String, String)])
    func wrongShapesAreNamed(body: String, expected: String) {
        let got = reason(body)
        #expect(got?.contains(expected) == true, "body \(body) gave \(String(describing: got))")
    }

    @Test func missingMessageFieldsNameTheirPath() {
        let noID = reason(String(decoding: webhookBody(message: #"{"from":"1","timestamp":"1","type":"text","text":{"body":"x"}}"#), as: UTF8.self))
        #expect(noID == "entry[0].changes[0].value.messages[0].id is missing or not a string")
        let noFrom = reason(String(decoding: webhookBody(message: #"{"id":"w","timestamp":"1","type":"text","text":{"body":"x"}}"#), as: UTF8.self))
        #expect(noFrom?.hasSuffix("messages[0].from is missing or not a string") == true)
        let noType = reason(String(decoding: webhookBody(message: #"{"id":"w","from":"1","timestamp":"1"}"#), as: UTF8.self))
        #expect(noType?.hasSuffix("messages[0].type is missing or not a string") == true)
        let notObject = reason(String(decoding: webhookBody(message: "42"), as: UTF8.self))
        #expect(notObject?.hasSuffix("messages[0] is not an object") == true)
    }

    @Test func hugeNumbersDoNotOverflow() {
        // A timestamp far beyond Int64, and one beyond year 9999: errors, not traps or nonsense dates.
        for ts in ["\"99999999999999999999999999999\"", "1e400", "\"253402300800\"", "-1", "\"12.5\""] {
            let body = String(decoding: webhookBody(message: "{\"from\":\"1\",\"id\":\"w\",\"timestamp\":\(ts),\"type\":\"text\",\"text\":{\"body\":\"x\"}}"), as: UTF8.self)
            #expect(reason(body)?.hasSuffix("timestamp is missing or not unix seconds") == true, "timestamp \(ts)")
        }
        // Huge latitude: the location is unsupported, the message kept.
        let body = webhookBody(message: #"{"from":"1","id":"w","timestamp":"1","type":"location","location":{"latitude":1e999,"longitude":123456789012345678901234567890}}"#)
        #expect((try? WhatsAppWebhook.parse(body))?.messages.first?.content == .unsupported(type: "location"))
        // Huge error code in a status: the error is skipped (no Int), the status kept.
        let status = Array(#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"P"},"statuses":[{"id":"s","status":"failed","timestamp":"5","errors":[{"code":99999999999999999999999}]}]}}]}]}"#.utf8)
        let parsed = try? WhatsAppWebhook.parse(status)
        #expect(parsed?.statuses.count == 1)
        #expect(parsed?.statuses.first?.errors == [])
    }

    @Test func deepNestingIsRefusedNotAStackOverflow() {
        let depth = 100_000
        let deepArray = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(reason(deepArray)?.contains("nesting deeper than") == true)
        let deepInMessage = "{\"object\":\"whatsapp_business_account\",\"x\":" + String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth) + "}"
        #expect(reason(deepInMessage)?.contains("nesting deeper than") == true)
        // Nesting within the limit is fine, including unknown fields inside a message.
        let nested = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let body = webhookBody(message: "{\"from\":\"1\",\"id\":\"w\",\"timestamp\":\"1\",\"type\":\"text\",\"text\":{\"body\":\"x\"},\"extra\":\(nested)}")
        #expect((try? WhatsAppWebhook.parse(body))?.messages.count == 1)
    }

    @Test func invalidUTF8AndControlCharactersAreRejected() {
        var bytes = Array(#"{"object":"whatsapp_business_account","entry":[],"x":""#.utf8)
        bytes += [0xC3, 0x28]  // invalid UTF-8 sequence
        bytes += Array(#""}"#.utf8)
        #expect(throws: WhatsAppPayloadError.self) { try WhatsAppWebhook.parse(bytes) }
        let control = Array("{\"object\":\"whatsapp_business_account\",\"entry\":[],\"x\":\"a\u{01}b\"}".utf8)
        #expect(throws: WhatsAppPayloadError.self) { try WhatsAppWebhook.parse(control) }
        let loneSurrogate = Array(#"{"object":"whatsapp_business_account","entry":[],"x":"\ud800"}"#.utf8)
        #expect(throws: WhatsAppPayloadError.self) { try WhatsAppWebhook.parse(loneSurrogate) }
    }

    @Test func errorDescriptionSaysWhatIsWrong() {
        let error = WhatsAppPayloadError(reason: "missing 'entry' array")
        #expect(error.description == "invalid WhatsApp webhook payload: missing 'entry' array")
    }

    @Test func everyFixtureSurvivesByteAtATimeTruncation() throws {
        // Every prefix of every fixture either parses or throws a payload error; only the full text
        // of a fixture parses to the full set of messages.
        for name in Fixture.names {
            let bytes = try Fixture.bytes(name)
            let full = try WhatsAppWebhook.parse(bytes)
            #expect(full.messages.count + full.statuses.count > 0, "\(name)")
            let end = bytes.lastIndex(where: { $0 == UInt8(ascii: "}") }) ?? bytes.count
            for cut in 0..<end {
                #expect(throws: WhatsAppPayloadError.self, "\(name) cut at \(cut)") {
                    try WhatsAppWebhook.parse(Array(bytes[..<cut]))
                }
            }
        }
    }

    @Test func fuzzOneMillionInputsNeverCrash() throws {
        var rng = SplitMix64(seed: 0x5EED_C4A7)
        let seeds = try Fixture.names.map(Fixture.bytes)
        let alphabet = Array(#"{}[]:,"\0123456789.-+eEtrufalsn \u"#.utf8) + [0x00, 0xFF, 0xC3, 0x80, 0x0A]
        var parsed = 0, rejected = 0
        for i in 0..<1_000_000 {
            var input: [UInt8]
            switch i % 4 {
            case 0:  // random bytes
                input = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1:  // random JSON-ish tokens
                input = (0..<Int.random(in: 0...96, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? 0 }
            case 2:  // truncated fixture
                let seed = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
                input = Array(seed[..<Int.random(in: 0...seed.count, using: &rng)])
            default:  // fixture with a few bytes overwritten
                input = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    input[Int.random(in: 0..<input.count, using: &rng)] = alphabet.randomElement(using: &rng) ?? 0
                }
            }
            do {
                let webhook = try WhatsAppWebhook.parse(input)
                #expect(webhook.messages.allSatisfy { !$0.id.isEmpty && !$0.from.isEmpty && !$0.phoneNumberID.isEmpty })
                #expect(webhook.rejected.allSatisfy { !$0.reason.isEmpty && !$0.path.isEmpty })
                parsed += 1
            } catch {
                if error.reason.isEmpty { Issue.record("empty reason for input #\(i)") }
                rejected += 1
            }
        }
        #expect(parsed + rejected == 1_000_000)
        #expect(parsed > 0, "mutated fixtures should sometimes still parse")
        #expect(rejected > 0)
    }
}
