import Directory
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// Per-request context: the authenticated principal (set by `AuthenticationMiddleware`) and the
/// client address for throttling.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    public let remoteAddress: SocketAddress?
    /// Set when the request upgrades to a WebSocket (workspace, web chat).
    public let webSocket: WebSocketHandlerReference<AppRequestContext>

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.webSocket = .init()
    }

    /// JSON bodies are small here: 64 KiB bounds what a client can make us buffer.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The caller, or `unauthenticated`.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw DirectoryError.unauthenticated }
        return principal
    }

    /// The client's IP address for throttling ("unknown" when the transport has none). When the peer is
    /// one of `proxies`, the client is the right-most `X-Forwarded-For` entry that is not itself a
    /// trusted proxy; otherwise the header is the client's own claim and is ignored.
    func clientAddress(_ request: Request, trusting proxies: [IPNetwork]) -> String {
        IPNetwork.client(peer: remoteAddress?.ipAddress, forwardedFor: request.headers[values: HTTPField.Name("X-Forwarded-For")!], trusting: proxies)
    }
}
