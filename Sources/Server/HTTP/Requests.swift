import Directory
import Foundation

/// Request bodies. Each decodes strictly: wrong types and unknown enum values name the field.
struct LoginRequest: Decodable {
    let email: String
    let password: String
    let tenant: String?
}

struct TokenPasswordRequest: Decodable {
    let token: String
    let password: String
}

struct TokenRequest: Decodable {
    let token: String
}

struct PasswordRequest: Decodable {
    let password: String
}

struct CreateTenantRequest: Decodable {
    let slug: String
    let name: String
}

struct CreateUserRequest: Decodable {
    let tenantId: TenantID?
    let name: String
    let email: String
    let role: Role
    let `extension`: String?
    let webrtcEnabled: Bool?
    let omnichannelEnabled: Bool?
    let selfManaged: Bool?
    let language: Language?

    var input: NewUser {
        NewUser(
            tenantID: tenantId, name: name, email: email, role: role, extension: `extension`,
            webrtcEnabled: webrtcEnabled ?? false, omnichannelEnabled: omnichannelEnabled ?? false,
            selfManaged: selfManaged ?? false, language: language ?? .ptBR)
    }
}

/// A partial edit; `"extension": null` removes the extension, an absent key leaves it.
struct UpdateUserRequest: Decodable {
    var edit = UserEdit()

    enum Key: String, CodingKey {
        case name, email, role, `extension`, webrtcEnabled, omnichannelEnabled, selfManaged, language
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        edit.name = try c.decodeIfPresent(String.self, forKey: .name)
        edit.email = try c.decodeIfPresent(String.self, forKey: .email)
        edit.role = try c.decodeIfPresent(Role.self, forKey: .role)
        if c.contains(.extension) {
            edit.extension = .some(try c.decodeNil(forKey: .extension) ? nil : try c.decode(String.self, forKey: .extension))
        }
        edit.webrtcEnabled = try c.decodeIfPresent(Bool.self, forKey: .webrtcEnabled)
        edit.omnichannelEnabled = try c.decodeIfPresent(Bool.self, forKey: .omnichannelEnabled)
        edit.selfManaged = try c.decodeIfPresent(Bool.self, forKey: .selfManaged)
        edit.language = try c.decodeIfPresent(Language.self, forKey: .language)
    }
}

/// Queue settings where every field is optional: missing ones keep their current (or default) value.
struct QueueSettingsInput: Decodable {
    let strategy: RoutingStrategy?
    let wrapUpSeconds: Int?
    let offerTimeoutSeconds: Int?
    let maxNoAnswer: Int?
    let rejectDelaySeconds: Int?
    let maxWaitSeconds: Int?
    let overflowQueueId: QueueID??
    let priority: Int?
    let maxWaiting: Int?

    enum Key: String, CodingKey {
        case strategy, wrapUpSeconds, offerTimeoutSeconds, maxNoAnswer, rejectDelaySeconds, maxWaitSeconds, overflowQueueId, priority, maxWaiting
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        strategy = try c.decodeIfPresent(RoutingStrategy.self, forKey: .strategy)
        wrapUpSeconds = try c.decodeIfPresent(Int.self, forKey: .wrapUpSeconds)
        offerTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .offerTimeoutSeconds)
        maxNoAnswer = try c.decodeIfPresent(Int.self, forKey: .maxNoAnswer)
        rejectDelaySeconds = try c.decodeIfPresent(Int.self, forKey: .rejectDelaySeconds)
        maxWaitSeconds = try c.decodeIfPresent(Int.self, forKey: .maxWaitSeconds)
        overflowQueueId = c.contains(.overflowQueueId)
            ? .some(try c.decodeNil(forKey: .overflowQueueId) ? nil : try c.decode(QueueID.self, forKey: .overflowQueueId)) : nil
        priority = try c.decodeIfPresent(Int.self, forKey: .priority)
        maxWaiting = try c.decodeIfPresent(Int.self, forKey: .maxWaiting)
    }

    func applied(to base: QueueSettings) -> QueueSettings {
        var s = base
        if let strategy { s.strategy = strategy }
        if let wrapUpSeconds { s.wrapUpSeconds = wrapUpSeconds }
        if let offerTimeoutSeconds { s.offerTimeoutSeconds = offerTimeoutSeconds }
        if let maxNoAnswer { s.maxNoAnswer = maxNoAnswer }
        if let rejectDelaySeconds { s.rejectDelaySeconds = rejectDelaySeconds }
        if let maxWaitSeconds { s.maxWaitSeconds = maxWaitSeconds }
        if let overflowQueueId { s.overflowQueueID = overflowQueueId }
        if let priority { s.priority = priority }
        if let maxWaiting { s.maxWaiting = maxWaiting }
        return s
    }
}

struct CreateQueueRequest: Decodable {
    let tenantId: TenantID?
    let name: String
    let channel: Channel
    let settings: QueueSettingsInput?
}

struct UpdateQueueRequest: Decodable {
    let name: String?
    let settings: QueueSettingsInput?
}

struct MembershipRequest: Decodable {
    let level: Int?
    let position: Int?
}
