import Channels
import Crypto
import Directory
import Foundation
import Metrics
import Storage

/// WhatsApp Cloud API inbound (issue 6 §3): one transaction per webhook delivery — messages stored
/// (a `wamid` already stored is ignored), one open conversation per customer, statuses applied —
/// then the live side is told. The webhook answers 200 only after this returns.
extension ContactCenter {
    struct Ingested: Sendable {
        var opened: [Conversation] = []
        var appended: [(ChatMessage, Conversation)] = []
        var statusChanged: [(seq: Int64, status: String, error: String?)] = []
        /// Reactions applied to stored messages: (conversation, target message, emoji or nil when removed).
        var reactions: [(conversation: Conversation, target: ChatMessage, emoji: String?)] = []
        var duplicates = 0
        var strayReactions = 0
        var unknownNumbers: Set<String> = []
        var rejected = 0
    }

    /// Commits a parsed webhook delivery and returns what it changed; throws only when nothing was committed.
    @discardableResult
    func ingestWhatsApp(_ webhook: WhatsAppWebhook) async throws -> (stored: Int, duplicates: Int, statuses: Int, rejected: Int) {
        await untilRestored()
        let at = now()
        let ingested = try await store.write { db -> Ingested in
            var result = Ingested()
            var touched: [Int64: Conversation] = [:]
            for message in webhook.messages {
                guard let number = try db.whatsAppNumber(message.phoneNumberID) else {
                    result.unknownNumbers.insert(message.phoneNumberID)
                    continue
                }
                if try db.message(externalID: message.id) != nil { result.duplicates += 1; continue }
                // A reaction is shown on the message it reacts to; it never opens a contact of its own.
                if case .reaction(let targetID, let emoji) = message.content {
                    let target = try db.message(externalID: targetID)
                    let conversation = try target.flatMap { try db.conversation(seq: $0.conversationSeq) }
                        ?? (try db.latestConversation(tenant: number.tenantID, channel: .whatsapp, customerAddress: message.from,
                                                      source: number.phoneNumberID))
                    guard let conversation, conversation.tenantID == number.tenantID else {
                        result.strayReactions += 1
                        continue
                    }
                    let cleaned = emoji.flatMap { $0.isEmpty ? nil : String($0.prefix(16)) }
                    let stored = ChatMessage(
                        conversationSeq: conversation.seq, direction: .inbound, kind: "reaction", text: Self.text(of: message.content),
                        externalID: message.id, status: "received", raw: message.rawJSON,
                        details: Self.details(of: message.content), createdAt: at)
                    guard try db.append(stored) != nil else { result.duplicates += 1; continue }
                    if let target, target.conversationSeq == conversation.seq {
                        try db.setReaction(message: target.seq, emoji: cleaned)
                        result.reactions.append((touched[conversation.seq] ?? conversation, target, cleaned))
                    }
                    continue
                }
                let latest = try db.latestConversation(tenant: number.tenantID, channel: .whatsapp, customerAddress: message.from,
                                                       source: number.phoneNumberID)
                var c: Conversation
                if let latest, latest.isOpen {
                    c = touched[latest.seq] ?? latest
                } else {
                    c = try Self.newWhatsAppConversation(number: number, message: message, previous: latest, at: at, db: db)
                    result.opened.append(c)
                }
                if let name = message.profileName, !name.isEmpty { c.customerName = String(name.prefix(120)) }
                c.lastCustomerMessageAt = max(c.lastCustomerMessageAt ?? .distantPast, min(message.timestamp, at))
                try db.update(c)
                touched[c.seq] = c
                let stored = ChatMessage(
                    conversationSeq: c.seq, direction: .inbound, kind: message.content.kind, text: Self.text(of: message.content),
                    attachment: Self.attachment(of: message.content), externalID: message.id, status: "received",
                    raw: message.rawJSON, details: Self.details(of: message.content), createdAt: at)
                if let m = try db.append(stored) { result.appended.append((m, c)) } else { result.duplicates += 1 }
            }
            for status in webhook.statuses {
                guard let m = try db.message(externalID: status.messageID), m.direction == .outbound else { continue }
                let new = Self.statusName(status.status)
                guard Self.rank(new) >= Self.rank(m.status) else { continue }
                let error = status.errors.first.map { e in "\(e.code) \(e.title ?? e.message ?? "")".trimmingCharacters(in: .whitespaces) }
                try db.setStatus(message: m.seq, status: new, error: error)
                result.statusChanged.append((m.seq, new, error))
            }
            for item in webhook.rejected {
                let hash = SHA256.hash(data: Data(((item.phoneNumberID ?? "") + "\u{0}" + item.rawJSON).utf8)).map { String(format: "%02x", $0) }.joined()
                // A redelivered bad item is kept once (and not counted again).
                if try db.keepRejected(phoneNumberID: item.phoneNumberID, path: item.path, reason: item.reason, raw: item.rawJSON, rawHash: hash, at: at) {
                    result.rejected += 1
                }
            }
            result.opened = result.opened.map { touched[$0.seq] ?? $0 }
            return result
        }
        if !webhook.rejected.isEmpty {
            Counter(label: "switchboard_whatsapp_rejected_items_total").increment(by: webhook.rejected.count)
            logger.warning("WhatsApp webhook items could not be read; kept with their raw JSON",
                           metadata: ["items": "\(webhook.rejected.map { "\($0.path): \($0.reason)" })"])
        }
        if !ingested.unknownNumbers.isEmpty {
            logger.warning("WhatsApp messages for unconfigured numbers ignored", metadata: ["numbers": "\(ingested.unknownNumbers.sorted())"])
        }
        for c in ingested.opened {
            Counter(label: "switchboard_chat_conversations_started_total", dimensions: [("channel", "whatsapp")]).increment()
            open[c.seq] = c
            if c.status == .waiting {
                await enterQueueOrRetry(c)
            } else if c.status == .closed {
                open[c.seq] = nil
            }
        }
        for (m, c) in ingested.appended { await customerMessageStored(m, conversation: c) }
        for (c, target, emoji) in ingested.reactions {
            if let agent = (open[c.seq] ?? c).agentID {
                await sendToAgent(agent, ["type": "message.reaction", "contactId": .string(c.id.wire),
                                          "messageId": .string(target.id.wire), "emoji": JSONValue(emoji)])
            }
        }
        if ingested.strayReactions > 0 {
            logger.info("WhatsApp reactions to unknown messages of customers without a conversation ignored", metadata: ["count": "\(ingested.strayReactions)"])
        }
        for change in ingested.statusChanged { await messageStatusChanged(messageSeq: change.seq, status: change.status, error: change.error) }
        return (ingested.appended.count, ingested.duplicates, ingested.statusChanged.count, ingested.rejected)
    }

    /// A new conversation for a customer's first message (or first after the last one closed). Within the
    /// number's sticky window the previous agent is preferred for a minute; outside business hours it is
    /// scheduled, or closed as refused (the message is still stored).
    private static func newWhatsAppConversation(
        number: WhatsAppNumber, message: WhatsAppInboundMessage, previous: Conversation?, at: Date, db: ConversationAccess
    ) throws -> Conversation {
        let hours = (try db.businessHours(queue: number.queueID)).flatMap { try? JSONDecoder().decode(BusinessHours.self, from: Data($0.utf8)) } ?? .always
        let isOpen = hours.isOpen(at: at)
        var c = Conversation(
            tenantID: number.tenantID, queueID: number.queueID, channel: .whatsapp,
            status: isOpen ? .waiting : (hours.outsideHours == .refuse ? .closed : .scheduled),
            customerName: message.profileName ?? message.from, customerAddress: message.from, source: number.phoneNumberID,
            arrivedAt: at, routeAfter: isOpen ? nil : hours.nextOpening(after: at))
        if c.status == .closed { c.outcome = "refused"; c.closedAt = at }
        if let previous, let agent = previous.agentID, let closed = previous.closedAt,
           at.timeIntervalSince(closed) <= Double(number.stickyWindowSeconds) {
            c.preferredAgentID = agent
            c.preferredUntil = at.addingTimeInterval(60)
        }
        return try db.insert(c)
    }

    static func text(of content: WhatsAppContent) -> String {
        if case .text(let body) = content { return body }
        return content.summary
    }

    /// Structured content kept beside the text: a location's coordinates, a reaction's target.
    static func details(of content: WhatsAppContent) -> String? {
        let object: [String: Any]
        switch content {
        case let .location(latitude, longitude, name, address):
            var fields: [String: Any] = ["latitude": latitude, "longitude": longitude]
            if let name { fields["name"] = name }
            if let address { fields["address"] = address }
            object = fields
        case let .reaction(messageID, emoji):
            object = ["reactsTo": messageID, "emoji": emoji ?? ""]
        default:
            return nil
        }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
    }

    static func attachment(of content: WhatsAppContent) -> ChatAttachment? {
        guard case .media(let media) = content else { return nil }
        return ChatAttachment(mediaID: media.id, name: media.filename, mimeType: media.mimeType)
    }

    static func statusName(_ status: WhatsAppDeliveryStatus) -> String {
        switch status {
        case .sent: "sent"
        case .delivered: "delivered"
        case .read: "read"
        case .failed: "failed"
        case .deleted: "deleted"
        case .other(let raw): String(raw.prefix(32))
        }
    }

    /// Status webhooks can arrive out of order: never go back from read to delivered. Failure always applies.
    static func rank(_ status: String) -> Int {
        switch status {
        case "queued": 0
        case "sent": 1
        case "delivered": 2
        case "read": 3
        case "failed", "deleted": 4
        default: 0
        }
    }
}
