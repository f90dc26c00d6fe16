import Foundation

/// A message our agent sends through the Cloud API (developers.facebook.com/docs/whatsapp/cloud-api/
/// reference/messages): `POST {base}/{version}/{phone_number_id}/messages` with a JSON body.
public struct WhatsAppOutboundMessage: Sendable, Hashable {
    /// The customer's wa_id.
    public var to: String
    /// The Meta message type: text, image, audio, video, document, sticker.
    public var type: String
    /// The wamid this message replies to (sent as `context.message_id`).
    public var replyTo: String?
    /// The object sent under the `type` key.
    var content: JSONValue

    /// Text message limit in the Cloud API reference (text.body: 4096 characters).
    public static let maxTextLength = 4096
    /// Media caption limit in the Cloud API reference (1024 characters).
    public static let maxCaptionLength = 1024
    /// Kinds that can be sent by link.
    public static let mediaKinds: Set<String> = ["image", "audio", "video", "document", "sticker"]

    /// A free-form text reply (only within the customer service window, see `CustomerServiceWindow`).
    public static func text(to waID: String, body: String, replyTo: String? = nil) -> WhatsAppOutboundMessage {
        WhatsAppOutboundMessage(to: waID, type: "text", replyTo: replyTo,
                                content: .object([("preview_url", .bool(false)), ("body", .string(body))]))
    }

    /// Media by reference: kind image|audio|video|document|sticker, link (https URL), optional caption/filename.
    /// Meta accepts a caption only on image, video and document, and a filename only on document; the
    /// others are left out of the body.
    public static func media(to waID: String, kind: String, link: String, caption: String?,
                             filename: String?) -> WhatsAppOutboundMessage {
        var members: [(key: String, value: JSONValue)] = [("link", .string(link))]
        if let caption, !caption.isEmpty, ["image", "video", "document"].contains(kind) {
            members.append(("caption", .string(caption)))
        }
        if let filename, !filename.isEmpty, kind == "document" {
            members.append(("filename", .string(filename)))
        }
        return WhatsAppOutboundMessage(to: waID, type: kind, replyTo: nil, content: .object(members))
    }

    /// "{base}/{version}/{phoneNumberID}/messages" (base without trailing slash handled).
    public static func url(base: String, version: String, phoneNumberID: String) -> String {
        var base = Substring(base)
        while base.hasSuffix("/") { base = base.dropLast() }
        let version = version.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        var segment = CharacterSet.urlPathAllowed
        segment.remove("/")
        let phone = phoneNumberID.addingPercentEncoding(withAllowedCharacters: segment) ?? phoneNumberID
        return "\(base)/\(version)/\(phone)/messages"
    }

    /// JSON body with messaging_product "whatsapp", recipient_type "individual".
    public var jsonBody: [UInt8] {
        var members: [(key: String, value: JSONValue)] = [
            ("messaging_product", .string("whatsapp")),
            ("recipient_type", .string("individual")),
            ("to", .string(to)),
        ]
        if let replyTo, !replyTo.isEmpty {
            members.append(("context", .object([("message_id", .string(replyTo))])))
        }
        members.append(("type", .string(type)))
        members.append((type, content))
        return JSONValue.object(members).serializedBytes
    }

    /// Why Meta would refuse this message, checked before sending (nil when it is well formed): empty
    /// recipient, empty or over-long text, unknown media kind, a link that is not https, an over-long caption.
    public var invalidReason: String? {
        if to.isEmpty { return "the recipient wa_id is empty" }
        if type == "text" {
            let body = content["body"]?.stringValue ?? ""
            if body.isEmpty { return "the text is empty" }
            if body.count > Self.maxTextLength { return "the text is longer than \(Self.maxTextLength) characters" }
            return nil
        }
        guard Self.mediaKinds.contains(type) else { return "unknown media kind \"\(type)\"" }
        guard let link = content["link"]?.stringValue, let url = URL(string: link), url.scheme?.lowercased() == "https",
              url.host?.isEmpty == false
        else { return "the media link must be an https URL" }
        if let caption = content["caption"]?.stringValue, caption.count > Self.maxCaptionLength {
            return "the caption is longer than \(Self.maxCaptionLength) characters"
        }
        return nil
    }
}
