import Foundation

extension DirectoryService {
    /// Creates a voice queue ("Call Center") or a chat queue (admin of the tenant, or support).
    public func createQueue(by principal: Principal, tenantID: TenantID, name: String, channel: Channel, settings: QueueSettings) async throws -> Queue {
        guard principal.canSee(tenant: tenantID) else { throw DirectoryError.notFound(entity: "tenant") }
        guard principal.canAdminister(tenant: tenantID) else { throw DirectoryError.forbidden }
        let at = now()
        let queue = Queue(tenantID: tenantID, name: name.trimmingCharacters(in: .whitespacesAndNewlines), channel: channel, settings: settings, createdAt: at)
        try Self.validate(queue)
        return try await commit { db in
            guard try db.tenant(tenantID) != nil else { throw DirectoryError.notFound(entity: "tenant") }
            try Self.checkOverflow(queue, in: db)
            try db.insert(queue)
            try db.append(AuditEntry(
                tenantID: tenantID, actorID: principal.userID, action: "queue.create", entity: "queue",
                entityID: queue.id.description, before: nil, after: AuditJSON.encode(queue), at: at))
            try db.append(DirectoryEvent.queueChanged(tenantID: tenantID, queueID: queue.id, at: at))
            return queue
        }
    }

    /// Replaces a queue's name and routing settings. The channel of a queue is fixed at creation.
    public func updateQueue(by principal: Principal, id: QueueID, name: String?, settings: QueueSettings?) async throws -> Queue {
        let at = now()
        return try await commit { db in
            let before = try Self.administeredQueue(id, by: principal, in: db)
            var after = before
            if let name { after.name = name.trimmingCharacters(in: .whitespacesAndNewlines) }
            if let settings { after.settings = settings }
            try Self.validate(after)
            try Self.checkOverflow(after, in: db)
            guard after != before else { return before }
            try db.update(after)
            try db.append(AuditEntry(
                tenantID: after.tenantID, actorID: principal.userID, action: "queue.update", entity: "queue",
                entityID: id.description, before: AuditJSON.encode(before), after: AuditJSON.encode(after), at: at))
            try db.append(DirectoryEvent.queueChanged(tenantID: after.tenantID, queueID: id, at: at))
            return after
        }
    }

    /// Deletes a queue and its memberships; refused while another queue overflows into it.
    public func deleteQueue(by principal: Principal, id: QueueID) async throws {
        let at = now()
        try await commit { db in
            let queue = try Self.administeredQueue(id, by: principal, in: db)
            if try db.queues(tenant: queue.tenantID).contains(where: { $0.settings.overflowQueueID == id }) {
                throw DirectoryError.conflict(reason: "another queue overflows into this queue")
            }
            try db.delete(queue: id)
            try db.append(AuditEntry(
                tenantID: queue.tenantID, actorID: principal.userID, action: "queue.delete", entity: "queue",
                entityID: id.description, before: AuditJSON.encode(queue), after: nil, at: at))
            try db.append(DirectoryEvent.queueChanged(tenantID: queue.tenantID, queueID: id, at: at))
        }
    }

    public func queues(in tenantID: TenantID, for principal: Principal) async throws -> [Queue] {
        guard principal.canSee(tenant: tenantID) else { throw DirectoryError.notFound(entity: "tenant") }
        return try await store.read { db in
            guard try db.tenant(tenantID) != nil else { throw DirectoryError.notFound(entity: "tenant") }
            return try db.queues(tenant: tenantID)
        }
    }

    public func queue(_ id: QueueID, for principal: Principal) async throws -> Queue {
        guard let queue = try await store.read({ try $0.queue(id) }), principal.canSee(tenant: queue.tenantID) else {
            throw DirectoryError.notFound(entity: "queue")
        }
        return queue
    }

    // MARK: Memberships

    /// Links an agent to a queue (or changes the link's level and position). Linking an agent who is
    /// not omnichannel-ready is allowed; readiness reports it.
    public func link(by principal: Principal, queue queueID: QueueID, user userID: UserID, level: Int, position: Int) async throws -> Membership {
        guard (1...9).contains(level) else { throw DirectoryError.invalidField(field: "level", reason: "1-9") }
        guard (0...10_000).contains(position) else { throw DirectoryError.invalidField(field: "position", reason: "0-10000") }
        let at = now()
        return try await commit { db in
            let queue = try Self.administeredQueue(queueID, by: principal, in: db)
            guard let user = try db.user(userID), user.tenantID == queue.tenantID else { throw DirectoryError.notFound(entity: "user") }
            guard user.role == .agent || user.role == .supervisor else {
                throw DirectoryError.invalidField(field: "userId", reason: "only agents and supervisors serve queues")
            }
            let before = try db.membership(queue: queueID, user: userID)
            var membership = before ?? Membership(tenantID: queue.tenantID, queueID: queueID, userID: userID)
            membership.level = level
            membership.position = position
            guard membership != before else { return membership }
            try db.upsert(membership)
            try db.append(AuditEntry(
                tenantID: queue.tenantID, actorID: principal.userID, action: "membership.upsert", entity: "membership",
                entityID: "\(queueID)/\(userID)", before: before.flatMap(AuditJSON.encode), after: AuditJSON.encode(membership), at: at))
            try db.append(DirectoryEvent.membershipChanged(tenantID: queue.tenantID, queueID: queueID, userID: userID, at: at))
            return membership
        }
    }

    public func unlink(by principal: Principal, queue queueID: QueueID, user userID: UserID) async throws {
        let at = now()
        try await commit { db in
            let queue = try Self.administeredQueue(queueID, by: principal, in: db)
            guard let before = try db.membership(queue: queueID, user: userID) else { throw DirectoryError.notFound(entity: "membership") }
            try db.delete(membershipOf: userID, in: queueID)
            try db.append(AuditEntry(
                tenantID: queue.tenantID, actorID: principal.userID, action: "membership.delete", entity: "membership",
                entityID: "\(queueID)/\(userID)", before: AuditJSON.encode(before), after: nil, at: at))
            try db.append(DirectoryEvent.membershipChanged(tenantID: queue.tenantID, queueID: queueID, userID: userID, at: at))
        }
    }

    public func memberships(of queueID: QueueID, for principal: Principal) async throws -> [Membership] {
        try await store.read { db in
            guard let queue = try db.queue(queueID), principal.canSee(tenant: queue.tenantID) else { throw DirectoryError.notFound(entity: "queue") }
            guard principal.role != .agent else { throw DirectoryError.forbidden }
            return try db.memberships(queue: queueID)
        }
    }

    /// An agent logs in to (or out of) one of their queues. Logging in needs omnichannel readiness.
    public func setQueueLogin(by principal: Principal, queue queueID: QueueID, loggedIn: Bool) async throws -> Membership {
        let at = now()
        return try await commit { db in
            guard let queue = try db.queue(queueID), principal.canSee(tenant: queue.tenantID),
                  var membership = try db.membership(queue: queueID, user: principal.userID) else {
                throw DirectoryError.notFound(entity: "membership")
            }
            if loggedIn {
                guard let user = try db.user(principal.userID) else { throw DirectoryError.unauthenticated }
                let unmet = Readiness.unmet(user: user, linkedQueueCount: try db.memberships(user: user.id).count)
                guard unmet.isEmpty else { throw DirectoryError.notReady(unmet) }
            }
            guard membership.loggedIn != loggedIn else { return membership }
            membership.loggedIn = loggedIn
            try db.upsert(membership)
            try db.append(DirectoryEvent.membershipChanged(tenantID: queue.tenantID, queueID: queueID, userID: principal.userID, at: at))
            return membership
        }
    }

    // MARK: Audit

    /// The audit log of a tenant, newest first (admins of the tenant and support).
    public func audit(tenant tenantID: TenantID, for principal: Principal, limit: Int, before: Int64?) async throws -> [AuditEntry] {
        guard principal.canSee(tenant: tenantID) else { throw DirectoryError.notFound(entity: "tenant") }
        guard principal.canAdminister(tenant: tenantID) else { throw DirectoryError.forbidden }
        return try await store.read { db in try db.audit(tenant: tenantID, limit: min(max(limit, 1), 500), beforeSequence: before) }
    }

    // MARK: Rules

    static func validate(_ queue: Queue) throws {
        guard FieldRules.isValidName(queue.name) else { throw DirectoryError.invalidField(field: "name", reason: "1-120 characters") }
        let s = queue.settings
        let checks: [(String, Int, ClosedRange<Int>)] = [
            ("settings.wrapUpSeconds", s.wrapUpSeconds, 0...3600), ("settings.offerTimeoutSeconds", s.offerTimeoutSeconds, 5...600),
            ("settings.maxNoAnswer", s.maxNoAnswer, 0...100), ("settings.rejectDelaySeconds", s.rejectDelaySeconds, 0...3600),
            ("settings.maxWaitSeconds", s.maxWaitSeconds, 0...86_400), ("settings.priority", s.priority, -100...100),
            ("settings.maxWaiting", s.maxWaiting, 1...100_000),
        ]
        for (field, value, range) in checks where !range.contains(value) {
            throw DirectoryError.invalidField(field: field, reason: "between \(range.lowerBound) and \(range.upperBound)")
        }
        if s.overflowQueueID == queue.id { throw DirectoryError.invalidField(field: "settings.overflowQueueId", reason: "a queue cannot overflow into itself") }
    }

    static func checkOverflow(_ queue: Queue, in db: any DirectoryReader) throws {
        guard let target = queue.settings.overflowQueueID else { return }
        guard let overflow = try db.queue(target), overflow.tenantID == queue.tenantID else {
            throw DirectoryError.invalidField(field: "settings.overflowQueueId", reason: "no such queue in this tenant")
        }
        guard overflow.isChat == queue.isChat else {
            throw DirectoryError.invalidField(field: "settings.overflowQueueId", reason: "voice and chat queues cannot overflow into each other")
        }
    }

    static func administeredQueue(_ id: QueueID, by principal: Principal, in db: any DirectoryReader) throws -> Queue {
        guard let queue = try db.queue(id), principal.canSee(tenant: queue.tenantID) else { throw DirectoryError.notFound(entity: "queue") }
        guard principal.canAdminister(tenant: queue.tenantID) else { throw DirectoryError.forbidden }
        return queue
    }
}
