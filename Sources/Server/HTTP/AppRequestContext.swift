import Directory
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

    /// The client's IP address for throttling ("unknown" when the transport has none).
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
