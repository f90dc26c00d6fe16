import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The shared loop of both chat WebSockets (docs/workspace-protocol.md): one writer task drains the
/// connection's outlet; inbound text frames are parsed as JSON objects and handed to `handle`, one at a
/// time; every client message gets `ack` or `error` (with the client's `id` echoed). Bad input —
/// binary frames, invalid JSON, non-objects, oversized messages — gets an error and changes nothing.
struct WebSocketSession {
    let inbound: WebSocketInboundStream
    let outbound: WebSocketOutboundWriter
    let outlet: Outlet
    let maxMessageBytes: Int

    /// Runs until the client closes (or the outlet is finished by the server).
    func run(handle: (JSONValue) async throws(ProtocolError) -> JSONValue) async {
        let writer = Task { [outlet, outbound] in
            for await text in outlet.stream {
                do { try await outbound.write(.text(text)) } catch { return }
            }
            // The outlet was finished: the server closed it with a reason (session ended, agent not ready),
            // the client stopped reading (its buffer overflowed), or the server is done.
            if let frame = outlet.closeFrame {
                try? await outbound.close(.unknown(frame.code), reason: String(frame.reason.prefix(120)))
            } else {
                try? await outbound.close(.goingAway, reason: "closed by the server")
            }
        }
        defer { writer.cancel() }
        do {
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else {
                    outlet.send(Self.error(nil, ProtocolError(code: "invalid_message", message: "Send JSON in text frames.")))
                    continue
                }
                guard text.utf8.count <= maxMessageBytes else {
                    outlet.send(Self.error(nil, ProtocolError(code: "too_large", message: "Messages are at most \(maxMessageBytes) bytes.")))
                    continue
                }
                guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
                    outlet.send(Self.error(nil, ProtocolError(code: "invalid_json", message: "The message is not valid JSON.")))
                    continue
                }
                guard case .object = value else {
                    outlet.send(Self.error(nil, ProtocolError(code: "invalid_message", message: "A message is a JSON object with a \"type\".")))
                    continue
                }
                let id = value["id"]
                do {
                    let payload = try await handle(value)
                    var fields: [String: JSONValue] = ["type": "ack", "id": id ?? .null, "for": value["type"] ?? .null]
                    if case .object(let extra) = payload { fields.merge(extra) { current, _ in current } }
                    outlet.send(.object(fields))
                } catch {
                    outlet.send(Self.error(id, error))
                }
            }
        } catch {
            // The library closed the connection (protocol error, frame over 1 MiB): nothing to undo.
        }
    }

    /// Sends a refusal and closes with an application close code (4000–4999) and a readable reason.
    static func refuse(_ outbound: WebSocketOutboundWriter, code: Int, _ error: ProtocolError) async {
        try? await outbound.write(.text(Self.error(nil, error).text))
        try? await outbound.close(.unknown(UInt16(code)), reason: String(error.message.prefix(120)))
    }

    static func error(_ id: JSONValue?, _ error: ProtocolError) -> JSONValue {
        ["type": "error", "id": id ?? .null, "code": .string(error.code), "message": .string(error.message)]
    }
}
