import Directory
import Foundation
import Logging
import Metrics
import Routing
import Storage

/// Timing of the chat channels' connections (issue 6 §1–2).
public struct ChatSettings: Sendable {
    /// How long an agent's contacts and queue logins survive a dropped workspace.
    public var workspaceGrace: Duration
    /// How long a waiting visitor's contact survives a dropped page (a reload resumes it).
    public var visitorGrace: Duration
    /// Largest protocol message accepted from a client; larger ones get `too_large`.
    public var maxMessageBytes: Int
    public init(workspaceGrace: Duration = .seconds(60), visitorGrace: Duration = .seconds(30), maxMessageBytes: Int = 16 * 1024) {
        self.workspaceGrace = workspaceGrace; self.visitorGrace = visitorGrace; self.maxMessageBytes = maxMessageBytes
    }
}

/// A protocol-level refusal: sent as `{"type":"error","code":…,"message":…}`; it changes nothing.
struct ProtocolError: Error, Sendable, Equatable {
    let code: String
    let message: String
}

/// The live side of the chat channels: conversations and their messages, the agents' workspace
/// connections and the visitors' widgets, wired to the router. Every change is written to SQLite
/// before it is acknowledged or relayed; the router decides who gets which contact.
actor ContactCenter {
    let store: SQLiteConversationStore
    let directoryStore: SQLiteDirectoryStore
    let directory: DirectoryService
    let routing: RoutingBridge
    let settings: ChatSettings
    let logger: Logger
    let now: @Sendable () -> Date
    /// Wakes the WhatsApp sender after a reply is queued.
    let whatsAppWake: @Sendable () -> Void

    /// Open conversations by sequence (the router's contact id).
    var open: [Int64: Conversation] = [:]
    /// Pending offers: contact → agent → deadline.
    var offers: [Int64: [UserID: Date?]] = [:]
    var agentOutlets: [UserID: Set<Outlet>] = [:]
    var agentPrincipals: [UserID: Principal] = [:]
    /// The session each workspace connection was opened with (its token's hash).
    var outletSessions: [Outlet: String] = [:]
    var agentGrace: [UserID: Task<Void, Never>] = [:]
    var visitorOutlets: [Int64: Set<Outlet>] = [:]
    var visitorGrace: [Int64: Task<Void, Never>] = [:]
    /// Last place/estimate shown to each waiting visitor, so only changes are sent.
    var shownPlace: [Int64: [Int]] = [:]
    /// Queues whose visitors' places are about to be refreshed.
    var pendingPlaces: Set<Directory.QueueID> = []
    /// Set once open conversations are restored after start; connections wait for it.
    var restored = false

    init(store: SQLiteDirectoryStore, directory: DirectoryService, routing: RoutingBridge, settings: ChatSettings, logger: Logger,
         now: @escaping @Sendable () -> Date, whatsAppWake: @escaping @Sendable () -> Void) {
        self.store = store.conversations
        self.directoryStore = store
        self.directory = directory
        self.routing = routing
        self.settings = settings
        self.logger = logger
        self.now = now
        self.whatsAppWake = whatsAppWake
    }

    // MARK: Router side

    /// Consumes the router's outputs until cancelled.
    func consume(_ outputs: AsyncStream<ShardOutput>) async {
        for await output in outputs {
            await handle(output.output, shard: output.shard)
        }
    }

    /// One router output of shard `shard`. Agent and queue numbers are read on that shard only (they are
    /// dense per shard, so the same number names agents of other tenants on other shards), and a contact
    /// is touched only when its tenant is routed by that shard.
    func handle(_ output: RoutingOutput, shard: Int) async {
        func conversation(_ contact: Routing.ContactID) -> Conversation? {
            guard let c = open[Int64(contact)], routing.ids.shard(ofTenant: c.tenantID.rawValue) == shard else { return nil }
            return c
        }
        switch output {
        case .offer(let offer):
            guard let c = conversation(offer.contact), let agent = agentID(offer.agent, shard: shard) else { return }
            let deadline = offer.deadline.map { now().addingTimeInterval(Double(($0 - routing.clock.now()).nanoseconds) / 1e9) }
            offers[c.seq, default: [:]][agent] = deadline
            shownPlace[c.seq] = nil
            await sendToAgent(agent, await offerView(c, deadline: deadline))
            sendToVisitor(c.seq, ["type": "queue", "position": 1, "estimatedWaitSeconds": 0, "offered": true])
        case .withdrawOffer(let contact, let agentNumber, let reason):
            guard let c = conversation(contact), let agent = agentID(agentNumber, shard: shard) else { return }
            guard offers[c.seq]?.removeValue(forKey: agent) != nil else { return }
            if offers[c.seq]?.isEmpty == true { offers[c.seq] = nil }
            await sendToAgent(agent, ["type": "offer.withdrawn", "contactId": .string(c.id.wire), "reason": .string(Self.reasonCode(reason))])
        case .contactEnded(let contact, _, let outcome):
            // An overflow ends the contact in its first queue only; `.overflow` moves it on.
            guard outcome != .overflowed, var c = conversation(contact) else { return }
            await end(&c, outcome: Self.outcomeCode(outcome))
        case .overflow(let contact, _, let to):
            guard var c = conversation(contact), let queue = routing.ids.directoryQueue(to, shard: shard).map(Directory.QueueID.init) else { return }
            c.queueID = queue
            await save(c)
            shownPlace[c.seq] = nil
            await refreshPlaces(queue: queue)
        case .autoPaused(let agentNumber, let reason):
            guard let user = agentID(agentNumber, shard: shard) else { return }
            await sendToAgent(user, ["type": "state", "state": "paused", "reason": .string(Self.pauseName(reason))])
        case .statsChanged(let queueNumber):
            if let queue = routing.ids.directoryQueue(queueNumber, shard: shard).map(Directory.QueueID.init) { schedulePlaces(queue: queue) }
        case .refused(let error):
            await refused(error, shard: shard)
        }
    }

    /// The router refused an accept that raced with a timeout or withdrawal: undo the optimistic assignment.
    private func refused(_ error: RoutingError, shard: Int) async {
        guard case .noOfferPending(let contact, let agentNumber) = error, var c = open[Int64(contact)],
              routing.ids.shard(ofTenant: c.tenantID.rawValue) == shard,
              c.status == .assigned, let agent = agentID(agentNumber, shard: shard), c.agentID == agent else { return }
        c.status = .waiting
        c.agentID = nil
        c.assignedAt = nil
        await save(c)
        await sendToAgent(agent, ["type": "offer.withdrawn", "contactId": .string(c.id.wire), "reason": "expired"])
        sendToVisitor(c.seq, ["type": "queue", "position": 1, "estimatedWaitSeconds": 0])
    }

    /// A conversation is over: persisted closed, everyone told, live state dropped.
    func end(_ c: inout Conversation, outcome: String) async {
        Counter(label: "switchboard_chat_conversations_ended_total", dimensions: [("channel", c.channel.rawValue), ("outcome", outcome)]).increment()
        let wasWrapUp = c.status == .wrapUp
        c.status = .closed
        c.closedAt = now()
        if c.outcome == nil || outcome != "answered" { c.outcome = outcome }
        // Out of the live set before the write suspends this actor: a router output handled meanwhile
        // (the `.contactEnded` of the same contact) must find nothing to end a second time.
        open[c.seq] = nil
        await save(c)
        for (agent, _) in offers[c.seq] ?? [:] {
            await sendToAgent(agent, ["type": "offer.withdrawn", "contactId": .string(c.id.wire), "reason": .string(outcome)])
        }
        offers[c.seq] = nil
        shownPlace[c.seq] = nil
        if let agent = c.agentID {
            await sendToAgent(agent, wasWrapUp
                ? ["type": "wrapup.ended", "contactId": .string(c.id.wire)]
                : ["type": "contact.ended", "contactId": .string(c.id.wire), "reason": .string(outcome)])
        }
        sendToVisitor(c.seq, ["type": "closed", "reason": .string(outcome)])
        visitorGrace.removeValue(forKey: c.seq)?.cancel()
        schedulePlaces(queue: c.queueID)
    }

    /// Coalesces place-in-line refreshes of a queue: a busy queue changes its statistics on every router
    /// event, but visitors need at most a few updates a second.
    func schedulePlaces(queue: Directory.QueueID) {
        guard pendingPlaces.insert(queue).inserted else { return }
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(200))
            await self?.placesDue(queue)
        }
    }

    private func placesDue(_ queue: Directory.QueueID) async {
        pendingPlaces.remove(queue)
        await refreshPlaces(queue: queue)
    }

    // MARK: Helpers

    /// Waits (bounded) until the conversations of the last run are back, so a client connecting right
    /// after a restart sees its contacts.
    func untilRestored() async {
        for _ in 0..<1_500 where !restored {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The agent behind router agent `number` of shard `shard`.
    func agentID(_ number: Routing.AgentID, shard: Int) -> UserID? {
        routing.ids.directoryAgent(number, shard: shard).map(UserID.init)
    }

    /// Records a change the router already decided (an offer ended, an overflow, a refused accept): the
    /// live state follows the router even when the write fails, which is logged.
    func save(_ c: Conversation) async {
        if c.isOpen { open[c.seq] = c }
        do { try await store.write { try $0.update(c) } } catch {
            logger.error("conversation not saved", metadata: ["conversation": "\(c.id)", "error": "\(error)"])
        }
    }

    /// Writes a change a client asked for, and only then makes it the live state: a failed write is
    /// `storage_failed` and changes nothing, so nothing is acknowledged or relayed that is not stored.
    func persist(_ c: Conversation) async throws(ProtocolError) {
        do { try await store.write { try $0.update(c) } } catch {
            logger.error("conversation not saved; the client's request is refused", metadata: ["conversation": "\(c.id)", "error": "\(error)"])
            throw Self.storageFailed
        }
        if c.isOpen { open[c.seq] = c }
    }

    static let storageFailed = ProtocolError(code: "storage_failed", message: "The change could not be saved, so nothing changed. Try again.")

    /// Submits a router event for a conversation's tenant; a stopped or overloaded router is a protocol error.
    func submit(_ event: RoutingEvent, tenant: Directory.TenantID) async throws(ProtocolError) {
        do { try await routing.submit(event, tenant: tenant) } catch {
            throw ProtocolError(code: "router_busy", message: "The router is not accepting events right now; try again.")
        }
    }

    func sendToAgent(_ agent: UserID, _ message: JSONValue) async {
        for outlet in agentOutlets[agent] ?? [] { outlet.send(message) }
    }

    func sendToVisitor(_ seq: Int64, _ message: JSONValue) {
        for outlet in visitorOutlets[seq] ?? [] { outlet.send(message) }
    }

    static func reasonCode(_ reason: WithdrawReason) -> String {
        switch reason {
        case .acceptedByAnother: "accepted_elsewhere"
        case .abandoned: "abandoned"
        case .agentLoggedOut: "logged_out"
        case .agentPaused: "paused"
        case .agentIneligible: "not_ready"
        case .overflowed: "overflowed"
        case .timedOut: "timed_out"
        case .agentBusy: "agent_busy"
        }
    }

    static func outcomeCode(_ outcome: ContactOutcome) -> String {
        switch outcome {
        case .answered: "answered"
        case .abandoned: "abandoned"
        case .timedOut: "timed_out"
        case .overflowed: "overflowed"
        case .refused: "refused"
        }
    }

    /// Pause reasons of the workspace protocol ↔ router codes.
    static let pauseReasons = ["unspecified", "no_answer", "break", "lunch", "training", "meeting", "other"]
    static func pauseName(_ reason: PauseReason) -> String {
        Int(reason.code) < pauseReasons.count ? pauseReasons[Int(reason.code)] : "other"
    }
}
