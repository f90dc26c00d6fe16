import Directory
import Foundation
import GRDB

/// Identity-provider configuration, linked external subjects and in-flight external logins.
extension SQLiteDirectoryAccess {
    func identityProvider(tenant: TenantID) throws -> IdentityProviderSettings? {
        try Row.fetchOne(db, sql: "SELECT * FROM identity_providers WHERE tenant_id = ?", arguments: [tenant.description]).map { row in
            IdentityProviderSettings(
                tenantID: try Decode.id(row, "tenant_id", "identity_providers"), directoryID: row["directory_id"], clientID: row["client_id"],
                sealedClientSecret: row["sealed_client_secret"], enabled: row["enabled"],
                selfManagedScope: try Decode.value(row, "self_managed_scope", "identity_providers"),
                authorityBaseURL: row["authority_base_url"], emailMatching: row["email_matching"], updatedAt: Decode.date(row, "updated_at"))
        }
    }

    func upsert(_ p: IdentityProviderSettings) throws {
        try db.execute(
            sql: """
                INSERT INTO identity_providers (tenant_id, directory_id, client_id, sealed_client_secret, enabled, self_managed_scope,
                    authority_base_url, email_matching, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(tenant_id) DO UPDATE SET directory_id = excluded.directory_id, client_id = excluded.client_id,
                    sealed_client_secret = excluded.sealed_client_secret, enabled = excluded.enabled,
                    self_managed_scope = excluded.self_managed_scope, authority_base_url = excluded.authority_base_url,
                    email_matching = excluded.email_matching, updated_at = excluded.updated_at
                """,
            arguments: [p.tenantID.description, p.directoryID, p.clientID, p.sealedClientSecret, p.enabled, p.selfManagedScope.rawValue,
                        p.authorityBaseURL, p.emailMatching, p.updatedAt.timeIntervalSince1970])
    }

    func user(tenant: TenantID, externalSubject: String) throws -> User? {
        try Row.fetchOne(
            db, sql: "SELECT users.* FROM external_identities JOIN users ON users.id = external_identities.user_id WHERE external_identities.tenant_id = ? AND subject = ?",
            arguments: [tenant.description, externalSubject]
        ).map(Decode.user)
    }

    func externalSubjects(user: UserID) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT subject FROM external_identities WHERE user_id = ? ORDER BY subject", arguments: [user.description])
    }

    func unlinkExternalSubjects(user: UserID, tenant: TenantID) throws {
        try db.execute(sql: "DELETE FROM external_identities WHERE user_id = ? AND tenant_id = ?", arguments: [user.description, tenant.description])
    }

    func link(externalSubject: String, to user: UserID, tenant: TenantID) throws {
        try db.execute(
            sql: "INSERT INTO external_identities (tenant_id, subject, user_id) VALUES (?, ?, ?) ON CONFLICT(tenant_id, subject) DO UPDATE SET user_id = excluded.user_id",
            arguments: [tenant.description, externalSubject, user.description])
    }

    func insert(_ s: ExternalLoginState) throws {
        try db.execute(
            sql: "INSERT INTO external_login_states (state_hash, tenant_id, nonce, code_verifier, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [s.stateHash, s.tenantID.description, s.nonce, s.codeVerifier, s.createdAt.timeIntervalSince1970, s.expiresAt.timeIntervalSince1970])
        // Old states of abandoned logins are swept as new ones arrive.
        try db.execute(sql: "DELETE FROM external_login_states WHERE expires_at < ?", arguments: [s.createdAt.timeIntervalSince1970 - 3600])
    }

    func consumeExternalLoginState(hash: String) throws -> ExternalLoginState? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM external_login_states WHERE state_hash = ?", arguments: [hash]) else { return nil }
        try db.execute(sql: "DELETE FROM external_login_states WHERE state_hash = ?", arguments: [hash])
        return ExternalLoginState(
            stateHash: row["state_hash"], tenantID: try Decode.id(row, "tenant_id", "external_login_states"), nonce: row["nonce"],
            codeVerifier: row["code_verifier"], createdAt: Decode.date(row, "created_at"), expiresAt: Decode.date(row, "expires_at"))
    }
}
