import Directory
import Foundation
import Hummingbird
import Logging

/// One log line per request — method, path (never the query, which may carry tokens), status,
/// duration — and every error turned into the API's JSON shape. Nothing a client sends becomes a 500
/// without a log line saying why.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let status: HTTPResponse.Status
        do {
            let response = try await next(request, context)
            status = response.status
            log(request, status: status, since: start)
            return response
        } catch let error as DirectoryError {
            let apiError = APIError(error)
            log(request, status: apiError.status, since: start)
            throw apiError
        } catch let error as HTTPResponseError {
            log(request, status: error.status, since: start)
            throw error
        } catch {
            logger.error("unhandled error", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(type(of: error))"])
            log(request, status: .internalServerError, since: start)
            throw APIError(status: .internalServerError, code: "internal_error") { language in
                language == .ptBR ? "Erro interno. Tente novamente." : "Internal error. Try again."
            }
        }
    }

    private func log(_ request: Request, status: HTTPResponse.Status, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info("\(request.method) \(request.uri.path) \(status.code) \(String(format: "%.1f", ms))ms")
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
