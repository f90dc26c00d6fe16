import Foundation

/// One POST of the WhatsApp Cloud API webhook (developers.facebook.com/docs/whatsapp/cloud-api/webhooks;
/// webhooks reference "messages"): every message and status of every entry and change, in wire order.
public struct WhatsAppWebhook: Sendable, Hashable {
    /// Customer messages, in wire order.
    public var messages: [WhatsAppInboundMessage]
    /// Delivery statuses of our outbound messages, in wire order.
    public var statuses: [WhatsAppStatusUpdate]
    /// entry[].changes[].value.errors: errors Meta reports about a business number or the app rather
    /// than about one message (Cloud API error codes page, "Receiving errors"), with the number they concern.
    public var errors: [(phoneNumberID: String, error: WhatsAppGraphError)]
    /// Items that could not be read (a message without `from`, a status with a bad `timestamp`, a change
    /// without metadata …), kept with their raw JSON so that one bad item does not lose the good ones.
    public var rejected: [WhatsAppRejectedItem]

    /// A parsed webhook.
    public init(messages: [WhatsAppInboundMessage] = [], statuses: [WhatsAppStatusUpdate] = [],
                errors: [(phoneNumberID: String, error: WhatsAppGraphError)] = [], rejected: [WhatsAppRejectedItem] = []) {
        self.messages = messages
        self.statuses = statuses
        self.errors = errors
        self.rejected = rejected
    }

    /// Equal when messages, statuses, errors and rejected items are equal.
    public static func == (lhs: WhatsAppWebhook, rhs: WhatsAppWebhook) -> Bool {
        lhs.messages == rhs.messages && lhs.statuses == rhs.statuses && lhs.rejected == rhs.rejected
            && lhs.errors.count == rhs.errors.count
            && zip(lhs.errors, rhs.errors).allSatisfy { $0.phoneNumberID == $1.phoneNumberID && $0.error == $1.error }
    }

    /// Hashes messages, statuses and errors.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(messages)
        hasher.combine(statuses)
        hasher.combine(rejected)
        for item in errors { hasher.combine(item.phoneNumberID); hasher.combine(item.error) }
    }

    /// Parses every entry and change of one POST body (object "whatsapp_business_account"). Throws
    /// `WhatsAppPayloadError` only when the envelope is unusable (not JSON, not an object, `object` not
    /// "whatsapp_business_account", no `entry` array). Everything inside is read item by item (issue 10
    /// §2.2): an entry without `changes`, a change without `field` or (for "messages") without
    /// `value.metadata.phone_number_id`, a message without `from`, `id`, `type` or a unix `timestamp`, a
    /// status without `id`, `status` or `timestamp` becomes a `WhatsAppRejectedItem` naming its path and
    /// reason, and the good items beside it are kept. Unknown message types and unknown fields never
    /// reject (they become `.unsupported`); change fields other than "messages" are skipped.
    public static func parse(_ body: [UInt8]) throws(WhatsAppPayloadError) -> WhatsAppWebhook {
        let root: JSONValue
        do {
            root = try JSONParser.parse(body)
        } catch {
            throw WhatsAppPayloadError(reason: "not JSON: \(error.reason) at byte \(error.offset)")
        }
        guard root.isObject else { throw WhatsAppPayloadError(reason: "the body is not a JSON object") }
        guard let object = root["object"]?.stringValue else { throw WhatsAppPayloadError(reason: "missing 'object'") }
        guard object == "whatsapp_business_account" else {
            throw WhatsAppPayloadError(reason: "'object' is \"\(object.prefix(64))\", not \"whatsapp_business_account\"")
        }
        guard let entries = root["entry"]?.arrayValue else { throw WhatsAppPayloadError(reason: "missing 'entry' array") }

        var webhook = WhatsAppWebhook()
        for (e, entry) in entries.enumerated() {
            guard entry.isObject, let changes = entry["changes"]?.arrayValue else {
                webhook.reject(entry, path: "entry[\(e)]", reason: "entry[\(e)] has no 'changes' array", phoneNumberID: nil)
                continue
            }
            for (c, change) in changes.enumerated() {
                let path = "entry[\(e)].changes[\(c)]"
                guard change.isObject, let field = change["field"]?.stringValue else {
                    webhook.reject(change, path: path, reason: "\(path) has no 'field'", phoneNumberID: nil)
                    continue
                }
                guard field == "messages" else { continue }
                do {
                    try parseMessagesValue(change["value"], path: path + ".value", into: &webhook)
                } catch {
                    webhook.reject(change["value"] ?? .null, path: path + ".value", reason: error.reason, phoneNumberID: nil)
                }
            }
        }
        return webhook
    }

    mutating func reject(_ item: JSONValue, path: String, reason: String, phoneNumberID: String?) {
        rejected.append(WhatsAppRejectedItem(phoneNumberID: phoneNumberID, path: path, reason: reason, rawJSON: item.serialized))
    }

    private static func parseMessagesValue(_ value: JSONValue?, path: String,
                                           into webhook: inout WhatsAppWebhook) throws(WhatsAppPayloadError) {
        guard let value, value.isObject else { throw WhatsAppPayloadError(reason: "\(path) is not an object") }
        guard let metadata = value["metadata"], let phoneNumberID = metadata["phone_number_id"]?.textValue,
              !phoneNumberID.isEmpty
        else { throw WhatsAppPayloadError(reason: "\(path).metadata.phone_number_id is missing") }
        let display = metadata["display_phone_number"]?.textValue

        var profileNames: [String: String] = [:]
        for contact in value["contacts"]?.arrayValue ?? [] {
            if let waID = contact["wa_id"]?.textValue, let name = contact["profile"]?["name"]?.stringValue,
               profileNames[waID] == nil {
                profileNames[waID] = name
            }
        }

        if let messages = value["messages"] {
            guard let list = messages.arrayValue else { throw WhatsAppPayloadError(reason: "\(path).messages is not an array") }
            for (m, message) in list.enumerated() {
                let at = "\(path).messages[\(m)]"
                let from: String, id: String, type: String, timestamp: Date
                do throws(WhatsAppPayloadError) {
                    guard message.isObject else { throw WhatsAppPayloadError(reason: "\(at) is not an object") }
                    from = try requiredText(message, "from", at)
                    id = try requiredText(message, "id", at)
                    type = try requiredText(message, "type", at)
                    timestamp = try requiredTimestamp(message, at)
                } catch {
                    webhook.reject(message, path: at, reason: error.reason, phoneNumberID: phoneNumberID)
                    continue
                }
                webhook.messages.append(WhatsAppInboundMessage(
                    phoneNumberID: phoneNumberID, displayPhoneNumber: display, from: from,
                    profileName: profileNames[from], id: id, timestamp: timestamp,
                    contextMessageID: message["context"]?["id"]?.textValue,
                    content: WhatsAppContent.parse(type: type, message: message),
                    rawJSON: message.serialized,
                    errors: (message["errors"]?.arrayValue ?? []).compactMap(WhatsAppGraphError.init(json:))))
            }
        }

        for error in value["errors"]?.arrayValue ?? [] {
            if let graph = WhatsAppGraphError(json: error) { webhook.errors.append((phoneNumberID, graph)) }
        }

        if let statuses = value["statuses"] {
            guard let list = statuses.arrayValue else { throw WhatsAppPayloadError(reason: "\(path).statuses is not an array") }
            for (s, status) in list.enumerated() {
                let at = "\(path).statuses[\(s)]"
                let id: String, state: String, timestamp: Date
                do throws(WhatsAppPayloadError) {
                    guard status.isObject else { throw WhatsAppPayloadError(reason: "\(at) is not an object") }
                    id = try requiredText(status, "id", at)
                    state = try requiredText(status, "status", at)
                    timestamp = try requiredTimestamp(status, at)
                } catch {
                    webhook.reject(status, path: at, reason: error.reason, phoneNumberID: phoneNumberID)
                    continue
                }
                webhook.statuses.append(WhatsAppStatusUpdate(
                    phoneNumberID: phoneNumberID, messageID: id, status: WhatsAppDeliveryStatus(state),
                    timestamp: timestamp, recipientID: status["recipient_id"]?.textValue,
                    errors: (status["errors"]?.arrayValue ?? []).compactMap(WhatsAppGraphError.init(json:))))
            }
        }
    }

    private static func requiredText(_ object: JSONValue, _ key: String, _ path: String) throws(WhatsAppPayloadError) -> String {
        guard let text = object[key]?.textValue, !text.isEmpty else {
            throw WhatsAppPayloadError(reason: "\(path).\(key) is missing or not a string")
        }
        return text
    }

    /// Unix seconds, sent by Meta as a decimal string (a number is accepted too). Bounded to years
    /// 1970…9999 so that a huge value is an error, not a nonsense date.
    private static func requiredTimestamp(_ object: JSONValue, _ path: String) throws(WhatsAppPayloadError) -> Date {
        guard let seconds = object["timestamp"]?.intValue, (0...253_402_300_799).contains(seconds) else {
            throw WhatsAppPayloadError(reason: "\(path).timestamp is missing or not unix seconds")
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

/// A webhook item that could not be read: where it was, why, and its raw JSON (kept, never routed).
public struct WhatsAppRejectedItem: Sendable, Hashable {
    /// The business number of the change it came in, when that much was readable.
    public var phoneNumberID: String?
    /// Its place in the delivery, e.g. `entry[0].changes[0].value.statuses[1]`.
    public var path: String
    /// What is wrong with it, path included, e.g. `entry[0]….timestamp is missing or not unix seconds`.
    public var reason: String
    /// The item as it came.
    public var rawJSON: String

    /// A rejected item.
    public init(phoneNumberID: String?, path: String, reason: String, rawJSON: String) {
        self.phoneNumberID = phoneNumberID; self.path = path; self.reason = reason; self.rawJSON = rawJSON
    }
}

extension WhatsAppGraphError {
    /// Reads a webhook error object (`code`, `title`, `message`, `error_data.details`) or a Graph API
    /// response's `error` object. Nil without an integer code.
    init?(json: JSONValue) {
        guard json.isObject, let code = json["code"]?.intValue else { return nil }
        self.init(code: code, title: json["title"]?.stringValue, message: json["message"]?.stringValue,
                  details: json["error_data"]?["details"]?.stringValue)
    }
}
