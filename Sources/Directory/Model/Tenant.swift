import Foundation

/// A customer account: one contact center. Every other record belongs to exactly one tenant.
public struct Tenant: Sendable, Codable, Hashable {
    public let id: TenantID
    /// Short lowercase handle used at login when an e-mail exists in several tenants.
    public var slug: String
    public var name: String
    public let createdAt: Date

    public init(id: TenantID = TenantID(), slug: String, name: String, createdAt: Date) {
        self.id = id
        self.slug = slug
        self.name = name
        self.createdAt = createdAt
    }
}
