import Directory
import Foundation
import Hummingbird
import Identity

/// Microsoft Entra ID: per-tenant configuration (admins) and the login button's two endpoints.
struct IdentityRoutes {
    let directory: DirectoryService
    let entra: EntraLogin
    let secretBox: SecretBox

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/identity-provider") { request, context in
            let principal = try context.requirePrincipal()
            let tenant = try AdminRoutes.tenantScope(request, principal)
            guard let settings = try await directory.identityProvider(tenant: tenant, for: principal) else {
                throw DirectoryError.notFound(entity: "identity provider")
            }
            return try JSONResponse.make(IdentityProviderView(settings))
        }
        router.put("/api/v1/identity-provider") { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(IdentityProviderRequest.self, from: request, context: context)
            guard let tenant = body.tenantId ?? principal.tenantID else { throw APIError.badRequest(field: "tenantId", reason: "is required") }
            if let secret = body.clientSecret, secret.isEmpty || secret.count > 1024 {
                throw APIError.badRequest(field: "clientSecret", reason: "1-1024 characters")
            }
            let input = IdentityProviderInput(
                directoryID: body.directoryId, clientID: body.clientId, sealedClientSecret: try body.clientSecret.map(secretBox.seal),
                enabled: body.enabled, selfManagedScope: body.selfManagedScope ?? .markedUsers, authorityBaseURL: body.authorityBaseUrl,
                emailMatching: body.emailMatching)
            return try JSONResponse.make(IdentityProviderView(try await directory.configureIdentityProvider(by: principal, tenant: tenant, input)))
        }
        router.put("/api/v1/users/:userId/external-identity") { request, context in
            let principal = try context.requirePrincipal()
            guard let text = context.parameters.get("userId"), let user = UserID(text) else { throw DirectoryError.notFound(entity: "user") }
            let body = try await JSONBody.decode(ExternalIdentityRequest.self, from: request, context: context)
            _ = try await directory.setExternalIdentity(by: principal, user: user, objectID: body.objectId)
            return try JSONResponse.make(ExternalIdentityView(objectId: body.objectId.lowercased()))
        }
        router.delete("/api/v1/users/:userId/external-identity") { _, context in
            let principal = try context.requirePrincipal()
            guard let text = context.parameters.get("userId"), let user = UserID(text) else { throw DirectoryError.notFound(entity: "user") }
            _ = try await directory.setExternalIdentity(by: principal, user: user, objectID: nil)
            return Response(status: .noContent)
        }
        router.get("/auth/microsoft/start") { request, _ in
            guard let slug = request.uri.queryParameters.get("tenant"), FieldRules.isValidSlug(slug) else {
                throw APIError.badRequest(field: "tenant", reason: "the account's handle is required")
            }
            let location = try await entra.start(tenantSlug: slug)
            return Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
        }
        router.get("/auth/microsoft/callback") { request, _ in
            let query = request.uri.queryParameters
            if let error = query.get("error") {
                let text = String(error.prefix(64))
                throw DirectoryError.externalLoginFailed(reason: "the identity provider answered '\(text)'")
            }
            guard let code = query.get("code"), let state = query.get("state") else {
                throw APIError.badRequest(field: query.get("code") == nil ? "code" : "state", reason: "is required")
            }
            let result = try await entra.callback(code: code, state: state)
            return try JSONResponse.make(LoginView(token: result.token, expiresAt: result.expiresAt, user: UserView(result.user)))
        }
    }
}

struct IdentityProviderRequest: Decodable {
    let tenantId: TenantID?
    let directoryId: String
    let clientId: String
    let clientSecret: String?
    let enabled: Bool
    let selfManagedScope: SelfManagedScope?
    let authorityBaseUrl: String?
    let emailMatching: Bool?
}

struct ExternalIdentityRequest: Decodable {
    let objectId: String
}

struct ExternalIdentityView: Encodable {
    let objectId: String
}

/// The settings as admins see them: never the secret, only whether one is stored.
struct IdentityProviderView: Encodable {
    let tenantId: String
    let directoryId: String
    let clientId: String
    let hasClientSecret: Bool
    let enabled: Bool
    let selfManagedScope: String
    let authorityBaseUrl: String
    let emailMatching: Bool
    let updatedAt: Date

    init(_ s: IdentityProviderSettings) {
        tenantId = s.tenantID.description
        directoryId = s.directoryID
        clientId = s.clientID
        hasClientSecret = !s.sealedClientSecret.isEmpty
        enabled = s.enabled
        selfManagedScope = s.selfManagedScope.rawValue
        authorityBaseUrl = s.authorityBaseURL
        emailMatching = s.emailMatching
        updatedAt = s.updatedAt
    }
}
