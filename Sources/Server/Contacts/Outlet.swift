import Foundation
import Synchronization

/// One open WebSocket as the contact center sees it: a place to send protocol messages. The socket's
/// task drains the stream; `send` never blocks the actor (bounded: a client that stops reading is cut off).
final class Outlet: Sendable, Hashable {
    let id = UUID()
    let stream: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    init(buffer: Int = 1_024) {
        (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(buffer))
    }

    func send(_ message: JSONValue) {
        if case .dropped = continuation.yield(message.text) { continuation.finish() }
    }

    /// Ends the stream: the socket task closes the connection after what is queued.
    func finish() { continuation.finish() }

    static func == (a: Outlet, b: Outlet) -> Bool { a.id == b.id }
    func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
