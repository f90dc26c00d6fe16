import Directory
import Foundation
import Hummingbird
import Prometheus

/// Routes that need no session: health, metrics, the OpenAPI document, login, and the pages and
/// endpoints behind the e-mailed links.
struct PublicRoutes {
    let directory: DirectoryService
    let metrics: PrometheusCollectorRegistry
    let proxies: [IPNetwork]

    func register(on router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            metrics.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        router.get("/api/v1/openapi.yaml") { _, _ in
            guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"), let data = try? Data(contentsOf: url) else {
                throw APIError(status: .notFound, code: "not_found") { _ in "openapi.yaml is missing from this build" }
            }
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.post("/api/v1/auth/login") { request, context in
            let body = try await JSONBody.decode(LoginRequest.self, from: request, context: context)
            let result = try await directory.login(email: body.email, password: body.password, tenantSlug: body.tenant, clientAddress: context.clientAddress(request, trusting: proxies))
            return try JSONResponse.make(LoginView(token: result.token, expiresAt: result.expiresAt, user: UserView(result.user)))
        }
        router.post("/api/v1/auth/logout") { request, context in
            _ = try context.requirePrincipal()
            if let header = request.headers[.authorization], let token = header.split(separator: " ").last {
                try await directory.logout(token: String(token))
            }
            return Response(status: .noContent)
        }
        router.post("/api/v1/password-reset/complete") { request, context in
            let body = try await JSONBody.decode(TokenPasswordRequest.self, from: request, context: context)
            try await directory.completePasswordReset(token: body.token, newPassword: body.password)
            return Response(status: .noContent)
        }
        router.post("/api/v1/email-confirmation") { request, context in
            let body = try await JSONBody.decode(TokenRequest.self, from: request, context: context)
            try await directory.confirmEmail(token: body.token)
            return Response(status: .noContent)
        }
        router.get("/reset-password") { _, _ in LinkPages.html(LinkPages.resetPassword) }
        router.get("/confirm-email") { _, _ in LinkPages.html(LinkPages.confirmEmail) }
    }
}

struct LoginView: Encodable {
    let token: String
    let expiresAt: Date
    let user: UserView
}
