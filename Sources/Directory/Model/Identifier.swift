import Foundation

/// A typed identifier: `Identifier<User>` and `Identifier<Queue>` cannot be mixed up.
public struct Identifier<Entity>: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UUID

    public init(_ rawValue: UUID = UUID()) { self.rawValue = rawValue }

    /// Parses the canonical UUID text; nil for anything else.
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        self.rawValue = uuid
    }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(UUID.self)
    }

    /// Encoded lower-case, as every id of the API is written (Foundation writes UUIDs upper-case).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String { rawValue.uuidString.lowercased() }
}

public typealias TenantID = Identifier<Tenant>
public typealias UserID = Identifier<User>
public typealias QueueID = Identifier<Queue>
