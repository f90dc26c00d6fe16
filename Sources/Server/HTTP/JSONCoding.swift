import Foundation
import Hummingbird

/// JSON in and out with errors that name the field a client got wrong.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

enum JSONBody {
    /// Decodes the request body as `T`. Malformed JSON, wrong types, missing fields and unknown enum
    /// values answer 400 naming the field; an oversized body answers 413.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: AppRequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(status: .contentTooLarge, code: "body_too_large") { language in
                language == .ptBR ? "O corpo da requisição excede 64 KiB." : "The request body exceeds 64 KiB."
            }
        }
        guard buffer.readableBytes > 0 else { throw APIError.badRequest(field: nil, reason: "a JSON body is required") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw describe(error)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest(field: nil, reason: "malformed JSON")
        }
    }

    static func describe(_ error: DecodingError) -> APIError {
        func path(_ codingPath: [any CodingKey], _ key: (any CodingKey)? = nil) -> String? {
            let keys = (codingPath + (key.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? nil : keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .badRequest(field: path(context.codingPath, key), reason: "is required")
        case .typeMismatch(let type, let context):
            return .badRequest(field: path(context.codingPath), reason: "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return .badRequest(field: path(context.codingPath), reason: "expected \(typeName(type)), got null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return .badRequest(field: nil, reason: "malformed JSON") }
            return .badRequest(field: path(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return .badRequest(field: nil, reason: "malformed JSON")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type: "an integer"
        case is [Any].Type: "an array"
        default: "a JSON object"
        }
    }
}

/// Decodes a `RawRepresentable` enum and names its allowed values when the client sent another.
protocol StrictEnum: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension StrictEnum {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            let allowed = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown value '\(raw.prefix(40))', expected one of: \(allowed)")
        }
        self = value
    }
}
