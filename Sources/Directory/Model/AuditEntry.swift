import Foundation

/// One change to users, queues or memberships: who, what, when, before and after (secrets excluded).
public struct AuditEntry: Sendable, Codable, Hashable {
    public var sequence: Int64?
    public let tenantID: TenantID?
    public let actorID: UserID?
    /// For example `user.create`, `user.update`, `queue.delete`, `membership.upsert`.
    public let action: String
    public let entity: String
    public let entityID: String
    /// JSON of the record before the change (nil on create), with secrets removed.
    public let before: String?
    /// JSON of the record after the change (nil on delete), with secrets removed.
    public let after: String?
    public let at: Date

    public init(tenantID: TenantID?, actorID: UserID?, action: String, entity: String, entityID: String, before: String?, after: String?, at: Date) {
        self.sequence = nil
        self.tenantID = tenantID
        self.actorID = actorID
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.before = before
        self.after = after
        self.at = at
    }
}

/// What the directory tells the router about (recorded durably, then published).
public enum DirectoryEvent: Sendable, Codable, Hashable {
    /// A confirmed admin edit logged the agent out of every queue they were logged in to.
    case agentLoggedOutOfAllQueues(tenantID: TenantID, userID: UserID, queueIDs: [QueueID], at: Date)
    /// The agent's omnichannel readiness or profile changed; the router re-reads eligibility.
    case agentChanged(tenantID: TenantID, userID: UserID, at: Date)
    /// A queue's settings or existence changed.
    case queueChanged(tenantID: TenantID, queueID: QueueID, at: Date)
    /// A membership (agent ⇄ queue link, or its login state) changed.
    case membershipChanged(tenantID: TenantID, queueID: QueueID, userID: UserID, at: Date)
    /// Sessions of the user ended (one by logout, or all of them); connections opened with them close.
    case sessionsEnded(tenantID: TenantID?, userID: UserID, reason: SessionEndReason, at: Date)
}

/// Why sessions ended: the close reason a workspace connection of that session is given.
public enum SessionEndReason: String, Sendable, Codable, Hashable {
    case loggedOut = "logged_out"
    case passwordChanged = "password_changed"
    case userDeleted = "user_deleted"
}
