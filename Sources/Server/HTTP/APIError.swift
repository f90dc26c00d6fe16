import Directory
import Foundation
import Hummingbird

/// The one error shape of the API: `{"error": {"code", "message", "field"?, ...}}` with the message
/// in the caller's language (`Accept-Language`, pt-BR by default).
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let field: String?
    let details: [String: [String]]
    let message: @Sendable (Language) -> String
    var headers: HTTPFields = [:]

    init(status: HTTPResponse.Status, code: String, field: String? = nil, details: [String: [String]] = [:], message: @escaping @Sendable (Language) -> String) {
        self.status = status
        self.code = code
        self.field = field
        self.details = details
        self.message = message
    }

    init(_ error: DirectoryError) {
        var details: [String: [String]] = [:]
        switch error {
        case .weakPassword(let violations): details["violations"] = violations.map(\.rawValue)
        case .notReady(let unmet): details["unmet"] = unmet.map(\.rawValue)
        case .confirmationRequired: details["warning"] = [DirectoryError.editWarningPt, DirectoryError.editWarningEn]
        case .selfManaged: details["notice"] = [DirectoryError.selfManagedPt, DirectoryError.selfManagedEn]
        default: break
        }
        self.init(status: Self.status(for: error), code: error.code, field: error.field, details: details) { error.message(in: $0) }
        if case .tooManyAttempts(let seconds) = error { headers[.retryAfter] = String(seconds) }
        if case .busy = error { headers[.retryAfter] = "1" }
    }

    /// Hummingbird's own errors (no route, wrong method, body too large, unreadable request) in the API's shape.
    init(_ error: HTTPError) {
        let status = error.status
        let (code, pt, en): (String, String, String) = switch status.code {
        case 404: ("not_found", "Recurso não encontrado.", "Not found.")
        case 405: ("method_not_allowed", "Método não permitido neste recurso.", "Method not allowed on this resource.")
        case 413: ("too_large", "O corpo da requisição é grande demais.", "The request body is too large.")
        case 400..<500: ("invalid_request", "Requisição inválida.", "Invalid request.")
        default: ("internal_error", "Erro interno. Tente novamente.", "Internal error. Try again.")
        }
        self.init(status: status, code: code) { $0 == .ptBR ? pt : en }
        headers = error.headers
    }

    static func status(for error: DirectoryError) -> HTTPResponse.Status {
        switch error {
        case .unauthenticated, .invalidCredentials, .externalLoginFailed, .unknownExternalUser: .unauthorized
        case .identityProviderUnavailable: .notFound
        case .forbidden, .selfManaged, .emailNotVerified, .notReady: .forbidden
        case .notFound: .notFound
        case .invalidField, .weakPassword, .invalidToken, .tokenExpired, .tenantRequired, .passwordNotSet: .badRequest
        case .webrtcRequired: .unprocessableContent
        case .confirmationRequired, .emailTaken, .extensionTaken, .slugTaken, .conflict: .conflict
        case .tooManyAttempts: .tooManyRequests
        case .busy: .serviceUnavailable
        }
    }

    static func badRequest(field: String?, reason: String) -> APIError {
        APIError(status: .badRequest, code: field == nil ? "invalid_request" : "invalid_field", field: field) { language in
            let target = field.map { language == .ptBR ? "Campo inválido '\($0)'" : "Invalid field '\($0)'" }
                ?? (language == .ptBR ? "Requisição inválida" : "Invalid request")
            return "\(target): \(FieldReasons.text(reason, in: language))."
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let language = Language.negotiate(acceptLanguage: request.headers[.acceptLanguage])
        var body: [String: JSONValue] = ["code": .string(code), "message": .string(message(language))]
        if let field { body["field"] = .string(field) }
        for (key, values) in details { body[key] = .array(values.map(JSONValue.string)) }
        var response = try JSONResponse.make(["error": JSONValue.object(body)], status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}
