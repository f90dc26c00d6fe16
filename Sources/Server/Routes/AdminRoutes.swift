import Directory
import Foundation
import Hummingbird

/// The authenticated admin API under `/api/v1`: tenants, users, queues, memberships, audit, `/me`.
struct AdminRoutes {
    let directory: DirectoryService

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1")

        api.get("me") { _, context in
            try JSONResponse.make(ProfileView(try await directory.profile(of: try context.requirePrincipal())))
        }
        api.post("me/queues/:queueId/login") { _, context in
            try await queueLogin(context, loggedIn: true)
        }
        api.post("me/queues/:queueId/logout") { _, context in
            try await queueLogin(context, loggedIn: false)
        }

        api.get("tenants") { _, context in
            try JSONResponse.make(try await directory.tenants(for: try context.requirePrincipal()).map(TenantView.init))
        }
        api.post("tenants") { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(CreateTenantRequest.self, from: request, context: context)
            return try JSONResponse.make(TenantView(try await directory.createTenant(by: principal, slug: body.slug, name: body.name)), status: .created)
        }
        api.get("tenants/:tenantId") { _, context in
            let principal = try context.requirePrincipal()
            return try JSONResponse.make(TenantView(try await directory.tenant(try id(context, "tenantId"), for: principal)))
        }

        api.get("users") { request, context in
            let principal = try context.requirePrincipal()
            let tenant = try Self.tenantScope(request, principal)
            return try JSONResponse.make(try await directory.users(in: tenant, for: principal).map(UserView.init))
        }
        api.post("users") { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(CreateUserRequest.self, from: request, context: context)
            return try JSONResponse.make(UserView(try await directory.createUser(by: principal, body.input)), status: .created)
        }
        api.get("users/:userId") { _, context in
            let principal = try context.requirePrincipal()
            return try JSONResponse.make(UserView(try await directory.user(try id(context, "userId"), for: principal)))
        }
        api.patch("users/:userId") { request, context in
            let principal = try context.requirePrincipal()
            let userID: UserID = try id(context, "userId")
            let body = try await JSONBody.decode(UpdateUserRequest.self, from: request, context: context)
            let confirm = try flag(request, "confirm")
            return try JSONResponse.make(UserView(try await directory.updateUser(by: principal, id: userID, body.edit, confirm: confirm)))
        }
        api.delete("users/:userId") { _, context in
            let principal = try context.requirePrincipal()
            try await directory.deleteUser(by: principal, id: try id(context, "userId"))
            return Response(status: .noContent)
        }
        api.post("users/:userId/reset-password") { _, context in
            let principal = try context.requirePrincipal()
            try await directory.requestPasswordReset(by: principal, id: try id(context, "userId"))
            return Response(status: .accepted)
        }
        api.post("users/:userId/set-password") { request, context in
            let principal = try context.requirePrincipal()
            let userID: UserID = try id(context, "userId")
            let body = try await JSONBody.decode(PasswordRequest.self, from: request, context: context)
            try await directory.setPassword(by: principal, id: userID, password: body.password)
            return Response(status: .noContent)
        }

        api.get("queues") { request, context in
            let principal = try context.requirePrincipal()
            return try JSONResponse.make(try await directory.queues(in: try Self.tenantScope(request, principal), for: principal).map(QueueView.init))
        }
        api.post("queues") { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(CreateQueueRequest.self, from: request, context: context)
            guard let tenant = body.tenantId ?? principal.tenantID else { throw APIError.badRequest(field: "tenantId", reason: "is required") }
            let settings = body.settings?.applied(to: QueueSettings()) ?? QueueSettings()
            let queue = try await directory.createQueue(by: principal, tenantID: tenant, name: body.name, channel: body.channel, settings: settings)
            return try JSONResponse.make(QueueView(queue), status: .created)
        }
        api.get("queues/:queueId") { _, context in
            let principal = try context.requirePrincipal()
            return try JSONResponse.make(QueueView(try await directory.queue(try id(context, "queueId"), for: principal)))
        }
        api.patch("queues/:queueId") { request, context in
            let principal = try context.requirePrincipal()
            let queueID: QueueID = try id(context, "queueId")
            let body = try await JSONBody.decode(UpdateQueueRequest.self, from: request, context: context)
            let current = try await directory.queue(queueID, for: principal)
            let queue = try await directory.updateQueue(by: principal, id: queueID, name: body.name, settings: body.settings?.applied(to: current.settings))
            return try JSONResponse.make(QueueView(queue))
        }
        api.delete("queues/:queueId") { _, context in
            let principal = try context.requirePrincipal()
            try await directory.deleteQueue(by: principal, id: try id(context, "queueId"))
            return Response(status: .noContent)
        }
        api.get("queues/:queueId/members") { _, context in
            let principal = try context.requirePrincipal()
            return try JSONResponse.make(try await directory.memberships(of: try id(context, "queueId"), for: principal).map(MembershipView.init))
        }
        api.put("queues/:queueId/members/:userId") { request, context in
            let principal = try context.requirePrincipal()
            let queueID: QueueID = try id(context, "queueId")
            let userID: UserID = try id(context, "userId")
            let body = try await JSONBody.decode(MembershipRequest.self, from: request, context: context)
            let membership = try await directory.link(by: principal, queue: queueID, user: userID, level: body.level ?? 1, position: body.position ?? 0)
            return try JSONResponse.make(MembershipView(membership))
        }
        api.delete("queues/:queueId/members/:userId") { _, context in
            let principal = try context.requirePrincipal()
            try await directory.unlink(by: principal, queue: try id(context, "queueId"), user: try id(context, "userId"))
            return Response(status: .noContent)
        }

        api.get("audit") { request, context in
            let principal = try context.requirePrincipal()
            let tenant = try Self.tenantScope(request, principal)
            let limit = try integer(request, "limit") ?? 100
            let before = try integer(request, "before").map(Int64.init)
            return try JSONResponse.make(try await directory.audit(tenant: tenant, for: principal, limit: limit, before: before).map(AuditView.init))
        }
    }

    private func queueLogin(_ context: AppRequestContext, loggedIn: Bool) async throws -> Response {
        let principal = try context.requirePrincipal()
        let membership = try await directory.setQueueLogin(by: principal, queue: try id(context, "queueId"), loggedIn: loggedIn)
        return try JSONResponse.make(MembershipView(membership))
    }

    /// A path parameter that must be a UUID; anything else is a 404 (no such record).
    private func id<T>(_ context: AppRequestContext, _ name: String) throws -> Identifier<T> {
        guard let text = context.parameters.get(name), let id = Identifier<T>(text) else {
            throw DirectoryError.notFound(entity: String(name.dropLast(2)))
        }
        return id
    }

    /// The tenant a listing is about: `?tenantId=` (support must give it) or the caller's own.
    static func tenantScope(_ request: Request, _ principal: Principal) throws -> TenantID {
        if let text = request.uri.queryParameters.get("tenantId") {
            guard let tenant = TenantID(text) else { throw APIError.badRequest(field: "tenantId", reason: "not a UUID") }
            return tenant
        }
        guard let own = principal.tenantID else { throw APIError.badRequest(field: "tenantId", reason: "is required") }
        return own
    }

    private func flag(_ request: Request, _ name: String) throws -> Bool {
        guard let text = request.uri.queryParameters.get(name) else { return false }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError.badRequest(field: name, reason: "expected true or false")
        }
    }

    private func integer(_ request: Request, _ name: String) throws -> Int? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text), value >= 0 else { throw APIError.badRequest(field: name, reason: "expected a non-negative integer") }
        return value
    }
}
