/// Omnichannel readiness (issue rule 8): a verified agent may log in, but the workspace stays closed
/// until every condition holds. Each unmet condition has a stable code.
public enum ReadinessCondition: String, Sendable, Codable, CaseIterable {
    case webrtcDisabled = "webrtc_disabled"
    case omnichannelDisabled = "omnichannel_disabled"
    case emailNotVerified = "email_not_verified"
    case noQueue = "no_queue"
    /// Only agents and supervisors have a workspace.
    case notAnAgent = "not_an_agent"
}

public enum Readiness {
    /// The unmet conditions for `user`, in a stable order; empty means ready for the workspace.
    public static func unmet(user: User, linkedQueueCount: Int) -> [ReadinessCondition] {
        var unmet: [ReadinessCondition] = []
        if user.role != .agent && user.role != .supervisor { unmet.append(.notAnAgent) }
        if !user.webrtcEnabled { unmet.append(.webrtcDisabled) }
        if !user.omnichannelEnabled { unmet.append(.omnichannelDisabled) }
        if !user.emailVerified { unmet.append(.emailNotVerified) }
        if linkedQueueCount == 0 { unmet.append(.noQueue) }
        return unmet
    }
}
