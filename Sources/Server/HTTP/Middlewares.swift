import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// One log line per request — method, path (never the query, which may carry tokens), status,
/// duration — and every error turned into the API's JSON shape, unknown routes and methods included
/// (`{"error":{"code","message"}}`). Nothing a client sends becomes a 500 without a log line saying why.
/// Errors become responses here, so the middlewares outside this one see every response.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as DirectoryError {
            response = try APIError(error).response(from: request, context: context)
        } catch let error as APIError {
            response = try error.response(from: request, context: context)
        } catch let error as HTTPError {
            response = try APIError(error).response(from: request, context: context)
        } catch let error as HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            logger.error("unhandled error", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(type(of: error))"])
            response = try APIError(status: .internalServerError, code: "internal_error") { language in
                language == .ptBR ? "Erro interno. Tente novamente." : "Internal error. Try again."
            }.response(from: request, context: context)
        }
        log(request, status: response.status, since: start)
        return response
    }

    private func log(_ request: Request, status: HTTPResponse.Status, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info("\(request.method) \(request.uri.path) \(status.code) \(String(format: "%.1f", ms))ms")
    }
}

/// Headers every response carries: `X-Content-Type-Options: nosniff`, and a Content-Security-Policy
/// that allows nothing unless the response brought its own (the pages behind e-mailed links do).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let contentSecurityPolicy = HTTPField.Name("Content-Security-Policy")!
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let defaultPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.contentTypeOptions] = "nosniff"
        if response.headers[Self.contentSecurityPolicy] == nil { response.headers[Self.contentSecurityPolicy] = Self.defaultPolicy }
        return response
    }
}

/// Reads `Authorization: Bearer <token>` and sets the principal; routes decide whether one is needed.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let directory: DirectoryService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].count <= 256 else { throw DirectoryError.unauthenticated }
            context.principal = try await directory.authenticate(token: String(parts[1]))
        } else if request.uri.path.hasSuffix("/ws"), let token = request.uri.queryParameters.get("access_token") {
            // Browsers cannot set headers on a WebSocket: the workspace passes its session token in the
            // query. The request log prints paths only, so it is not written anywhere.
            guard token.count <= 256 else { throw DirectoryError.unauthenticated }
            context.principal = try await directory.authenticate(token: token)
        }
        return try await next(request, context)
    }
}
