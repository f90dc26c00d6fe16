import Channels
import Directory
import Foundation
import Hummingbird
import Identity
import Storage

/// Administration of the chat entry points (issue 6): web chat sites, WhatsApp business numbers and
/// business hours per chat queue. Admins of the tenant (and support) only; tokens never leave sealed.
struct ChannelAdminRoutes {
    let directory: DirectoryService
    let store: SQLiteConversationStore
    let secretBox: SecretBox
    let publicBaseURL: String
    let now: @Sendable () -> Date
    let routing: RoutingBridge
    let numbers: WhatsAppNumberVerifier

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/agents/:userId/capacity") { _, context in
            let (user, _) = try await administeredAgent(context)
            return try JSONResponse.make(try await store.read { try $0.capacity(user: user.id) } ?? AgentCapacity())
        }
        router.put("/api/v1/agents/:userId/capacity") { request, context in
            let (user, tenant) = try await administeredAgent(context)
            let body = try await JSONBody.decode(AgentCapacity.self, from: request, context: context)
            for (field, value, limit) in [("voice", body.voice, 1), ("webchat", body.webchat, 20), ("whatsapp", body.whatsapp, 20)] where !(0...limit).contains(value) {
                throw APIError.badRequest(field: field, reason: "0-\(limit)")
            }
            let before = try await store.read { try $0.capacity(user: user.id) }
            let entry = AuditEntry(tenantID: tenant, actorID: try context.requirePrincipal().userID, action: "agent.capacity_set", entity: "user",
                                   entityID: user.id.description, before: before.map(Self.json), after: Self.json(body), at: now())
            try await store.write { db in
                try db.setCapacity(user: user.id, body)
                try db.audit(entry)
            }
            try? await routing.refreshAgent(user.id, tenant: tenant)
            return try JSONResponse.make(body)
        }
        router.post("/api/v1/chat-sites") { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(ChatSiteRequest.self, from: request, context: context)
            let queue = try await adminQueue(body.queueId, principal, channel: .webchat)
            guard FieldRules.isValidName(body.name) else { throw APIError.badRequest(field: "name", reason: "1-120 characters") }
            let origins = try Self.origins(body.allowedOrigins ?? [])
            let site = ChatSite(tenantID: queue.tenantID, queueID: queue.id, siteKey: ContactCenter.newToken().prefix(32).description,
                                name: body.name, allowedOrigins: origins, createdAt: now())
            let entry = AuditEntry(tenantID: queue.tenantID, actorID: principal.userID, action: "chat_site.created", entity: "chat_site",
                                   entityID: site.id.uuidString.lowercased(), before: nil, after: Self.auditView(site), at: now())
            try await store.write { db in
                try db.insert(site)
                try db.audit(entry)
            }
            return try JSONResponse.make(ChatSiteView(site, base: publicBaseURL), status: .created)
        }
        router.put("/api/v1/chat-sites/:siteId") { request, context in
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("siteId").flatMap(UUID.init(uuidString:)),
                  let before = try await store.read({ try $0.chatSite(id: id) }), principal.canSee(tenant: before.tenantID) else {
                throw DirectoryError.notFound(entity: "chat site")
            }
            guard principal.canAdminister(tenant: before.tenantID) else { throw DirectoryError.forbidden }
            let body = try await JSONBody.decode(ChatSiteUpdate.self, from: request, context: context)
            var site = before
            if let name = body.name {
                guard FieldRules.isValidName(name) else { throw APIError.badRequest(field: "name", reason: "1-120 characters") }
                site.name = name
            }
            if let origins = body.allowedOrigins { site.allowedOrigins = try Self.origins(origins) }
            let entry = AuditEntry(tenantID: site.tenantID, actorID: principal.userID, action: "chat_site.updated", entity: "chat_site",
                                   entityID: site.id.uuidString.lowercased(), before: Self.auditView(before), after: Self.auditView(site), at: now())
            let updated = site
            try await store.write { db in
                try db.update(updated)
                try db.audit(entry)
            }
            return try JSONResponse.make(ChatSiteView(updated, base: publicBaseURL))
        }
        router.get("/api/v1/chat-sites") { request, context in
            let principal = try context.requirePrincipal()
            let tenant = try AdminRoutes.tenantScope(request, principal)
            guard principal.canSee(tenant: tenant) else { throw DirectoryError.notFound(entity: "tenant") }
            guard principal.canAdminister(tenant: tenant) else { throw DirectoryError.forbidden }
            let sites = try await store.read { try $0.chatSites(tenant: tenant) }
            return try JSONResponse.make(["sites": sites.map { ChatSiteView($0, base: publicBaseURL) }])
        }
        router.put("/api/v1/whatsapp-numbers/:phoneNumberId") { request, context in
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("phoneNumberId"), (1...64).contains(id.count), id.allSatisfy(\.isNumber) else {
                throw APIError.badRequest(field: "phoneNumberId", reason: "Meta's numeric phone number id")
            }
            let body = try await JSONBody.decode(WhatsAppNumberRequest.self, from: request, context: context)
            let queue = try await adminQueue(body.queueId, principal, channel: .whatsapp)
            guard (1...4096).contains(body.accessToken.count) else { throw APIError.badRequest(field: "accessToken", reason: "1-4096 characters") }
            let minutes = body.stickyWindowMinutes ?? 24 * 60
            guard (0...43_200).contains(minutes) else { throw APIError.badRequest(field: "stickyWindowMinutes", reason: "0-43200") }
            let existing = try await store.read({ try $0.whatsAppNumber(id) })
            if let existing, existing.tenantID != queue.tenantID {
                throw DirectoryError.conflict(reason: "this phone number id belongs to another account")
            }
            // Meta must let this token read this number: proof that the business owns it.
            let verifiedName: String?
            switch await numbers.verify(phoneNumberID: id, accessToken: body.accessToken) {
            case .owned(_, let name):
                verifiedName = name
            case .notOwned(let reason):
                throw APIError(status: .unprocessableContent, code: "whatsapp_number_not_owned", field: "accessToken") { language in
                    language == .ptBR ? "O token não dá acesso a este número no WhatsApp (Meta: \(reason))."
                        : "The token does not give access to this WhatsApp number (Meta: \(reason))."
                }
            case .unreachable(let reason):
                throw APIError(status: .badGateway, code: "whatsapp_unreachable") { language in
                    language == .ptBR ? "Não foi possível confirmar o número com a Meta agora (\(reason)). Tente novamente."
                        : "The number could not be confirmed with Meta right now (\(reason)). Try again."
                }
            }
            let number = WhatsAppNumber(
                phoneNumberID: id, tenantID: queue.tenantID, queueID: queue.id, displayName: body.displayName ?? verifiedName ?? id,
                accessTokenSealed: Data(try secretBox.seal(body.accessToken).utf8), stickyWindowSeconds: minutes * 60, createdAt: existing?.createdAt ?? now())
            let tokenChanged = existing.map { (try? secretBox.open(String(decoding: $0.accessTokenSealed, as: UTF8.self))) != body.accessToken } ?? false
            let action = existing == nil ? "whatsapp_number.linked" : tokenChanged ? "whatsapp_number.token_replaced" : "whatsapp_number.updated"
            let entry = AuditEntry(
                tenantID: queue.tenantID, actorID: principal.userID, action: action, entity: "whatsapp_number", entityID: id,
                before: existing.map { Self.auditView($0) }, after: Self.auditView(number), at: now())
            let saved = try await store.write { db -> Bool in
                guard try db.upsert(number) else { return false }
                try db.audit(entry)
                return true
            }
            guard saved else { throw DirectoryError.conflict(reason: "this phone number id belongs to another account") }
            return try JSONResponse.make(WhatsAppNumberView(number))
        }
        router.get("/api/v1/whatsapp-numbers") { request, context in
            let principal = try context.requirePrincipal()
            let tenant = try AdminRoutes.tenantScope(request, principal)
            guard principal.canSee(tenant: tenant) else { throw DirectoryError.notFound(entity: "tenant") }
            guard principal.canAdminister(tenant: tenant) else { throw DirectoryError.forbidden }
            let numbers = try await store.read { try $0.whatsAppNumbers(tenant: tenant) }
            return try JSONResponse.make(["numbers": numbers.map(WhatsAppNumberView.init)])
        }
        router.get("/api/v1/queues/:queueId/business-hours") { _, context in
            let principal = try context.requirePrincipal()
            let queue = try await adminQueue(context.parameters.get("queueId") ?? "", principal, channel: nil)
            guard let json = try await store.read({ try $0.businessHours(queue: queue.id) }) else {
                return try JSONResponse.make(BusinessHours.always)
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        router.put("/api/v1/queues/:queueId/business-hours") { request, context in
            let principal = try context.requirePrincipal()
            let queue = try await adminQueue(context.parameters.get("queueId") ?? "", principal, channel: nil)
            guard queue.channel != .voice else { throw APIError.badRequest(field: "queueId", reason: "business hours apply to chat queues") }
            let hours = try await JSONBody.decode(BusinessHours.self, from: request, context: context)
            do { try hours.validate() } catch let error as BusinessHoursError { throw APIError.badRequest(field: nil, reason: error.reason) }
            try await setBusinessHours(queue, String(decoding: try JSONEncoder().encode(hours), as: UTF8.self), by: principal)
            return try JSONResponse.make(hours)
        }
        router.delete("/api/v1/queues/:queueId/business-hours") { _, context in
            let principal = try context.requirePrincipal()
            let queue = try await adminQueue(context.parameters.get("queueId") ?? "", principal, channel: nil)
            try await setBusinessHours(queue, nil, by: principal)
            return Response(status: .noContent)
        }
    }

    /// Stores (or, with nil, removes) a queue's business hours with its audit entry, in one transaction.
    private func setBusinessHours(_ queue: Queue, _ json: String?, by principal: Principal) async throws {
        let before = try await store.read { try $0.businessHours(queue: queue.id) }
        let entry = AuditEntry(tenantID: queue.tenantID, actorID: principal.userID,
                               action: json == nil ? "queue.business_hours_removed" : "queue.business_hours_set", entity: "queue",
                               entityID: queue.id.description, before: before, after: json, at: now())
        try await store.write { db in
            try db.setBusinessHours(queue: queue.id, json: json)
            try db.audit(entry)
        }
    }

    /// Allowed origins as `scheme://host[:port]`, lower-cased: at most 20, http(s) only, no path.
    static func origins(_ list: [String]) throws -> [String] {
        guard list.count <= 20 else { throw APIError.badRequest(field: "allowedOrigins", reason: "at most 20 origins") }
        return try list.map { text in
            guard let url = URLComponents(string: text.trimmingCharacters(in: .whitespaces)), let scheme = url.scheme?.lowercased(),
                  scheme == "https" || scheme == "http", let host = url.host?.lowercased(), !host.isEmpty,
                  url.path.isEmpty || url.path == "/", url.query == nil, url.fragment == nil, url.user == nil else {
                throw APIError.badRequest(field: "allowedOrigins", reason: "origins look like https://shop.example (no path): '\(text.prefix(80))'")
            }
            return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
        }
    }

    static func auditView(_ site: ChatSite) -> String {
        json(["queueId": site.queueID.description, "name": site.name, "allowedOrigins": site.allowedOrigins.joined(separator: " ")])
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// A number as the audit shows it: never the token.
    static func auditView(_ n: WhatsAppNumber) -> String {
        let fields = ["queueId": n.queueID.description, "displayName": n.displayName, "stickyWindowMinutes": String(n.stickyWindowSeconds / 60),
                      "accessToken": "[sealed]"]
        return String(decoding: (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    /// An agent or supervisor of a tenant the principal administers.
    private func administeredAgent(_ context: AppRequestContext) async throws -> (User, TenantID) {
        let principal = try context.requirePrincipal()
        guard let id = context.parameters.get("userId").flatMap(UserID.init) else { throw DirectoryError.notFound(entity: "user") }
        let user = try await directory.user(id, for: principal)
        guard let tenant = user.tenantID, principal.canAdminister(tenant: tenant) else { throw DirectoryError.forbidden }
        guard user.role == .agent || user.role == .supervisor else { throw APIError.badRequest(field: "userId", reason: "must be an agent or supervisor") }
        return (user, tenant)
    }

    /// A queue the principal administers, optionally of one channel.
    private func adminQueue(_ text: String, _ principal: Principal, channel: Channel?) async throws -> Queue {
        guard let id = QueueID(text) else { throw APIError.badRequest(field: "queueId", reason: "a queue id") }
        let queue = try await directory.queue(id, for: principal)
        guard principal.canAdminister(tenant: queue.tenantID) else { throw DirectoryError.forbidden }
        if let channel, queue.channel != channel {
            throw APIError.badRequest(field: "queueId", reason: "must be a \(channel.rawValue) queue")
        }
        return queue
    }
}

struct ChatSiteRequest: Decodable {
    let queueId: String
    let name: String
    let allowedOrigins: [String]?
}

struct ChatSiteUpdate: Decodable {
    let name: String?
    let allowedOrigins: [String]?
}

struct WhatsAppNumberRequest: Decodable {
    let queueId: String
    let displayName: String?
    let accessToken: String
    let stickyWindowMinutes: Int?
}

struct ChatSiteView: Encodable {
    let id: String, tenantId: String, queueId: String, siteKey: String, name: String, allowedOrigins: [String], snippet: String
    init(_ site: ChatSite, base: String) {
        id = site.id.uuidString.lowercased(); tenantId = site.tenantID.description; queueId = site.queueID.description
        siteKey = site.siteKey; name = site.name; allowedOrigins = site.allowedOrigins
        snippet = "<script src=\"\(base)/webchat/widget.js\" data-site=\"\(site.siteKey)\" async></script>"
    }
}

struct WhatsAppNumberView: Encodable {
    let phoneNumberId: String, tenantId: String, queueId: String, displayName: String, stickyWindowMinutes: Int
    init(_ n: WhatsAppNumber) {
        phoneNumberId = n.phoneNumberID; tenantId = n.tenantID.description; queueId = n.queueID.description
        displayName = n.displayName; stickyWindowMinutes = n.stickyWindowSeconds / 60
    }
}
