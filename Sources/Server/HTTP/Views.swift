import Directory
import Foundation

/// What the API shows of each record (never password hashes or token hashes).
struct UserView: Encodable {
    let id: String
    let tenantId: String?
    let name: String
    let email: String
    let role: String
    let `extension`: String?
    let webrtcEnabled: Bool
    let omnichannelEnabled: Bool
    let emailVerified: Bool
    let selfManaged: Bool
    let language: String
    let hasPassword: Bool
    let createdAt: Date
    let updatedAt: Date

    init(_ user: User) {
        id = user.id.description
        tenantId = user.tenantID?.description
        name = user.name
        email = user.email
        role = user.role.rawValue
        self.extension = user.extension
        webrtcEnabled = user.webrtcEnabled
        omnichannelEnabled = user.omnichannelEnabled
        emailVerified = user.emailVerified
        selfManaged = user.selfManaged
        language = user.language.rawValue
        hasPassword = user.passwordHash != nil
        createdAt = user.createdAt
        updatedAt = user.updatedAt
    }
}

struct TenantView: Encodable {
    let id: String
    let slug: String
    let name: String
    let createdAt: Date
    init(_ tenant: Tenant) {
        id = tenant.id.description
        slug = tenant.slug
        name = tenant.name
        createdAt = tenant.createdAt
    }
}

struct QueueSettingsView: Codable {
    var strategy: RoutingStrategy
    var wrapUpSeconds: Int
    var offerTimeoutSeconds: Int
    var maxNoAnswer: Int
    var rejectDelaySeconds: Int
    var maxWaitSeconds: Int
    var maxWaiting: Int
    var overflowQueueId: String?
    var priority: Int

    init(_ s: QueueSettings) {
        strategy = s.strategy
        wrapUpSeconds = s.wrapUpSeconds
        offerTimeoutSeconds = s.offerTimeoutSeconds
        maxNoAnswer = s.maxNoAnswer
        rejectDelaySeconds = s.rejectDelaySeconds
        maxWaitSeconds = s.maxWaitSeconds
        maxWaiting = s.maxWaiting
        overflowQueueId = s.overflowQueueID?.description
        priority = s.priority
    }
}

struct QueueView: Encodable {
    let id: String
    let tenantId: String
    let name: String
    let channel: String
    /// "call_center" for voice queues, "chat" for WebChat and WhatsApp queues.
    let kind: String
    let settings: QueueSettingsView
    let createdAt: Date
    init(_ queue: Queue) {
        id = queue.id.description
        tenantId = queue.tenantID.description
        name = queue.name
        channel = queue.channel.rawValue
        kind = queue.isChat ? "chat" : "call_center"
        settings = QueueSettingsView(queue.settings)
        createdAt = queue.createdAt
    }
}

struct MembershipView: Encodable {
    let queueId: String
    let userId: String
    let level: Int
    let position: Int
    let loggedIn: Bool
    init(_ m: Membership) {
        queueId = m.queueID.description
        userId = m.userID.description
        level = m.level
        position = m.position
        loggedIn = m.loggedIn
    }
}

struct AuditView: Encodable {
    let sequence: Int64?
    let tenantId: String?
    let actorId: String?
    let action: String
    let entity: String
    let entityId: String
    let before: String?
    let after: String?
    let at: Date
    init(_ e: AuditEntry) {
        sequence = e.sequence
        tenantId = e.tenantID?.description
        actorId = e.actorID?.description
        action = e.action
        entity = e.entity
        entityId = e.entityID
        before = e.before
        after = e.after
        at = e.at
    }
}

struct ProfileView: Encodable {
    let user: UserView
    let memberships: [MembershipView]
    /// True when the omnichannel workspace is open to this user.
    let ready: Bool
    /// Every unmet readiness condition, by code.
    let unmet: [String]
    init(_ profile: Profile) {
        user = UserView(profile.user)
        memberships = profile.memberships.map(MembershipView.init)
        ready = profile.ready
        unmet = profile.unmet.map(\.rawValue)
    }
}
