import Directory
import Foundation
import Hummingbird
import Mail

/// Support-only view of the mail outbox: what is waiting or dead-lettered, and a resend of one
/// message (issue 5: dead letters are "visible to support through the API, and re-sendable").
struct OutboxRoutes {
    let store: any DirectoryStore
    let worker: OutboxWorker
    let directory: DirectoryService

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1")

        api.get("outbox") { request, context in
            try requireSupport(context)
            let statusText = request.uri.queryParameters.get("status") ?? "dead"
            guard let status = DeliveryStatus(rawValue: statusText), status != .sent else {
                throw APIError.badRequest(field: "status", reason: "expected dead or pending")
            }
            let limit = try limit(request)
            let rows = try await store.read { db in try db.outbox(status: status, limit: limit) }
            return try JSONResponse.make(rows.map(OutboxMessageView.init))
        }
        api.post("outbox/:sequence/resend") { _, context in
            try requireSupport(context)
            guard let text = context.parameters.get("sequence"), let sequence = Int64(text) else {
                throw DirectoryError.notFound(entity: "outbox message")
            }
            let row = try await directory.resend(by: try context.requirePrincipal(), sequence: sequence)
            let worker = self.worker
            await worker.resume()
            Task { await worker.drain() }
            return try JSONResponse.make(OutboxMessageView(row), status: .accepted)
        }
    }

    private func requireSupport(_ context: AppRequestContext) throws {
        guard try context.requirePrincipal().role == .support else { throw DirectoryError.forbidden }
    }

    private func limit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return 100 }
        guard let value = Int(text), (1...500).contains(value) else { throw APIError.badRequest(field: "limit", reason: "expected 1...500") }
        return value
    }
}

/// One outbox row as support sees it; never the link (it carries a secret token).
struct OutboxMessageView: Encodable {
    let sequence: Int64?
    let tenantId: String?
    let userId: String
    let kind: String
    let recipient: String
    let language: String
    let status: String
    let attempts: Int
    let lastError: String?
    let createdAt: Date
    let sentAt: Date?

    init(_ m: OutboxMessage) {
        sequence = m.sequence
        tenantId = m.tenantID?.description
        userId = m.userID.description
        kind = m.kind.rawValue
        recipient = m.recipient
        language = m.language.rawValue
        status = m.status.rawValue
        attempts = m.attempts
        lastError = m.lastError
        createdAt = m.createdAt
        sentAt = m.sentAt
    }
}
