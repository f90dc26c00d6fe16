import Foundation
import Testing
@testable import Channels

@Suite("WhatsApp webhook: Meta's documented message shapes")
struct WhatsAppWebhookTests {
    private func single(_ name: String) throws -> WhatsAppInboundMessage {
        let webhook = try WhatsAppWebhook.parse(try Fixture.bytes(name))
        #expect(webhook.statuses.isEmpty)
        try #require(webhook.messages.count == 1)
        let message = webhook.messages[0]
        #expect(message.phoneNumberID == "106540352242922")
        #expect(message.displayPhoneNumber == "15550783881")
        #expect(message.from == "16505551234")
        #expect(message.profileName == "Sheena Nelson")
        return message
    }

    @Test func text() throws {
        let m = try single("text")
        #expect(m.id == "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=")
        #expect(m.timestamp == Date(timeIntervalSince1970: 1_749_416_383))
        #expect(m.content == .text("Does it come in another color?"))
        #expect(m.content.kind == "text")
        #expect(m.content.summary == "Does it come in another color?")
        #expect(m.contextMessageID == nil)
    }

    @Test func imageWithCaption() throws {
        let m = try single("image")
        let expected = WhatsAppMedia(kind: "image", id: "1003383421387256", mimeType: "image/jpeg",
                                     sha256: "SfInY0gsnNBhLTZHyJ2M5C4QdqTq+VC9Xb5GW8GTxjY=",
                                     caption: "This is how it arrived", filename: nil, voice: false)
        #expect(m.content == .media(expected))
        #expect(m.content.kind == "image")
        #expect(m.content.summary == "📷 image: This is how it arrived")
    }

    @Test func voiceAudio() throws {
        let m = try single("audio")
        guard case .media(let media) = m.content else { Issue.record("not media: \(m.content)"); return }
        #expect(media.kind == "audio")
        #expect(media.voice)
        #expect(media.mimeType == "audio/ogg; codecs=opus")
        #expect(media.id == "1003383421387257")
        #expect(m.content.summary == "🎤 voice message")
    }

    @Test func video() throws {
        let m = try single("video")
        guard case .media(let media) = m.content else { Issue.record("not media: \(m.content)"); return }
        #expect(media.kind == "video")
        #expect(media.caption == "Unboxing")
        #expect(!media.voice)
        #expect(m.content.summary == "🎬 video: Unboxing")
    }

    @Test func documentWithFilename() throws {
        let m = try single("document")
        guard case .media(let media) = m.content else { Issue.record("not media: \(m.content)"); return }
        #expect(media.kind == "document")
        #expect(media.filename == "invoice-2025-04.pdf")
        #expect(media.caption == "My invoice")
        #expect(media.mimeType == "application/pdf")
        #expect(m.content.summary == "📄 document: invoice-2025-04.pdf — My invoice")
    }

    @Test func sticker() throws {
        let m = try single("sticker")
        #expect(m.content == .media(WhatsAppMedia(kind: "sticker", id: "1003383421387260", mimeType: "image/webp", sha256: "e7f8")))
        #expect(m.content.kind == "sticker")
    }

    @Test func location() throws {
        let m = try single("location")
        #expect(m.content == .location(latitude: -23.5649, longitude: -46.6519, name: "Escritório",
                                       address: "Av. Paulista, 1000 - Bela Vista, São Paulo"))
        #expect(m.content.summary == "📍 Escritório, Av. Paulista, 1000 - Bela Vista, São Paulo")
    }

    @Test func locationWithoutNameShowsCoordinates() throws {
        let body = webhookBody(message: #"{"from":"1","id":"w","timestamp":"1","type":"location","location":{"latitude":1.5,"longitude":-2.25}}"#)
        let m = try #require(try WhatsAppWebhook.parse(body).messages.first)
        #expect(m.content == .location(latitude: 1.5, longitude: -2.25, name: nil, address: nil))
        #expect(m.content.summary == "📍 1.5, -2.25")
    }

    @Test func sharedContacts() throws {
        let m = try single("contacts")
        #expect(m.content == .contacts([
            WhatsAppSharedContact(name: "Kerry Fitzgerald", phones: ["+1 (415) 555-0138", "+1 (415) 555-0199"]),
            WhatsAppSharedContact(name: "Ana Souza", phones: ["5511999990000"]),
        ]))
        #expect(m.content.summary == "👤 2 contacts: Kerry Fitzgerald, Ana Souza")
    }

    @Test func interactiveButtonReply() throws {
        let m = try single("interactive_button")
        #expect(m.content == .interactive(replyID: "confirm-yes", title: "Yes, please", description: nil))
        #expect(m.contextMessageID == "wamid.OURQUESTION")
        #expect(m.content.summary == "🔘 Yes, please")
    }

    @Test func interactiveListReply() throws {
        let m = try single("interactive_list")
        #expect(m.content == .interactive(replyID: "priority_express", title: "Express Shipping", description: "Next Day to 2 Days"))
        #expect(m.contextMessageID == "wamid.OURLIST")
        #expect(m.content.kind == "interactive")
    }

    @Test func interactiveFlowReplyIsAForm() throws {
        let body = webhookBody(message: #"{"from":"1","id":"w","timestamp":"1","type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"response_json":"{\"flow_token\":\"t\",\"cpf\":\"123\"}","body":"Sent","name":"flow"}}}"#)
        let m = try #require(try WhatsAppWebhook.parse(body).messages.first)
        #expect(m.content == .interactive(replyID: #"{"flow_token":"t","cpf":"123"}"#, title: "form", description: "Sent"))
    }

    @Test func templateButton() throws {
        let m = try single("button")
        #expect(m.content == .button(payload: "Unsubscribe from Promos", text: "Unsubscribe"))
        #expect(m.contextMessageID == "wamid.OURTEMPLATE")
    }

    @Test func reactionAndRemoval() throws {
        let added = try single("reaction")
        #expect(added.content == .reaction(messageID: "wamid.OURMSG", emoji: "👍"))
        #expect(added.content.summary == "👍 reaction")
        let removed = try single("reaction_removed")
        #expect(removed.content == .reaction(messageID: "wamid.OURMSG", emoji: nil))
        #expect(removed.content.summary == "reaction removed")
        let emptyEmoji = webhookBody(message: #"{"from":"1","id":"w","timestamp":"1","type":"reaction","reaction":{"message_id":"x","emoji":""}}"#)
        #expect(try WhatsAppWebhook.parse(emptyEmoji).messages.first?.content == .reaction(messageID: "x", emoji: nil))
    }

    @Test func unknownTypeIsKeptAsUnsupported() throws {
        let m = try single("unsupported")
        #expect(m.content == .unsupported(type: "order"))
        #expect(m.content.kind == "order")
        #expect(m.content.summary == "unsupported message (order)")
        // Kept for audit: the raw message survives re-serialization with its unknown fields.
        #expect(m.rawJSON.contains(#""product_retailer_id":"di9ozbzfi4""#))
        #expect(m.rawJSON.contains(#""type":"order""#))
    }

    @Test func knownTypeWithMalformedContentIsUnsupportedNotDropped() throws {
        let cases = [
            #"{"from":"1","id":"w","timestamp":"1","type":"image","image":{"caption":"no id"}}"#,
            #"{"from":"1","id":"w","timestamp":"1","type":"text"}"#,
            #"{"from":"1","id":"w","timestamp":"1","type":"text","text":"not an object"}"#,
            #"{"from":"1","id":"w","timestamp":"1","type":"location","location":{"latitude":"north","longitude":2}}"#,
            #"{"from":"1","id":"w","timestamp":"1","type":"location","location":{"latitude":91,"longitude":2}}"#,
            #"{"from":"1","id":"w","timestamp":"1","type":"interactive","interactive":{"type":"carousel"}}"#,
        ]
        for json in cases {
            let m = try #require(try WhatsAppWebhook.parse(webhookBody(message: json)).messages.first)
            guard case .unsupported = m.content else { Issue.record("expected unsupported for \(json), got \(m.content)"); continue }
        }
    }

    @Test func rawJSONRoundTripsTheMessageObject() throws {
        let m = try single("text")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(m.rawJSON.utf8)) as? [String: Any])
        #expect(decoded["id"] as? String == m.id)
        #expect((decoded["text"] as? [String: Any])?["body"] as? String == "Does it come in another color?")
        #expect(decoded["timestamp"] as? String == "1749416383")
    }

    @Test func statuses() throws {
        let webhook = try WhatsAppWebhook.parse(try Fixture.bytes("statuses"))
        #expect(webhook.messages.isEmpty)
        #expect(webhook.statuses.map(\.status) == [.sent, .delivered, .read, .failed, .deleted, .other("warning")])
        #expect(webhook.statuses.map(\.messageID) == ["wamid.OUT1", "wamid.OUT1", "wamid.OUT1", "wamid.OUT2", "wamid.OUT3", "wamid.OUT4"])
        #expect(webhook.statuses.allSatisfy { $0.phoneNumberID == "106540352242922" })
        #expect(webhook.statuses[0].timestamp == Date(timeIntervalSince1970: 1_750_263_773))
        #expect(webhook.statuses[0].recipientID == "16505551234")
        #expect(webhook.statuses[5].recipientID == nil)
        #expect(webhook.statuses[0].errors.isEmpty)
        let failed = webhook.statuses[3]
        #expect(failed.errors == [WhatsAppGraphError(
            code: 131047, title: "Re-engagement message", message: "Re-engagement message",
            details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.")])
        #expect(WhatsAppDeliveryStatus("warning").rawValue == "warning")
        #expect(WhatsAppDeliveryStatus("read").rawValue == "read")
    }

    @Test func batchOfEntriesChangesAndMessagesInWireOrder() throws {
        let webhook = try WhatsAppWebhook.parse(try Fixture.bytes("batch"))
        #expect(webhook.messages.map(\.id) == ["wamid.B1", "wamid.B2", "wamid.B3", "wamid.B4", "wamid.B5"])
        #expect(webhook.messages.map(\.phoneNumberID) == ["PN1", "PN1", "PN2", "PN2", "PN2"])
        #expect(webhook.messages.map(\.profileName) == ["Ana", "Bruno", "Carla", "Carla", nil])
        #expect(webhook.messages[1].content == .text("olá"))
        #expect(webhook.messages[3].content == .unsupported(type: "system"))
        #expect(webhook.statuses.map(\.messageID) == ["wamid.OUTB"])
        #expect(webhook.statuses.first?.status == .delivered)
    }

    @Test func multiLineTextSummaryStaysOnOneLine() {
        #expect(WhatsAppContent.text("line one\nline two\r\n\tend").summary.contains("\n") == false)
        #expect(WhatsAppContent.text("a\nb").summary == "a b")
    }

    @Test func timestampAsNumberIsAccepted() throws {
        let body = webhookBody(message: #"{"from":"1","id":"w","timestamp":1700000000,"type":"text","text":{"body":"x"}}"#)
        #expect(try WhatsAppWebhook.parse(body).messages.first?.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func escapedUnicodeAndQuotesInText() throws {
        let body = webhookBody(message: #"{"from":"1","id":"w","timestamp":"1","type":"text","text":{"body":"Ol\u00e1 \"mundo\" \\ \ud83d\ude00 \/"}}"#)
        let m = try #require(try WhatsAppWebhook.parse(body).messages.first)
        #expect(m.content == .text("Olá \"mundo\" \\ 😀 /"))
    }
}

@Suite("WhatsApp webhook: errors Meta reports inside the payload")
struct WhatsAppWebhookErrorTests {
    @Test func unsupportedMessageCarriesItsError() throws {
        let body = webhookBody(message: #"{"from":"1","id":"w","timestamp":"1","type":"unsupported","errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown","error_data":{"details":"Message type is currently not supported."}}]}"#)
        let m = try #require(try WhatsAppWebhook.parse(body).messages.first)
        #expect(m.content == .unsupported(type: "unsupported"))
        #expect(m.errors == [WhatsAppGraphError(code: 131051, title: "Message type unknown", message: "Message type unknown",
                                                details: "Message type is currently not supported.")])
    }

    @Test func valueLevelErrorsAreReportedWithTheirNumber() throws {
        let body = Array(#"{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1555","phone_number_id":"PN9"},"errors":[{"code":131000,"title":"Something went wrong","message":"Something went wrong","error_data":{"details":"Unknown"}},{"code":"not a number"}]}}]}]}"#.utf8)
        let webhook = try WhatsAppWebhook.parse(body)
        #expect(webhook.messages.isEmpty && webhook.statuses.isEmpty)
        try #require(webhook.errors.count == 1)
        #expect(webhook.errors[0].phoneNumberID == "PN9")
        #expect(webhook.errors[0].error.code == 131000)
        #expect(webhook.errors[0].error.details == "Unknown")
        #expect(webhook == webhook)
        #expect(webhook != WhatsAppWebhook())
    }
}
