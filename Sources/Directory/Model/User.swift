import Foundation

/// The language a user reads notifications and errors in. pt-BR is the product language.
public enum Language: String, Sendable, Codable, CaseIterable {
    case ptBR = "pt-BR"
    case en = "en"

    /// Picks the best supported language from an `Accept-Language` header value (RFC 9110 §12.5.4);
    /// pt-BR when nothing matches.
    public static func negotiate(acceptLanguage: String?) -> Language {
        guard let header = acceptLanguage else { return .ptBR }
        var best: (Language, Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            let language: Language? = tag.hasPrefix("pt") ? .ptBR : (tag.hasPrefix("en") ? .en : nil)
            if let language, quality > (best?.1 ?? 0) { best = (language, quality) }
        }
        return best?.0 ?? .ptBR
    }
}

/// A person who logs in: platform support staff, or an admin, supervisor or agent of one tenant.
/// The agent-screen flags are the ones PRODUCT.md names ("Enable WebRTC", "Enable agent for omnichannel use").
public struct User: Sendable, Codable, Hashable {
    public let id: UserID
    /// nil only for `support` users, who belong to the platform rather than a tenant.
    public let tenantID: TenantID?
    public var name: String
    /// Stored lowercased; unique per tenant.
    public var email: String
    public var role: Role
    /// The SIP extension ("ramal"), unique per tenant.
    public var `extension`: String?
    public var webrtcEnabled: Bool
    public var omnichannelEnabled: Bool
    public var emailVerified: Bool
    /// Logs in through the tenant's identity provider; password login and reset are refused.
    public var selfManaged: Bool
    public var language: Language
    /// PHC-style hash of the password; nil until the user sets one.
    public var passwordHash: String?
    public let createdAt: Date
    public var updatedAt: Date

    public init(
        id: UserID = UserID(), tenantID: TenantID?, name: String, email: String, role: Role,
        extension: String? = nil, webrtcEnabled: Bool = false, omnichannelEnabled: Bool = false,
        emailVerified: Bool = false, selfManaged: Bool = false, language: Language = .ptBR,
        passwordHash: String? = nil, createdAt: Date, updatedAt: Date? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.email = email
        self.role = role
        self.extension = `extension`
        self.webrtcEnabled = webrtcEnabled
        self.omnichannelEnabled = omnichannelEnabled
        self.emailVerified = emailVerified
        self.selfManaged = selfManaged
        self.language = language
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}
