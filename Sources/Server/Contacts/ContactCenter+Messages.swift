import Channels
import Directory
import Foundation
import Metrics
import Storage

/// Messages both ways and the protocol views of contacts, offers and messages.
extension ContactCenter {
    /// An agent's message: stored, then relayed to the visitor (web chat) or queued for the Graph API
    /// (WhatsApp, only inside the 24-hour customer-service window), and echoed to the agent's other tabs.
    func agentMessage(_ user: UserID, _ c: Conversation, _ command: JSONValue) async throws(ProtocolError) -> JSONValue {
        guard c.status == .assigned else { throw ProtocolError(code: "invalid_state", message: "The contact is not in conversation.") }
        let text = command["text"]?.stringValue ?? ""
        let attachment = try Self.attachment(command["attachment"])
        guard !text.isEmpty || attachment != nil else { throw ProtocolError(code: "invalid_message", message: "A message needs \"text\" or an \"attachment\".") }
        guard text.count <= 4_096 else { throw ProtocolError(code: "too_large", message: "Messages are at most 4096 characters.") }
        let at = now()
        if c.channel == .whatsapp {
            if let url = attachment?.url, !url.hasPrefix("https://") {
                throw ProtocolError(code: "invalid_attachment", message: "WhatsApp fetches attachments over https only.")
            }
            guard CustomerServiceWindow.isOpen(lastCustomerMessage: c.lastCustomerMessageAt, now: at) else {
                throw ProtocolError(code: "window_closed", message: "The customer last wrote more than 24 hours ago: WhatsApp allows only template messages now.")
            }
        }
        let kind = attachment == nil ? "text" : Self.kind(of: attachment!)
        let message = ChatMessage(conversationSeq: c.seq, direction: .outbound, authorID: user, kind: kind, text: text,
                                  attachment: attachment, status: c.channel == .whatsapp ? "queued" : "sent", createdAt: at)
        let stored: ChatMessage
        do {
            stored = try await store.write { db in
                guard let stored = try db.append(message) else { throw ProtocolError(code: "duplicate", message: "Duplicate message.") }
                if c.channel == .whatsapp, let to = c.customerAddress {
                    try db.enqueueWhatsApp(WhatsAppSend(messageSeq: stored.seq, phoneNumberID: c.source, recipient: to, attempts: 0, nextAttemptAt: nil))
                }
                return stored
            }
        } catch let error as ProtocolError { throw error } catch {
            throw ProtocolError(code: "internal", message: "The message could not be saved.")
        }
        if c.channel == .whatsapp { whatsAppWake() }
        Counter(label: "switchboard_chat_messages_total", dimensions: [("channel", c.channel.rawValue), ("direction", "outbound")]).increment()
        let view = Self.messageView(stored, contact: c.id)
        sendToVisitor(c.seq, ["type": "message", "message": Self.visitorMessageView(stored)])
        await sendToAgent(user, ["type": "message", "contactId": .string(c.id.wire), "message": view])
        return ["contactId": .string(c.id.wire), "messageId": .string(stored.id.wire)]
    }

    /// A customer's message was stored: relay it to the agent holding the contact.
    func customerMessageStored(_ m: ChatMessage, conversation c: Conversation) async {
        Counter(label: "switchboard_chat_messages_total", dimensions: [("channel", c.channel.rawValue), ("direction", "inbound")]).increment()
        if var live = open[c.seq] {
            live.lastCustomerMessageAt = c.lastCustomerMessageAt
            open[c.seq] = live
        }
        guard let agent = open[c.seq]?.agentID, open[c.seq]?.status == .assigned else { return }
        await sendToAgent(agent, ["type": "message", "contactId": .string(c.id.wire), "message": Self.messageView(m, contact: c.id)])
    }

    /// A delivery status changed (WhatsApp send result or status webhook): tell the agent the status
    /// as it was set (several may be committed before the agent is told).
    func messageStatusChanged(messageSeq: Int64, status: String, error: String?) async {
        guard let (m, c) = try? await store.read({ db -> (ChatMessage, Conversation)? in
            guard let m = try db.message(seq: messageSeq), let c = try db.conversation(seq: m.conversationSeq) else { return nil }
            return (m, c)
        }), let agent = c.agentID else { return }
        await sendToAgent(agent, ["type": "message.status", "contactId": .string(c.id.wire), "messageId": .string(m.id.wire),
                                  "status": .string(status), "error": JSONValue(error)])
    }

    // MARK: Views

    func offerView(_ c: Conversation, deadline: Date?) async -> JSONValue {
        let queueName = (try? await directoryStore.read { try $0.queue(c.queueID)?.name }) ?? nil
        let preview = (try? await store.read { try $0.messages(conversation: c.seq).last(where: { $0.direction == .inbound && $0.kind != "reaction" }) }) ?? nil
        return [
            "type": "offer", "contactId": .string(c.id.wire), "channel": .string(c.channel.rawValue),
            "queue": ["id": .string(c.queueID.description), "name": JSONValue(queueName)],
            "customer": Self.customerView(c),
            "waitingSeconds": JSONValue(Int(max(0, now().timeIntervalSince(c.arrivedAt)))),
            "deadline": JSONValue(deadline), "preview": JSONValue(preview?.text),
        ]
    }

    func contactView(_ c: Conversation, withMessages: Bool) async -> JSONValue {
        // Reactions are shown on the messages they react to, not as messages of their own.
        let messages = withMessages ? ((try? await store.read { try $0.messages(conversation: c.seq) }) ?? []).filter { $0.kind != "reaction" } : []
        return [
            "contactId": .string(c.id.wire), "channel": .string(c.channel.rawValue), "status": .string(c.status.rawValue),
            "queueId": .string(c.queueID.description), "customer": Self.customerView(c),
            "arrivedAt": JSONValue(c.arrivedAt), "assignedAt": JSONValue(c.assignedAt),
            "windowClosesAt": c.channel == .whatsapp ? JSONValue(c.lastCustomerMessageAt.map { CustomerServiceWindow.closes(lastCustomerMessage: $0) }) : .null,
            "messages": .array(messages.map { Self.messageView($0, contact: c.id) }),
        ]
    }

    static func customerView(_ c: Conversation) -> JSONValue {
        ["name": .string(c.customerName), "email": JSONValue(c.customerEmail), "address": JSONValue(c.customerAddress)]
    }

    static func messageView(_ m: ChatMessage, contact: UUID) -> JSONValue {
        [
            "id": .string(m.id.wire), "direction": .string(m.direction.rawValue), "kind": .string(m.kind), "text": .string(m.text),
            "attachment": attachmentView(m.attachment), "status": .string(m.status), "error": JSONValue(m.error),
            "createdAt": JSONValue(m.createdAt), "authorId": JSONValue(m.authorID?.description),
            "details": m.details.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) } ?? .null,
            "reaction": JSONValue(m.reaction),
        ]
    }

    static func visitorMessageView(_ m: ChatMessage) -> JSONValue {
        ["id": .string(m.id.wire), "from": .string(m.direction == .inbound ? "visitor" : m.direction == .outbound ? "agent" : "system"),
         "text": .string(m.text), "attachment": attachmentView(m.attachment), "createdAt": JSONValue(m.createdAt)]
    }

    static func attachmentView(_ a: ChatAttachment?) -> JSONValue {
        guard let a else { return .null }
        return ["url": JSONValue(a.url), "mediaId": JSONValue(a.mediaID), "name": JSONValue(a.name), "mimeType": JSONValue(a.mimeType)]
    }

    /// An attachment by reference from a client: an https URL, with optional name and MIME type.
    static func attachment(_ value: JSONValue?) throws(ProtocolError) -> ChatAttachment? {
        guard let value, value != .null else { return nil }
        guard let url = value["url"]?.stringValue, let parsed = URL(string: url), parsed.scheme == "https" || parsed.scheme == "http",
              parsed.host != nil, url.utf8.count <= 2_048 else {
            throw ProtocolError(code: "invalid_attachment", message: "An attachment needs an http(s) \"url\".")
        }
        let name = value["name"]?.stringValue.map { String($0.prefix(255)) }
        let mime = value["mimeType"]?.stringValue.map { String($0.prefix(127)) }
        return ChatAttachment(url: url, name: name, mimeType: mime)
    }

    static func kind(of a: ChatAttachment) -> String {
        let mime = a.mimeType ?? ""
        if mime.hasPrefix("image/") { return "image" }
        if mime.hasPrefix("audio/") { return "audio" }
        if mime.hasPrefix("video/") { return "video" }
        return "document"
    }
}
