/// What support sends to create a user.
public struct NewUser: Sendable, Codable {
    public var tenantID: TenantID?
    public var name: String
    public var email: String
    public var role: Role
    public var `extension`: String?
    public var webrtcEnabled: Bool
    public var omnichannelEnabled: Bool
    public var selfManaged: Bool
    public var language: Language

    public init(
        tenantID: TenantID?, name: String, email: String, role: Role, extension: String? = nil,
        webrtcEnabled: Bool = false, omnichannelEnabled: Bool = false, selfManaged: Bool = false, language: Language = .ptBR
    ) {
        self.tenantID = tenantID
        self.name = name
        self.email = email
        self.role = role
        self.extension = `extension`
        self.webrtcEnabled = webrtcEnabled
        self.omnichannelEnabled = omnichannelEnabled
        self.selfManaged = selfManaged
        self.language = language
    }
}

/// An edit of a user record: nil leaves a field as it is. `extension` uses a double optional:
/// `.some(nil)` removes the extension.
public struct UserEdit: Sendable {
    public var name: String?
    public var email: String?
    public var role: Role?
    public var `extension`: String??
    public var webrtcEnabled: Bool?
    public var omnichannelEnabled: Bool?
    public var selfManaged: Bool?
    public var language: Language?

    public init(
        name: String? = nil, email: String? = nil, role: Role? = nil, extension: String?? = nil,
        webrtcEnabled: Bool? = nil, omnichannelEnabled: Bool? = nil, selfManaged: Bool? = nil, language: Language? = nil
    ) {
        self.name = name
        self.email = email
        self.role = role
        self.extension = `extension`
        self.webrtcEnabled = webrtcEnabled
        self.omnichannelEnabled = omnichannelEnabled
        self.selfManaged = selfManaged
        self.language = language
    }
}
