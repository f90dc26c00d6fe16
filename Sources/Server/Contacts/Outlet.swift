import Foundation
import Synchronization

/// One open WebSocket as the contact center sees it: a place to send protocol messages. The socket's
/// task drains the stream; `send` never blocks the actor (bounded: a client that stops reading is cut off).
final class Outlet: Sendable, Hashable {
    let id = UUID()
    let stream: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let closing = Mutex<(code: UInt16, reason: String)?>(nil)

    init(buffer: Int = 1_024) {
        (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(buffer))
    }

    func send(_ message: JSONValue) {
        if case .dropped = continuation.yield(message.text) { continuation.finish() }
    }

    /// Ends the stream: the socket task closes the connection after what is queued.
    func finish() { continuation.finish() }

    /// Ends the stream with an application close code (4000–4999) and a reason the client can show.
    func close(code: UInt16, reason: String) {
        closing.withLock { $0 = $0 ?? (code, reason) }
        continuation.finish()
    }

    /// The close code and reason set by `close`, nil when the stream ended otherwise.
    var closeFrame: (code: UInt16, reason: String)? { closing.withLock { $0 } }

    static func == (a: Outlet, b: Outlet) -> Bool { a.id == b.id }
    func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
