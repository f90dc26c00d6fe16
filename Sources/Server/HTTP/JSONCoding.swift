import Directory
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
        let data = Data(buffer.readableBytesView)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            // Foundation calls a number that does not fit its field "not valid JSON" with no path: find it.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let (field, reason) = numberProblem(in: data) {
                throw APIError.badRequest(field: field, reason: reason)
            }
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
            return .badRequest(field: path(context.codingPath), reason: readable(context.debugDescription))
        @unknown default:
            return .badRequest(field: nil, reason: "malformed JSON")
        }
    }

    /// The allowed values of the enums requests carry, by type name (Swift's own message names only the type).
    static let allowedValues: [String: [String]] = [
        "Role": Role.allCases.map(\.rawValue), "Channel": Channel.allCases.map(\.rawValue),
        "RoutingStrategy": RoutingStrategy.allCases.map(\.rawValue), "Language": Language.allCases.map(\.rawValue),
        "SelfManagedScope": SelfManagedScope.allCases.map(\.rawValue),
    ]

    /// A decoder's description made readable: an unknown enum value names the allowed values; anything
    /// else of Swift's own wording is replaced by a plain reason.
    static func readable(_ description: String) -> String {
        if description.hasPrefix("unknown value") { return description.replacingOccurrences(of: "expected one of:", with: "allowed values:") }
        if let match = description.firstMatch(of: /Cannot initialize (\w+) from invalid \w+ value/) {
            if let allowed = allowedValues[String(match.1)] { return "allowed values: " + allowed.joined(separator: ", ") }
            return "not an allowed value"
        }
        return "not a valid value"
    }

    /// The first number in `data` (valid JSON) that an integer field cannot hold: a fraction, or beyond
    /// 64 bits. Nil when there is none (then the JSON itself is malformed).
    static func numberProblem(in data: Data) -> (String, String)? {
        guard let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        func walk(_ value: Any, _ path: String) -> (String, String)? {
            switch value {
            case let object as [String: Any]:
                for key in object.keys.sorted() {
                    if let found = walk(object[key] as Any, path.isEmpty ? key : "\(path).\(key)") { return found }
                }
                return nil
            case let array as [Any]:
                for (index, item) in array.enumerated() {
                    if let found = walk(item, "\(path)[\(index)]") { return found }
                }
                return nil
            case let number as NSNumber:  // true/false read as 1/0: never a problem here
                let double = number.doubleValue
                if double.rounded() != double { return (path, "expected a whole number") }
                if Swift.abs(double) >= 9.2e18 { return (path, "a whole number too large for this field") }
                return nil
            default:
                return nil
            }
        }
        return walk(root, "")
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
