import Channels
import Crypto
import Directory
import Foundation
import Metrics
import Routing
import Storage

/// The web chat visitor (issue 6 §2): start, resume with a token, messages, typing, leave; the
/// place in line and estimated wait while waiting; business hours of the queue.
extension ContactCenter {
    /// A visitor opened the widget. With a valid resume token the connection joins that conversation
    /// and gets its history; otherwise it is a fresh visitor who must `start`.
    func connectVisitor(site: ChatSite, resumeToken: String?, outlet: Outlet) async -> (welcome: JSONValue, seq: Int64?) {
        await untilRestored()
        let hours = await businessHours(site.queueID)
        let at = now()
        var welcome: JSONValue = [
            "type": "welcome", "protocol": 1, "site": .string(site.name), "open": .bool(hours.isOpen(at: at)),
            "outsideHours": .string(hours.outsideHours.rawValue),
            "hoursMessage": hours.isOpen(at: at) ? .null : .string(hours.message ?? Self.closedMessage(hours, at: at)),
        ]
        guard let token = resumeToken, token.utf8.count <= 128,
              let found = try? await store.read({ try $0.conversation(resumeTokenHash: Self.hash(token)) }), found.source == site.id.uuidString
        else { return (welcome, nil) }
        let c = open[found.seq] ?? found
        let messages = (try? await store.read { try $0.messages(conversation: c.seq) }) ?? []
        guard case .object(var fields) = welcome else { return (welcome, nil) }
        fields["conversation"] = ["id": .string(c.id.wire), "status": .string(c.status.rawValue), "name": .string(c.customerName)]
        fields["history"] = .array(messages.map(Self.visitorMessageView))
        welcome = .object(fields)
        guard c.isOpen else { return (welcome, nil) }
        visitorGrace.removeValue(forKey: c.seq)?.cancel()
        visitorOutlets[c.seq, default: []].insert(outlet)
        shownPlace[c.seq] = nil
        return (welcome, c.seq)
    }

    /// Sends what a freshly attached visitor should see now: the agent, or the place in line.
    func visitorAttached(_ seq: Int64) async {
        guard let c = open[seq] else { return }
        if c.status == .assigned, let agent = c.agentID {
            let name = (try? await directoryStore.read { try $0.user(agent)?.name }) ?? nil
            sendToVisitor(seq, ["type": "assigned", "agent": .string(name ?? "Agent")])
        } else {
            await refreshPlaces(queue: c.queueID)
        }
    }

    /// The visitor's connection closed. A waiting contact whose visitor does not come back within the
    /// grace period is abandoned (a page reload resumes inside it).
    func disconnectVisitor(_ seq: Int64, outlet: Outlet) {
        visitorOutlets[seq]?.remove(outlet)
        guard visitorOutlets[seq]?.isEmpty ?? true else { return }
        visitorOutlets[seq] = nil
        guard let c = open[seq], c.status == .waiting || c.status == .scheduled else { return }
        let grace = settings.visitorGrace
        visitorGrace[seq] = Task { [weak self] in
            try? await Task.sleep(for: grace)
            guard !Task.isCancelled else { return }
            await self?.visitorGone(seq)
        }
    }

    private func visitorGone(_ seq: Int64) async {
        visitorGrace[seq] = nil
        guard visitorOutlets[seq] == nil, let c = open[seq] else { return }
        try? await leave(c)
    }

    /// One visitor command; `seq` is the connection's conversation (nil before `start`).
    func visitorCommand(site: ChatSite, seq: Int64?, outlet: Outlet, _ command: JSONValue) async throws(ProtocolError) -> (ack: JSONValue, seq: Int64?) {
        guard let type = command["type"]?.stringValue else { throw ProtocolError(code: "invalid_message", message: "Missing \"type\".") }
        switch type {
        case "ping":
            return ([:], seq)
        case "start":
            guard seq == nil else { throw ProtocolError(code: "already_started", message: "This conversation has already started.") }
            let (ack, started) = try await start(site: site, command, outlet: outlet)
            return (ack, started)
        case "message":
            guard let seq, let c = open[seq] else { throw ProtocolError(code: "not_started", message: "Start a conversation first.") }
            guard let text = command["text"]?.stringValue, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ProtocolError(code: "invalid_message", message: "A message needs \"text\".")
            }
            guard text.count <= 4_096 else { throw ProtocolError(code: "too_large", message: "Messages are at most 4096 characters.") }
            let m = try await storeCustomerMessage(c, text: text)
            return (["messageId": .string(m.id.wire)], seq)
        case "typing":
            guard let seq, let c = open[seq] else { throw ProtocolError(code: "not_started", message: "Start a conversation first.") }
            if c.status == .assigned, let agent = c.agentID {
                await sendToAgent(agent, ["type": "typing", "contactId": .string(c.id.wire), "active": .bool(command["active"]?.boolValue ?? true)])
            }
            return ([:], seq)
        case "leave":
            guard let seq, let c = open[seq] else { throw ProtocolError(code: "not_started", message: "There is no open conversation.") }
            try await leave(c)
            return ([:], seq)
        default:
            throw ProtocolError(code: "unknown_type", message: "Unknown message type \"\(type)\".")
        }
    }

    private func start(site: ChatSite, _ command: JSONValue, outlet: Outlet) async throws(ProtocolError) -> (JSONValue, Int64) {
        let name = (command["name"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(name.count) else { throw ProtocolError(code: "invalid_name", message: "Please give your name (1-80 characters).") }
        let email = command["email"]?.stringValue.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        if let email, !FieldRules.isValidEmail(email) { throw ProtocolError(code: "invalid_email", message: "The e-mail address is not valid.") }
        let text = command["text"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if let text, text.count > 4_096 { throw ProtocolError(code: "too_large", message: "Messages are at most 4096 characters.") }
        let at = now()
        let hours = await businessHours(site.queueID)
        // The queue's cap on waiting contacts (the router refuses beyond it too): refused before anything is stored.
        let cap = ((try? await directoryStore.read { try $0.queue(site.queueID) }) ?? nil)?.settings.maxWaiting ?? QueueSettings().maxWaiting
        let waiting = open.values.reduce(0) { $0 + ($1.queueID == site.queueID && ($1.status == .waiting || $1.status == .scheduled) ? 1 : 0) }
        guard waiting < cap else {
            throw ProtocolError(code: "queue_full", message: "All our lines are busy right now. Please try again in a few minutes.")
        }
        let isOpen = hours.isOpen(at: at)
        if !isOpen && hours.outsideHours == .refuse {
            throw ProtocolError(code: "closed", message: hours.message ?? Self.closedMessage(hours, at: at))
        }
        let token = Self.newToken()
        let draft = Conversation(
            tenantID: site.tenantID, queueID: site.queueID, channel: .webchat, status: isOpen ? .waiting : .scheduled,
            customerName: name, customerEmail: email, source: site.id.uuidString, arrivedAt: at,
            routeAfter: isOpen ? nil : hours.nextOpening(after: at), resumeTokenHash: Self.hash(token),
            lastCustomerMessageAt: text == nil ? nil : at)
        let c: Conversation
        do {
            c = try await store.write { db in
                let c = try db.insert(draft)
                if let text { _ = try db.append(ChatMessage(conversationSeq: c.seq, direction: .inbound, text: text, status: "received", createdAt: at)) }
                return c
            }
        } catch {
            throw ProtocolError(code: "internal", message: "The conversation could not be saved.")
        }
        open[c.seq] = c
        visitorOutlets[c.seq, default: []].insert(outlet)
        Counter(label: "switchboard_chat_conversations_started_total", dimensions: [("channel", "webchat")]).increment()
        if c.status == .waiting { await enterQueueOrRetry(c) }
        return (["conversationId": .string(c.id.wire), "resumeToken": .string(token), "status": .string(c.status.rawValue),
                 "routeAfter": JSONValue(c.routeAfter)], c.seq)
    }

    /// Stores a customer's message (web chat) and relays it.
    func storeCustomerMessage(_ c: Conversation, text: String) async throws(ProtocolError) -> ChatMessage {
        let at = now()
        var updated = c
        updated.lastCustomerMessageAt = at
        let conversation = updated
        let m: ChatMessage
        do {
            m = try await store.write { db in
                guard let m = try db.append(ChatMessage(conversationSeq: c.seq, direction: .inbound, text: text, status: "received", createdAt: at)) else {
                    throw ProtocolError(code: "duplicate", message: "Duplicate message.")
                }
                try db.update(conversation)
                return m
            }
        } catch let error as ProtocolError { throw error } catch {
            throw ProtocolError(code: "internal", message: "The message could not be saved.")
        }
        await customerMessageStored(m, conversation: updated)
        return m
    }

    /// The customer left: a contact still in line is abandoned; a conversation in progress is completed
    /// (the agent is told and enters wrap-up).
    func leave(_ c: Conversation) async throws(ProtocolError) {
        switch c.status {
        case .scheduled:
            var closed = c
            closed.status = .closed
            closed.closedAt = now()
            closed.outcome = "abandoned"
            try await persist(closed)
            var c = c
            await end(&c, outcome: "abandoned")
        case .waiting:
            // Stored as abandoned first; the router's `contactEnded` then ends the live conversation.
            var abandoned = c
            abandoned.status = .closed
            abandoned.closedAt = now()
            abandoned.outcome = "abandoned"
            try await persist(abandoned)
            do {
                try await submit(.abandon(contact: Routing.ContactID(c.seq)), tenant: c.tenantID)
            } catch {
                await save(c)
                throw error
            }
        case .assigned:
            try await complete(c)
            if let agent = c.agentID {
                await sendToAgent(agent, ["type": "contact.ended", "contactId": .string(c.id.wire), "reason": "customer_left"])
                await sendToAgent(agent, ["type": "wrapup.started", "contactId": .string(c.id.wire)])
            }
        case .wrapUp, .closed:
            break
        }
    }

    /// Puts a conversation in its queue's line, with its original arrival time and sticky agent.
    func enterQueue(_ c: Conversation) async throws(ProtocolError) {
        guard let (queue, _) = routing.ids.knownQueue(c.queueID.rawValue) else {
            throw ProtocolError(code: "not_routed", message: "The chat queue is not in the router yet.")
        }
        let at = now()
        var request = ContactRequest(id: Routing.ContactID(c.seq), tenant: routing.ids.tenant(c.tenantID.rawValue), queue: queue,
                                     arrival: routing.instant(of: c.arrivedAt, now: at))
        if let preferred = c.preferredAgentID, let until = c.preferredUntil, until > at, let (agent, _) = routing.ids.knownAgent(preferred.rawValue) {
            request.preferredAgent = agent
            request.preferredUntil = routing.instant(of: at, now: at) + RoutingDuration(nanoseconds: Int64(until.timeIntervalSince(at) * 1e9))
        }
        try await submit(.arrive(request), tenant: c.tenantID)
    }

    /// Scheduled conversations whose queue has opened (or whose earlier entry failed) enter the line.
    func routeDue() async {
        let at = now()
        for c in open.values.sorted(by: { $0.seq < $1.seq }) where c.status == .scheduled && (c.routeAfter ?? at) <= at {
            var c = c
            c.status = .waiting
            c.routeAfter = nil
            await save(c)
            await enterQueueOrRetry(c)
        }
    }

    /// Puts a stored conversation in line; when the router cannot take it now (stopped, busy, the queue
    /// not loaded yet) it is stored as scheduled a few seconds ahead, so `routeDue` tries again — a
    /// contact is never left "waiting" where no router knows it.
    func enterQueueOrRetry(_ c: Conversation) async {
        do { try await enterQueue(c) } catch {
            logger.warning("contact could not enter its queue; trying again shortly", metadata: ["conversation": "\(c.id)", "error": "\(error.code)"])
            guard var current = open[c.seq], current.status == .waiting else { return }
            current.status = .scheduled
            current.routeAfter = now().addingTimeInterval(Self.retryEntryAfter)
            await save(current)
        }
    }

    /// Seconds before a failed queue entry is tried again.
    static let retryEntryAfter: TimeInterval = 5

    /// A queue was deleted: contacts still waiting (or scheduled) in it are closed with `queue_deleted`
    /// and their visitors told; conversations already with an agent go on until they are closed.
    func queueDeleted(_ queue: Directory.QueueID) async {
        for c in open.values.sorted(by: { $0.seq < $1.seq }) where c.queueID == queue && (c.status == .waiting || c.status == .scheduled) {
            var c = c
            // Taken out of the live set first: the router answers the abandon with `.contactEnded(abandoned)`,
            // which, handled while this actor waits, would otherwise end the contact as abandoned.
            open[c.seq] = nil
            if c.status == .waiting {
                try? await submit(.abandon(contact: Routing.ContactID(c.seq)), tenant: c.tenantID)
            }
            await end(&c, outcome: "queue_deleted")
        }
    }

    /// Sends each waiting visitor of a queue its place in line and estimated wait, as the router sees
    /// them (priority, then arrival), when they changed.
    func refreshPlaces(queue: Directory.QueueID) async {
        let line = open.values.filter { $0.queueID == queue && $0.status == .waiting && offers[$0.seq] == nil && visitorOutlets[$0.seq] != nil }
        for c in line {
            guard let position = try? await routing.position(contact: Routing.ContactID(c.seq), tenant: c.tenantID) else { continue }
            // Unknown (null) while nobody is logged in, or nobody is ready and the queue has served no one yet:
            // a "0 minutes" would promise an answer no one can give.
            let known = position.loggedInAgents > 0 && (position.readyAgents > 0 || position.hasServiceHistory)
            let seconds = known ? Int((Double(position.estimatedWait.nanoseconds) / 1e9).rounded(.up)) : -1
            let shown = [position.place, seconds, position.loggedInAgents]
            guard shownPlace[c.seq] != shown, open[c.seq]?.status == .waiting else { continue }
            shownPlace[c.seq] = shown
            sendToVisitor(c.seq, ["type": "queue", "position": JSONValue(shown[0]), "estimatedWaitSeconds": known ? JSONValue(seconds) : .null,
                                  "agentsLoggedIn": JSONValue(position.loggedInAgents)])
        }
    }

    func businessHours(_ queue: Directory.QueueID) async -> BusinessHours {
        guard let json = (try? await store.read({ try $0.businessHours(queue: queue) })) ?? nil,
              let hours = try? JSONDecoder().decode(BusinessHours.self, from: Data(json.utf8)) else { return .always }
        return hours
    }

    static func closedMessage(_ hours: BusinessHours, at: Date) -> String {
        guard let next = hours.nextOpening(after: at) else { return "We are closed." }
        return "We are closed now. We open again at \(JSONValue.iso8601(next))."
    }

    static func newToken() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
