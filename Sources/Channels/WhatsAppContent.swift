/// The content of one inbound WhatsApp message, by Meta's `type` (developers.facebook.com/docs/whatsapp/
/// cloud-api/webhooks/components → "Messages Object"; webhooks reference "messages").
public enum WhatsAppContent: Sendable, Hashable {
    case text(String)
    /// image, audio, video, document, sticker: a media id to download through the Graph API.
    case media(WhatsAppMedia)
    case location(latitude: Double, longitude: Double, name: String?, address: String?)
    case contacts([WhatsAppSharedContact])
    /// button_reply / list_reply (id, title, list description); nfm_reply (a WhatsApp Flow) → id = the
    /// flow's `response_json`, title "form", description = its `body`.
    case interactive(replyID: String, title: String, description: String?)
    /// A quick-reply button of a template message.
    case button(payload: String?, text: String)
    /// emoji nil/empty = reaction removed.
    case reaction(messageID: String, emoji: String?)
    /// Any type this module does not model (order, system, unsupported, request_welcome, …) or a known
    /// type whose content object is malformed. Kept and shown, never dropped.
    case unsupported(type: String)

    /// "text", "image", …, the Meta type string.
    public var kind: String {
        switch self {
        case .text: "text"
        case .media(let media): media.kind
        case .location: "location"
        case .contacts: "contacts"
        case .interactive: "interactive"
        case .button: "button"
        case .reaction: "reaction"
        case .unsupported(let type): type
        }
    }

    /// One line for an agent's screen, e.g. "📷 image: caption", "📍 Av. Paulista 1000", "unsupported message (type)".
    public var summary: String {
        switch self {
        case .text(let body):
            return Self.oneLine(body)
        case .media(let media):
            let label: String
            switch media.kind {
            case "image": label = "📷 image"
            case "audio": label = media.voice ? "🎤 voice message" : "🎵 audio"
            case "video": label = "🎬 video"
            case "document": label = "📄 document"
            case "sticker": label = "💟 sticker"
            default: label = "📎 \(media.kind)"
            }
            let detail = [media.filename, media.caption].compactMap { $0 }.filter { !$0.isEmpty }
            return detail.isEmpty ? label : label + ": " + Self.oneLine(detail.joined(separator: " — "))
        case let .location(latitude, longitude, name, address):
            let parts = [name, address].compactMap { $0 }.filter { !$0.isEmpty }
            if parts.isEmpty { return "📍 \(latitude), \(longitude)" }
            return "📍 " + Self.oneLine(parts.joined(separator: ", "))
        case .contacts(let contacts):
            let names = contacts.map(\.name).filter { !$0.isEmpty }
            let head = contacts.count == 1 ? "👤 contact" : "👤 \(contacts.count) contacts"
            return names.isEmpty ? head : head + ": " + Self.oneLine(names.joined(separator: ", "))
        case let .interactive(_, title, description):
            if let description, !description.isEmpty { return "🔘 " + Self.oneLine(title + " — " + description) }
            return "🔘 " + Self.oneLine(title)
        case let .button(_, text):
            return "🔘 " + Self.oneLine(text)
        case let .reaction(_, emoji):
            if let emoji, !emoji.isEmpty { return "\(emoji) reaction" }
            return "reaction removed"
        case .unsupported(let type):
            return "unsupported message (\(type))"
        }
    }

    /// Line breaks and tabs become spaces, so the summary stays on one line.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }
}

/// A media attachment by reference (webhooks "messages" → image/audio/video/document/sticker objects).
public struct WhatsAppMedia: Sendable, Hashable {
    /// image, audio, video, document or sticker.
    public var kind: String
    /// Media id for `GET /{media-id}` on the Graph API.
    public var id: String
    /// mime_type as Meta reports it.
    public var mimeType: String?
    /// Base64 SHA-256 of the file, to check the download.
    public var sha256: String?
    /// image, video, document captions.
    public var caption: String?
    /// Documents only.
    public var filename: String?
    /// Audio recorded as a voice note (`audio.voice`).
    public var voice: Bool

    /// A media reference as parsed from a webhook.
    public init(kind: String, id: String, mimeType: String? = nil, sha256: String? = nil,
                caption: String? = nil, filename: String? = nil, voice: Bool = false) {
        self.kind = kind
        self.id = id
        self.mimeType = mimeType
        self.sha256 = sha256
        self.caption = caption
        self.filename = filename
        self.voice = voice
    }
}

/// A contact card shared by the customer (webhooks "messages" → contacts: name.formatted_name, phones[].phone).
public struct WhatsAppSharedContact: Sendable, Hashable {
    /// name.formatted_name, else first and last name.
    public var name: String
    /// phones[].phone (or wa_id when no phone is given).
    public var phones: [String]

    /// A shared contact card.
    public init(name: String, phones: [String]) {
        self.name = name
        self.phones = phones
    }
}
