/// Who a user is on the platform (PRODUCT.md "Enabling an agent"): `support` is platform staff
/// above every customer's administrator; the others belong to exactly one tenant.
public enum Role: String, Sendable, Codable, CaseIterable {
    case support
    case admin
    case supervisor
    case agent

    /// Support staff act across tenants; everyone else within their own.
    public var isPlatformStaff: Bool { self == .support }
}

/// The authenticated principal behind a request.
public struct Principal: Sendable, Hashable {
    public let userID: UserID
    public let tenantID: TenantID?
    public let role: Role
    /// The hash of the session token the principal authenticated with (nil when not from a session).
    /// Long-lived connections keep it to notice when that session ends.
    public let sessionHash: String?

    public init(userID: UserID, tenantID: TenantID?, role: Role, sessionHash: String? = nil) {
        self.userID = userID
        self.tenantID = tenantID
        self.role = role
        self.sessionHash = sessionHash
    }

    /// Whether this principal may see records of `tenant` at all (tenants are walls).
    public func canSee(tenant: TenantID) -> Bool {
        role.isPlatformStaff || tenantID == tenant
    }

    /// Whether this principal may administer `tenant`: support anywhere, admin in its own tenant.
    public func canAdminister(tenant: TenantID) -> Bool {
        role == .support || (role == .admin && tenantID == tenant)
    }
}
