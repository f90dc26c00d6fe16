import Directory
import Foundation
import Routing
import Storage

/// The agent workspace (issue 6 §1, docs/workspace-protocol.md): connections per agent (several tabs
/// or devices), commands, and the grace period of a dropped connection.
extension ContactCenter {
    /// Registers a workspace connection and returns its `welcome`: the agent's state, queues, pending
    /// offers and open contacts with their messages. Refused when the agent is not omnichannel-ready.
    func connectAgent(_ principal: Principal, outlet: Outlet) async throws(ProtocolError) -> JSONValue {
        await untilRestored()
        let user: User
        let memberships: [Directory.Membership]
        let queues: [Directory.Queue]
        do {
            guard let found = try await directoryStore.read({ db -> (User, [Directory.Membership], [Directory.Queue])? in
                guard let user = try db.user(principal.userID) else { return nil }
                let memberships = try db.memberships(user: user.id)
                return (user, memberships, try memberships.compactMap { try db.queue($0.queueID) })
            }) else { throw ProtocolError(code: "unauthenticated", message: "Unknown user.") }
            (user, memberships, queues) = found
        } catch let error as ProtocolError { throw error } catch {
            throw ProtocolError(code: "internal", message: "The directory could not be read.")
        }
        let unmet = Readiness.unmet(user: user, linkedQueueCount: memberships.count)
        guard unmet.isEmpty else {
            throw ProtocolError(code: "not_ready", message: "not_ready: " + unmet.map(\.rawValue).joined(separator: ","))
        }
        agentGrace.removeValue(forKey: user.id)?.cancel()
        agentOutlets[user.id, default: []].insert(outlet)
        agentPrincipals[user.id] = principal
        if let session = principal.sessionHash { outletSessions[outlet] = session }
        let state = try? await routing.state(agent: user.id)
        var contacts: [JSONValue] = []
        for c in open.values.sorted(by: { $0.seq < $1.seq }) where c.agentID == user.id && (c.status == .assigned || c.status == .wrapUp) {
            contacts.append(await contactView(c, withMessages: true))
        }
        var pending: [JSONValue] = []
        for (seq, agents) in offers.sorted(by: { $0.key < $1.key }) {
            if let entry = agents[user.id], let c = open[seq] { pending.append(await offerView(c, deadline: entry)) }
        }
        let loggedIn = Set(memberships.filter(\.loggedIn).map(\.queueID))
        return [
            "type": "welcome", "protocol": 1,
            "agent": ["id": .string(user.id.description), "name": .string(user.name)],
            "state": Self.stateView(state),
            "queues": .array(queues.map { q in
                ["id": .string(q.id.description), "name": .string(q.name), "channel": .string(q.channel.rawValue), "loggedIn": .bool(loggedIn.contains(q.id))]
            }),
            "offers": .array(pending),
            "contacts": .array(contacts),
        ]
    }

    /// A workspace connection closed; after the grace period with no connection left, the agent is
    /// logged out of its queues (its pending offers are withdrawn by the router and re-routed).
    func disconnectAgent(_ user: UserID, outlet: Outlet) {
        agentOutlets[user]?.remove(outlet)
        outletSessions[outlet] = nil
        guard agentOutlets[user]?.isEmpty ?? true else { return }
        agentOutlets[user] = nil
        let grace = settings.workspaceGrace
        agentGrace[user] = Task { [weak self] in
            try? await Task.sleep(for: grace)
            guard !Task.isCancelled else { return }
            await self?.graceOver(user)
        }
    }

    private func graceOver(_ user: UserID) async {
        guard agentOutlets[user] == nil, let principal = agentPrincipals[user] else { return }
        agentGrace[user] = nil
        do {
            let memberships = try await directoryStore.read { try $0.memberships(user: user) }
            for m in memberships where m.loggedIn {
                _ = try await directory.setQueueLogin(by: principal, queue: m.queueID, loggedIn: false)
            }
            logger.info("workspace grace over: agent logged out of its queues", metadata: ["agent": "\(user)"])
        } catch {
            logger.error("workspace grace: logout failed", metadata: ["agent": "\(user)", "error": "\(error)"])
        }
    }

    /// Sessions of `user` ended (logout, password changed, user deleted): every workspace connection
    /// opened with a session that is no longer valid is told why and closed with 4001 and the reason.
    func sessionsEnded(_ user: UserID, reason: SessionEndReason) async {
        guard let outlets = agentOutlets[user], !outlets.isEmpty else { return }
        let at = now()
        for outlet in outlets {
            let valid: Bool
            if let hash = outletSessions[outlet] {
                valid = (try? await directoryStore.read { try $0.session(hash: hash)?.isValid(at: at) ?? false }) ?? false
            } else {
                valid = false
            }
            guard !valid else { continue }
            outlet.send(["type": "session.ended", "reason": .string(reason.rawValue)])
            outlet.close(code: 4001, reason: reason.rawValue)
        }
    }

    /// The agent's record changed: a connected agent who is no longer omnichannel-ready (omnichannel or
    /// WebRTC turned off, unlinked from every queue) is told why and closed with 4003, as at connect.
    func recheckReadiness(_ userID: UserID) async {
        guard let outlets = agentOutlets[userID], !outlets.isEmpty else { return }
        let found = try? await directoryStore.read { db -> (User, Int)? in
            guard let user = try db.user(userID) else { return nil }
            return (user, try db.memberships(user: userID).count)
        }
        guard let (user, links) = found ?? nil else { return }  // a deleted user: `sessionsEnded` closes the connections
        let unmet = Readiness.unmet(user: user, linkedQueueCount: links)
        guard !unmet.isEmpty else { return }
        let error = ProtocolError(code: "not_ready", message: "not_ready: " + unmet.map(\.rawValue).joined(separator: ","))
        for outlet in outlets {
            outlet.send(WebSocketSession.error(nil, error))
            outlet.close(code: 4003, reason: error.message)
        }
    }

    /// A queue's settings or existence changed; a deleted queue's waiting contacts are closed.
    func queueChanged(_ queue: Directory.QueueID) async {
        guard open.values.contains(where: { $0.queueID == queue }) else { return }
        let exists = ((try? await directoryStore.read { try $0.queue(queue) }) ?? nil) != nil
        if !exists { await queueDeleted(queue) }
    }

    /// The admin's confirmed edit logged the agent out of every queue: tell the open workspace.
    func agentLoggedOutOfAllQueues(_ user: UserID) async {
        await sendToAgent(user, ["type": "logged_out", "reason": "admin_edit",
                                 "message": "An administrator changed your account: you were logged out of all queues."])
    }

    /// One workspace command; returns the acknowledgement's payload or a protocol error.
    func agentCommand(_ principal: Principal, _ command: JSONValue) async throws(ProtocolError) -> JSONValue {
        let user = principal.userID
        guard let type = command["type"]?.stringValue else { throw ProtocolError(code: "invalid_message", message: "Missing \"type\".") }
        switch type {
        case "ping":
            return [:]
        case "state.set":
            return try await setState(principal, command)
        case "queue.login", "queue.logout":
            guard let queue = command["queueId"]?.stringValue.flatMap(Directory.QueueID.init) else {
                throw ProtocolError(code: "invalid_message", message: "Missing or invalid \"queueId\".")
            }
            do {
                let m = try await directory.setQueueLogin(by: principal, queue: queue, loggedIn: type == "queue.login")
                await sendToAgent(user, ["type": "queue", "queueId": .string(queue.description), "loggedIn": .bool(m.loggedIn)])
                return ["queueId": .string(queue.description), "loggedIn": .bool(m.loggedIn)]
            } catch let error as DirectoryError {
                throw ProtocolError(code: error.code, message: error.message(in: .en))
            } catch {
                throw ProtocolError(code: "internal", message: "The queue login could not be saved.")
            }
        case "offer.accept":
            return try await accept(user, try held(command, by: user, offered: true))
        case "offer.reject":
            let c = try held(command, by: user, offered: true)
            offers[c.seq]?[user] = nil
            if offers[c.seq]?.isEmpty == true { offers[c.seq] = nil }
            try await submit(.reject(contact: Routing.ContactID(c.seq), agent: try routerAgent(user, c)), tenant: c.tenantID)
            await sendToAgent(user, ["type": "offer.withdrawn", "contactId": .string(c.id.wire), "reason": "rejected"])
            return ["contactId": .string(c.id.wire)]
        case "message.send":
            return try await agentMessage(user, try held(command, by: user), command)
        case "typing":
            let c = try held(command, by: user)
            sendToVisitor(c.seq, ["type": "typing", "active": .bool(command["active"]?.boolValue ?? true)])
            return [:]
        case "contact.close":
            let c = try held(command, by: user)
            guard c.status == .assigned else { throw ProtocolError(code: "invalid_state", message: "The contact is not in conversation.") }
            try await complete(c)
            sendToVisitor(c.seq, ["type": "closed", "reason": "agent_closed"])
            await sendToAgent(user, ["type": "wrapup.started", "contactId": .string(c.id.wire)])
            return ["contactId": .string(c.id.wire)]
        case "wrapup.end":
            let c = try held(command, by: user)
            guard c.status == .wrapUp else { throw ProtocolError(code: "invalid_state", message: "The contact is not in wrap-up.") }
            try await submit(.endWrapUp(contact: Routing.ContactID(c.seq)), tenant: c.tenantID)
            return ["contactId": .string(c.id.wire)]
        default:
            throw ProtocolError(code: "unknown_type", message: "Unknown message type \"\(type)\".")
        }
    }

    private func setState(_ principal: Principal, _ command: JSONValue) async throws(ProtocolError) -> JSONValue {
        guard let tenant = principal.tenantID, let (agent, _) = routing.ids.knownAgent(principal.userID.rawValue) else {
            throw ProtocolError(code: "not_routed", message: "This agent is not in the router yet.")
        }
        switch command["state"]?.stringValue {
        case "available":
            try await submit(.setAvailable(agent: agent), tenant: tenant)
            await sendToAgent(principal.userID, ["type": "state", "state": "available"])
            return ["state": "available"]
        case "paused":
            let name = command["reason"]?.stringValue ?? "unspecified"
            guard let code = Self.pauseReasons.firstIndex(of: name), name != "no_answer" else {
                throw ProtocolError(code: "invalid_reason", message: "Pause reasons: \(Self.pauseReasons.filter { $0 != "no_answer" }.joined(separator: ", ")).")
            }
            try await submit(.pause(agent: agent, reason: PauseReason(code: UInt16(code))), tenant: tenant)
            await sendToAgent(principal.userID, ["type": "state", "state": "paused", "reason": .string(name)])
            return ["state": "paused", "reason": .string(name)]
        default:
            throw ProtocolError(code: "invalid_message", message: "\"state\" must be \"available\" or \"paused\".")
        }
    }

    /// First accept wins: the assignment is claimed in memory, written to the store, and only then told to
    /// the router and relayed, so a second accept (another tab, or another agent of a ring-all) finds the
    /// contact taken. A failed write gives the claim back (the offer still stands); if the router refuses
    /// the accept (the offer expired meanwhile), `refused` puts the contact back in line.
    private func accept(_ user: UserID, _ c: Conversation) async throws(ProtocolError) -> JSONValue {
        guard c.status == .waiting else { throw ProtocolError(code: "accepted_elsewhere", message: "Someone else took this contact.") }
        let agent = try routerAgent(user, c)
        var assigned = c
        assigned.status = .assigned
        assigned.agentID = user
        assigned.assignedAt = now()
        open[c.seq] = assigned
        func giveBack() {
            if let current = open[c.seq], current.status == .assigned, current.agentID == user { open[c.seq] = c }
        }
        do { try await persist(assigned) } catch { giveBack(); throw error }
        offers[c.seq]?[user] = nil
        shownPlace[c.seq] = nil
        do {
            try await submit(.accept(contact: Routing.ContactID(c.seq), agent: agent), tenant: c.tenantID)
        } catch {
            giveBack()
            await save(c)
            throw error
        }
        let view = await contactView(assigned, withMessages: true)
        await sendToAgent(user, ["type": "contact.assigned", "contact": view])
        let name = (try? await directoryStore.read { try $0.user(user)?.name }) ?? nil
        sendToVisitor(c.seq, ["type": "assigned", "agent": .string(name ?? "Agent")])
        return ["contactId": .string(c.id.wire)]
    }

    /// Ends a conversation in progress (the agent closed it, or the customer left): written as wrap-up
    /// first, then the router is told; a refused write or a busy router changes nothing.
    func complete(_ c: Conversation) async throws(ProtocolError) {
        var wrapped = c
        wrapped.status = .wrapUp
        wrapped.outcome = "answered"
        try await persist(wrapped)
        do {
            try await submit(.complete(contact: Routing.ContactID(c.seq)), tenant: c.tenantID)
        } catch {
            await save(c)
            throw error
        }
    }

    /// The conversation a command names, which the agent must hold (or, for offers, have been offered).
    private func held(_ command: JSONValue, by user: UserID, offered: Bool = false) throws(ProtocolError) -> Conversation {
        guard let text = command["contactId"]?.stringValue, let id = UUID(uuidString: text) else {
            throw ProtocolError(code: "invalid_message", message: "Missing or invalid \"contactId\".")
        }
        guard let c = open.values.first(where: { $0.id == id }) else {
            throw ProtocolError(code: "unknown_contact", message: "No open contact \(text).")
        }
        if offered {
            guard offers[c.seq]?[user] != nil else {
                throw ProtocolError(code: c.agentID == user ? "already_accepted" : "no_offer", message: "There is no pending offer of this contact to you.")
            }
        } else {
            guard c.agentID == user, c.status == .assigned || c.status == .wrapUp else {
                throw ProtocolError(code: "not_your_contact", message: "This contact is not assigned to you.")
            }
        }
        return c
    }

    private func routerAgent(_ user: UserID, _ c: Conversation) throws(ProtocolError) -> Routing.AgentID {
        guard let (agent, _) = routing.ids.knownAgent(user.rawValue) else {
            throw ProtocolError(code: "not_routed", message: "This agent is not in the router yet.")
        }
        return agent
    }

    static func stateView(_ state: AgentState?) -> JSONValue {
        guard let state else { return ["state": "offline"] }
        switch state.presence {
        case .offline: return ["state": "offline"]
        case .available: return ["state": "available"]
        case .paused(let reason): return ["state": "paused", "reason": .string(pauseName(reason))]
        }
    }
}
