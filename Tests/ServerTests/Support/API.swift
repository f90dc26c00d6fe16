import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A JSON response: status, headers and the parsed body.
struct Reply: @unchecked Sendable {  // JSONSerialization trees are immutable once parsed.
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: Any?
    let raw: String

    var object: [String: Any] { body as? [String: Any] ?? [:] }
    var array: [[String: Any]] { body as? [[String: Any]] ?? [] }
    subscript(key: String) -> Any? { object[key] }
    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (object["error"] as? [String: Any])?["message"] as? String }
    var errorField: String? { (object["error"] as? [String: Any])?["field"] as? String }
    func string(_ key: String) -> String { object[key] as? String ?? "" }
}

/// Speaks JSON to the server through a Hummingbird test client, with helpers for the admin flow.
struct API: Sendable {
    let client: any TestClientProtocol
    let system: TestSystem

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: [String: Any]? = nil, raw: String? = nil, language: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let language { headers[.acceptLanguage] = language }
        var body: ByteBuffer?
        if let json { body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)) }
        if let raw { body = ByteBuffer(string: raw) }
        return try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            let text = String(buffer: response.body)
            let parsed = text.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            return Reply(status: response.status, headers: response.headers, body: parsed, raw: text)
        }
    }

    func login(_ email: String, _ password: String, tenant: String? = nil) async throws -> String {
        var json: [String: Any] = ["email": email, "password": password]
        if let tenant { json["tenant"] = tenant }
        let reply = try await send(.post, "/api/v1/auth/login", json: json)
        #expect(reply.status == .ok, "login of \(email) failed: \(reply.raw)")
        return reply.string("token")
    }

    func supportToken() async throws -> String { try await login(TestSystem.supportEmail, TestSystem.supportPassword) }

    /// Support creates a tenant; returns its id.
    func tenant(_ slug: String, support: String) async throws -> String {
        let reply = try await send(.post, "/api/v1/tenants", token: support, json: ["slug": slug, "name": "Tenant \(slug)"])
        #expect(reply.status == .created, "\(reply.raw)")
        return reply.string("id")
    }

    /// Support creates a user; returns the reply.
    func createUser(support: String, tenant: String?, email: String, role: String = "agent", extra: [String: Any] = [:]) async throws -> Reply {
        var json: [String: Any] = ["name": "User \(email)", "email": email, "role": role]
        if let tenant { json["tenantId"] = tenant }
        json.merge(extra) { $1 }
        return try await send(.post, "/api/v1/users", token: support, json: json)
    }

    /// Takes a created user through the e-mailed links: reset → set password → confirm e-mail. Returns a session token.
    func activate(email: String, password: String, tenant: String? = nil) async throws -> String {
        let reset = try await system.token(for: email, page: "reset-password")
        let done = try await send(.post, "/api/v1/password-reset/complete", json: ["token": reset, "password": password])
        #expect(done.status == .noContent, "\(done.raw)")
        let confirm = try await system.token(for: email, page: "confirm-email")
        let confirmed = try await send(.post, "/api/v1/email-confirmation", json: ["token": confirm])
        #expect(confirmed.status == .noContent, "\(confirmed.raw)")
        return try await login(email, password, tenant: tenant)
    }

    /// A tenant with an admin who can log in; returns (tenantId, adminToken).
    func tenantWithAdmin(_ slug: String, support: String) async throws -> (tenant: String, admin: String) {
        let tenant = try await tenant(slug, support: support)
        let email = "admin@\(slug).test"
        let created = try await createUser(support: support, tenant: tenant, email: email, role: "admin")
        #expect(created.status == .created, "\(created.raw)")
        return (tenant, try await activate(email: email, password: "Adm1n!pass"))
    }
}
