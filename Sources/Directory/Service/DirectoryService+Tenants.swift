import Foundation

extension DirectoryService {
    /// Creates a customer account. Support staff only.
    public func createTenant(by principal: Principal, slug: String, name: String) async throws -> Tenant {
        guard principal.role == .support else { throw DirectoryError.forbidden }
        let slug = slug.trimmingCharacters(in: .whitespaces).lowercased()
        guard FieldRules.isValidSlug(slug) else { throw DirectoryError.invalidField(field: "slug", reason: "2-40 lowercase letters, digits or '-'") }
        guard FieldRules.isValidName(name) else { throw DirectoryError.invalidField(field: "name", reason: "1-120 characters") }
        let tenant = Tenant(slug: slug, name: name.trimmingCharacters(in: .whitespacesAndNewlines), createdAt: now())
        let at = tenant.createdAt
        return try await commit { db in
            guard try db.tenant(slug: slug) == nil else { throw DirectoryError.slugTaken }
            try db.insert(tenant)
            try db.append(AuditEntry(
                tenantID: tenant.id, actorID: principal.userID, action: "tenant.create", entity: "tenant",
                entityID: tenant.id.description, before: nil, after: AuditJSON.encode(tenant), at: at))
            return tenant
        }
    }

    /// All tenants (support) or the caller's own.
    public func tenants(for principal: Principal) async throws -> [Tenant] {
        try await store.read { db in
            if principal.role == .support { return try db.tenants() }
            guard let own = principal.tenantID, let tenant = try db.tenant(own) else { return [] }
            return [tenant]
        }
    }

    public func tenant(_ id: TenantID, for principal: Principal) async throws -> Tenant {
        guard principal.canSee(tenant: id) else { throw DirectoryError.notFound(entity: "tenant") }
        guard let tenant = try await store.read({ try $0.tenant(id) }) else { throw DirectoryError.notFound(entity: "tenant") }
        return tenant
    }
}

/// Serializes records for the audit log with secrets removed.
enum AuditJSON {
    /// Keys as the API spells them (`tenantId`, `overflowQueueId`: a trailing "ID" becomes "Id"); ids are
    /// lower-case (`Identifier` encodes so).
    static func encode(_ value: some Encodable) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .custom { path in
            let key = path.last?.stringValue ?? ""
            return AuditKey(stringValue: key.hasSuffix("ID") ? String(key.dropLast(2)) + "Id" : key)
        }
        guard let data = try? encoder.encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    struct AuditKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// A user as the audit log shows it: everything but the password hash.
    static func encode(_ user: User) -> String? {
        encode(AuditedUser(user))
    }

    private struct AuditedUser: Encodable {
        let user: User
        init(_ user: User) { self.user = user }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(user.id, forKey: .id)
            try container.encodeIfPresent(user.tenantID, forKey: .tenantID)
            try container.encode(user.name, forKey: .name)
            try container.encode(user.email, forKey: .email)
            try container.encode(user.role, forKey: .role)
            try container.encodeIfPresent(user.extension, forKey: .extension)
            try container.encode(user.webrtcEnabled, forKey: .webrtcEnabled)
            try container.encode(user.omnichannelEnabled, forKey: .omnichannelEnabled)
            try container.encode(user.emailVerified, forKey: .emailVerified)
            try container.encode(user.selfManaged, forKey: .selfManaged)
            try container.encode(user.language, forKey: .language)
            try container.encode(user.passwordHash != nil, forKey: .hasPassword)
        }
        enum Key: String, CodingKey {
            case id, tenantID, name, email, role, `extension`, webrtcEnabled, omnichannelEnabled, emailVerified, selfManaged, language, hasPassword
        }
    }
}
