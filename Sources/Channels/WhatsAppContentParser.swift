/// Reads a message's content object by its type (webhooks reference "messages" → text, image, audio,
/// video, document, sticker, location, contacts, interactive, button, reaction objects).
extension WhatsAppContent {
    static let mediaKinds: Set<String> = ["image", "audio", "video", "document", "sticker"]

    /// Never throws: a type it does not know, or a known type with a malformed object, is `.unsupported`.
    static func parse(type: String, message: JSONValue) -> WhatsAppContent {
        let known = type == "contacts" ? parseContacts(message) : parseKnown(type: type, message: message)
        return known ?? .unsupported(type: type)
    }

    private static func parseKnown(type: String, message: JSONValue) -> WhatsAppContent? {
        guard let object = message[type], object.isObject else { return nil }
        switch type {
        case "text":
            return object["body"]?.stringValue.map(WhatsAppContent.text)
        case _ where mediaKinds.contains(type):
            guard let id = object["id"]?.textValue, !id.isEmpty else { return nil }
            return .media(WhatsAppMedia(
                kind: type, id: id, mimeType: object["mime_type"]?.stringValue,
                sha256: object["sha256"]?.stringValue, caption: object["caption"]?.stringValue,
                filename: object["filename"]?.stringValue, voice: object["voice"]?.boolValue ?? false))
        case "location":
            guard let latitude = object["latitude"]?.doubleValue, let longitude = object["longitude"]?.doubleValue,
                  (-90...90).contains(latitude), (-180...180).contains(longitude)
            else { return nil }
            return .location(latitude: latitude, longitude: longitude,
                             name: object["name"]?.stringValue, address: object["address"]?.stringValue)
        case "interactive":
            return parseInteractive(object)
        case "button":
            guard let text = object["text"]?.stringValue else { return nil }
            return .button(payload: object["payload"]?.stringValue, text: text)
        case "reaction":
            guard let messageID = object["message_id"]?.textValue else { return nil }
            let emoji = object["emoji"]?.stringValue
            return .reaction(messageID: messageID, emoji: emoji?.isEmpty == true ? nil : emoji)
        default:
            return nil
        }
    }

    private static func parseInteractive(_ object: JSONValue) -> WhatsAppContent? {
        guard let kind = object["type"]?.stringValue, let reply = object[kind], reply.isObject else { return nil }
        switch kind {
        case "button_reply", "list_reply":
            guard let id = reply["id"]?.textValue, let title = reply["title"]?.stringValue else { return nil }
            return .interactive(replyID: id, title: title, description: reply["description"]?.stringValue)
        case "nfm_reply":
            return .interactive(replyID: reply["response_json"]?.stringValue ?? "", title: "form",
                                description: reply["body"]?.stringValue)
        default:
            return nil
        }
    }
}

extension WhatsAppContent {
    /// `contacts` is an array at the message level, not an object: handled here.
    static func parseContacts(_ message: JSONValue) -> WhatsAppContent? {
        guard let cards = message["contacts"]?.arrayValue else { return nil }
        return .contacts(cards.map { card in
            let name = card["name"]?["formatted_name"]?.stringValue
                ?? [card["name"]?["first_name"]?.stringValue, card["name"]?["last_name"]?.stringValue]
                    .compactMap { $0 }.joined(separator: " ")
            let phones = (card["phones"]?.arrayValue ?? []).compactMap { $0["phone"]?.textValue ?? $0["wa_id"]?.textValue }
            return WhatsAppSharedContact(name: name, phones: phones)
        })
    }
}
