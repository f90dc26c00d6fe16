/// The state and the logic of `Router`, as a value: every engine method is `mutating` on it, so the hot
/// path reaches its arrays through `inout self` (statically checked exclusivity) instead of a class's stored
/// properties (a dynamic exclusivity check on every access). The per-record tables are `RecordTable`s
/// (shared by copies of the core, see there). `Router` holds one and forwards to it.
struct RouterCore {
    let agents = RecordTable<AgentRecord>()
    let queues = RecordTable<QueueRecord>()
    let members = RecordTable<MemberRecord>()
    var freeMembers: [UInt32] = []
    let contacts = RecordTable<ContactRecord>()
    var freeContacts: [UInt32] = []
    var contactSlots = ContactIndex()
    let offers = RecordTable<OfferRecord>()
    var freeOffers: [UInt32] = []
    var timers = TimerQueue()
    /// Pending outputs are `outputs[outputCursor..<outputCount]`. The array only grows: draining resets the
    /// two counters (outputs are plain values, nothing to release), so steady-state routing neither
    /// allocates nor pays for `removeAll` per event.
    var outputs: [RoutingOutput] = []
    var outputCount = 0
    var outputCursor = 0
    var dirtyQueues: [QueueID] = []
    var history: [Decision] = []
    var historyNext = 0
    let historyCapacity: Int
    var randomState: UInt64
    /// The instant of the event or timer being processed.
    var now: Int64 = .min
    /// Called at the instant of every offer with the state at that instant (tests check the ordering rule there).
    var offerObserver: ((ContactID, AgentID, QueueID, RouterCore) -> Void)?
    /// Emit `statsChanged` outputs.
    var emitsStatsChanges: Bool

    /// A router with an empty configuration.
    /// - Parameters:
    ///   - randomSeed: seed of the `random` strategy's generator (determinism).
    ///   - historyCapacity: number of decisions `explain` can look back on (ring buffer, preallocated).
    ///   - emitsStatsChanges: whether `statsChanged` outputs are produced.
    init(randomSeed: UInt64, historyCapacity: Int, emitsStatsChanges: Bool) {
        self.randomState = randomSeed == 0 ? 1 : randomSeed
        self.historyCapacity = max(1, historyCapacity)
        self.emitsStatsChanges = emitsStatsChanges
        history.reserveCapacity(self.historyCapacity)
        outputs.reserveCapacity(64)
    }

    /// Reserves table space up front so that steady-state routing does not allocate.
    mutating func reserve(agents agentCount: Int, queues queueCount: Int, contacts contactCount: Int) {
        agents.reserveCapacity(agentCount); queues.reserveCapacity(queueCount)
        contacts.reserveCapacity(contactCount); contactSlots.reserveCapacity(contactCount)
        offers.reserveCapacity(contactCount); timers.nodes.reserveCapacity(contactCount * 2)
        timers.heap.reserveCapacity(contactCount * 2)
    }

    /// Processes one input at `now` (issue 3 §"API shape"); afterwards drain `pollOutput()`.
    /// `now` earlier than a previous call is treated as the previous instant (time never goes back).

    mutating func handle(_ event: consuming RoutingEvent, now instant: RoutingInstant) {
        advance(to: instant.nanoseconds)
        switch consume event {
        case .configureQueue(let id, let settings): configureQueue(id, settings)
        case .configureAgent(let id, let profile): configureAgent(id, profile)
        case .setMembership(let m): setMembership(m)
        case .removeMembership(let a, let q): removeMembership(agent: a, queue: q)
        case .logIn(let a, let q): logIn(agent: a, queue: q)
        case .logOut(let a, let q): logOut(agent: a, queue: q, reason: .agentLoggedOut)
        case .logOutAll(let a): logOutAll(agent: a)
        case .setAvailable(let a): setAvailable(agent: a)
        case .pause(let a, let reason): pause(agent: a, reason: reason, automatic: false)
        case .setEligible(let a, let e): setEligible(agent: a, eligible: e)
        case .arrive(let request): arrive(request)
        case .restore(let request, let a, let at): restore(request, agent: a, connectedAt: at)
        case .accept(let c, let a): accept(contact: c, agent: a)
        case .reject(let c, let a): reject(contact: c, agent: a)
        case .abandon(let c): abandon(contact: c)
        case .complete(let c): complete(contact: c)
        case .endWrapUp(let c): endWrapUp(contact: c)
        case .tick: break
        }
        flushStats()
    }

    /// Fires every timer due at or before `instant`, each at its own deadline.

    mutating func advance(to instant: Int64) {
        let target = max(instant, now)
        while let due = timers.popDue(now: target) {
            now = max(now, due.deadline)
            fire(due.kind, target: due.target)
        }
        now = target
    }

    /// Next output, or nil when drained (STYLE.md "drain outputs").

    mutating func pollOutput() -> RoutingOutput? {
        guard outputCursor < outputCount else {
            outputCount = 0
            outputCursor = 0
            return nil
        }
        let output = outputs[outputCursor]
        outputCursor += 1
        return output
    }

    /// Earliest pending timer deadline: call `handle(.tick, now:)` at or after it.
    var nextDeadline: RoutingInstant? {
        timers.nextDeadline.map { RoutingInstant(nanoseconds: $0) }
    }


    mutating func emit(_ output: RoutingOutput) {
        if outputCount < outputs.count { outputs[outputCount] = output } else { outputs.append(output) }
        outputCount += 1
    }


    mutating func refuse(_ error: RoutingError) { emit(.refused(error)) }


    mutating func markDirty(_ q: QueueID) {
        guard emitsStatsChanges, !queues[Int(q)].statsDirty else { return }
        queues[Int(q)].statsDirty = true
        dirtyQueues.append(q)
    }


    mutating func flushStats() {
        guard !dirtyQueues.isEmpty else { return }
        for q in dirtyQueues {
            queues[Int(q)].statsDirty = false
            emit(.statsChanged(queue: q))
        }
        dirtyQueues.removeAll(keepingCapacity: true)
    }


    mutating func record(_ kind: Decision.Kind, contact slot: UInt32, agent: AgentID? = nil, reason: OfferReason? = nil) {
        appendHistory(Decision(contact: contacts[Int(slot)].id, at: RoutingInstant(nanoseconds: now), kind: kind,
                               queue: contacts[Int(slot)].queue, agent: agent, reason: reason))
    }

    /// Appends to the decision history ring (several times per contact: a compare, not a division, to wrap).
    mutating func appendHistory(_ d: Decision) {
        if history.count < historyCapacity { history.append(d) } else { history[historyNext] = d }
        historyNext += 1
        if historyNext == historyCapacity { historyNext = 0 }
    }

    /// splitmix64: the deterministic generator of the `random` strategy.

    mutating func nextRandom() -> UInt64 {
        randomState &+= 0x9E37_79B9_7F4A_7C15
        var z = randomState
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }


    mutating func fire(_ kind: TimerKind, target: UInt32) {
        switch kind {
        case .offerTimeout: offerTimedOut(offer: target)
        case .wrapUpEnd:
            contacts[Int(target)].wrapTimer = .none
            finishWrapUp(slot: target)
        case .tierWiden: widenTier(slot: target)
        case .maxWait:
            contacts[Int(target)].maxWaitTimer = .none
            maxWaitReached(slot: target)
        case .preferredExpiry:
            contacts[Int(target)].preferredTimer = .none
            contacts[Int(target)].preferredAgent = nilIndex
            if contacts[Int(target)].phase == .waiting { routeContact(slot: target, trigger: .contactRouted) }
        case .agentDelayEnd:
            agents[Int(target)].blockTimer = .none
            refreshReadiness(agent: target, touch: true)
            routeToAgent(target)
        }
    }
}
