import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import Metrics
import NIOCore
import NIOHTTP1

/// Why a WebSocket upgrade request is refused, answered as an ordinary HTTP response in the API's
/// error shape (`{"error":{"code","message"}}`) — the status the documents promise (401, 403, 404).
struct UpgradeRefusal: Sendable {
    let status: HTTPResponseStatus
    let code: String
    let message: String
}

/// Decides, before the upgrade, whether a WebSocket upgrade request may proceed; nil lets it through.
typealias UpgradeCheck = @Sendable (_ head: HTTPRequestHead, _ peer: String?) async -> UpgradeRefusal?

/// The HTTP/1 + WebSocket child channel of Hummingbird with a gate in front of the upgrade: the library
/// answers every refused upgrade with an empty 400, so the gate checks the upgrade request first and
/// answers a refusal itself (status and JSON body), letting only acceptable requests reach the upgrader.
struct GatedWebSocketChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value
    let base: HTTP1WebSocketUpgradeChannel
    let check: UpgradeCheck

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(UpgradeGate(check: check), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }

    /// The server builder: Hummingbird's upgrade channel for `router`, gated by `check`.
    static func builder(router: Router<AppRequestContext>, configuration: HTTP1WebSocketUpgradeChannel.Configuration, check: @escaping UpgradeCheck) -> HTTPServerBuilder {
        let webSocketResponder = router.buildResponder()
        return HTTPServerBuilder { responder in
            GatedWebSocketChannel(
                base: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: configuration),
                check: check)
        }
    }
}

/// Sits between the HTTP request decoder and the upgrade handler for the first request of a
/// connection. An upgrade request is held while `check` runs; accepted, it goes on (and the gate leaves
/// the pipeline, which becomes a WebSocket's); refused, the gate answers it and closes the connection.
/// Any other first request passes at once and the gate leaves.
final class UpgradeGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case first
        case holding([HTTPServerRequestPart])
        case refused
    }

    private let check: UpgradeCheck
    private var state = State.first

    init(check: @escaping UpgradeCheck) { self.check = check }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .first:
            guard case .head(let head) = part, Self.isUpgrade(head) else {
                context.fireChannelRead(data)
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                return
            }
            state = .holding([part])
            let check = self.check
            let peer = context.channel.remoteAddress?.ipAddress
            let loop = context.eventLoop
            let promise = loop.makePromise(of: UpgradeRefusal?.self)
            promise.completeWithTask { await check(head, peer) }
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            promise.futureResult.whenComplete { result in
                let (gate, context) = bound.value
                switch result {
                case .success(let refusal): gate.decided(refusal, context: context)
                case .failure: gate.decided(UpgradeRefusal(status: .internalServerError, code: "internal_error", message: "Internal error."), context: context)
                }
            }
        case .holding(var parts):
            parts.append(part)
            state = .holding(parts)
        case .refused:
            break
        }
    }

    private func decided(_ refusal: UpgradeRefusal?, context: ChannelHandlerContext) {
        guard case .holding(let parts) = state else { return }
        if let refusal {
            state = .refused
            Counter(label: "switchboard_websocket_upgrades_refused_total", dimensions: [("status", String(refusal.status.code)), ("code", refusal.code)]).increment()
            let body = ByteBuffer(string: Self.json(refusal))
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            headers.add(name: "Content-Length", value: String(body.readableBytes))
            headers.add(name: "Connection", value: "close")
            headers.add(name: "X-Content-Type-Options", value: "nosniff")
            headers.add(name: "Content-Security-Policy", value: SecurityHeadersMiddleware.defaultPolicy)
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: refusal.status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
            return
        }
        for part in parts { context.fireChannelRead(wrapInboundOut(part)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    static func isUpgrade(_ head: HTTPRequestHead) -> Bool {
        head.headers["upgrade"].contains { $0.lowercased().contains("websocket") }
    }

    static func json(_ refusal: UpgradeRefusal) -> String {
        func escaped(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
        return "{\"error\":{\"code\":\"\(escaped(refusal.code))\",\"message\":\"\(escaped(refusal.message))\"}}"
    }
}
