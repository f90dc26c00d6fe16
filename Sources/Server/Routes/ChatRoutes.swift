import Directory
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Storage

/// The two chat WebSockets (issue 6 §1–2): the agent workspace and the web chat visitor, plus the
/// widget's static files.
struct ChatRoutes {
    let center: ContactCenter
    let store: SQLiteConversationStore
    let settings: ChatSettings
    let limits: VisitorLimits
    let proxies: [IPNetwork]

    func register(on router: Router<AppRequestContext>) {
        router.ws("/api/v1/agent/ws", shouldUpgrade: { _, context in
            guard context.principal != nil else { throw DirectoryError.unauthenticated }
            return .upgrade([:])
        }, onUpgrade: { inbound, outbound, ws in
            guard let principal = ws.requestContext.principal else { return }
            let outlet = Outlet()
            let welcome: JSONValue
            do {
                welcome = try await center.connectAgent(principal, outlet: outlet)
            } catch let error as ProtocolError {
                await WebSocketSession.refuse(outbound, code: error.code == "not_ready" ? 4003 : 4000, error)
                return
            }
            outlet.send(welcome)
            await WebSocketSession(inbound: inbound, outbound: outbound, outlet: outlet, maxMessageBytes: settings.maxMessageBytes).run { command throws(ProtocolError) in
                try await center.agentCommand(principal, command)
            }
            await center.disconnectAgent(principal.userID, outlet: outlet)
            outlet.finish()
        })

        router.ws("/webchat/ws", shouldUpgrade: { request, _ in
            guard let key = request.uri.queryParameters["site"].map(String.init), key.utf8.count <= 128,
                  (try await store.read { try $0.chatSite(key: key) }) != nil else {
                throw APIError(status: .notFound, code: "unknown_site") { $0 == .ptBR ? "Site de chat desconhecido." : "Unknown chat site." }
            }
            return .upgrade([:])
        }, onUpgrade: { inbound, outbound, ws in
            let query = ws.request.uri.queryParameters
            guard let key = query["site"].map(String.init), let site = try await store.read({ try $0.chatSite(key: key) }) else { return }
            let address = ws.requestContext.clientAddress(ws.request, trusting: proxies)
            guard limits.connect(address: address, site: site.siteKey) else {
                await WebSocketSession.refuse(outbound, code: 4029, ProtocolError(code: "rate_limited", message: "Too many connections from this address. Try again later."))
                return
            }
            defer { limits.disconnected(address: address, site: site.siteKey) }
            let outlet = Outlet()
            let (welcome, resumed) = await center.connectVisitor(site: site, resumeToken: query["resume"].map(String.init), outlet: outlet)
            outlet.send(welcome)
            if let resumed { await center.visitorAttached(resumed) }
            let state = VisitorConnection(seq: resumed, messages: limits.messageBucket())
            await WebSocketSession(inbound: inbound, outbound: outbound, outlet: outlet, maxMessageBytes: settings.maxMessageBytes).run { command throws(ProtocolError) in
                switch command["type"]?.stringValue {
                case "start" where state.seq == nil:
                    if let wait = limits.newConversation(address: address, site: site.siteKey) {
                        throw ProtocolError(code: "rate_limited", message: "Too many new conversations from here. Try again in \(wait) s.")
                    }
                case "message", "typing":
                    if let wait = limits.message(&state.messages, address: address, site: site.siteKey) {
                        throw ProtocolError(code: "rate_limited", message: "Too many messages. Try again in \(wait) s.")
                    }
                default:
                    break
                }
                let (ack, seq) = try await center.visitorCommand(site: site, seq: state.seq, outlet: outlet, command)
                state.seq = seq
                return ack
            }
            if let seq = state.seq { await center.disconnectVisitor(seq, outlet: outlet) }
            outlet.finish()
        })

        router.get("/webchat/widget.js") { _, _ in try Self.asset("widget", "js", type: "text/javascript; charset=utf-8") }
        router.get("/webchat/widget.css") { _, _ in try Self.asset("widget", "css", type: "text/css; charset=utf-8") }
    }

    static func asset(_ name: String, _ ext: String, type: String) throws -> Response {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext), let data = try? Data(contentsOf: url) else {
            throw HTTPError(.notFound)
        }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The conversation a visitor connection belongs to (set by `start`). Touched only by the
/// connection's own task, one message at a time.
final class VisitorConnection: @unchecked Sendable {
    // @unchecked: read and written only from the single task that runs the connection's message loop.
    var seq: Int64?
    /// The connection's message budget (issue 10 §1.2).
    var messages: TokenBucket
    init(seq: Int64?, messages: TokenBucket) { self.seq = seq; self.messages = messages }
}
