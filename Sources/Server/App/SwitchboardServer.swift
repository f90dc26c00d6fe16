import AsyncHTTPClient
import Directory
import Foundation
import Hummingbird
import Identity
import Logging
import Mail
import HummingbirdWebSocket
import ServiceLifecycle
import Storage

/// Builds the running system from a configuration: the SQLite store, the directory service, the
/// mail outbox, and the HTTP application with every route.
public struct SwitchboardServer: Sendable {
    public let configuration: ServerConfiguration
    public let store: SQLiteDirectoryStore
    public let directory: DirectoryService
    public let outbox: OutboxWorker
    public let secretBox: SecretBox
    public let entra: EntraLogin
    /// The live router, fed from the directory.
    public let routing: RoutingBridge
    /// Conversations, workspaces and visitors of the chat channels (issue 6).
    let contacts: ContactCenter
    /// What anonymous web chat visitors may open and send.
    let visitorLimits: VisitorLimits
    let whatsAppSender: WhatsAppSender
    let logger: Logger
    let now: @Sendable () -> Date

    /// `now` is the clock of every rule with a deadline (tokens, sessions, throttling); tests drive it.
    /// `steadyNow` is a clock that never jumps, for lockouts; tests drive it with `now`.
    public init(
        configuration: ServerConfiguration, logger: Logger? = nil, now: @escaping @Sendable () -> Date = { Date() },
        steadyNow: @escaping @Sendable () -> Date = { Date(timeIntervalSinceReferenceDate: ProcessInfo.processInfo.systemUptime) }
    ) throws {
        var logger = logger ?? Logger(label: "switchboard")
        logger.logLevel = configuration.logLevel
        self.logger = logger
        self.now = now
        self.configuration = configuration
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
        self.store = try SQLiteDirectoryStore(path: configuration.databasePath)
        self.secretBox = try SecretBox.load(base64: configuration.secretKeyBase64, keyFile: configuration.secretKeyFile)
        try store.sealPlaintextOutboxLinks(with: secretBox)
        let delivery: any MailDelivery
        if let url = configuration.smtpURL {
            let smtp = try SMTPConfiguration(url: url, trustedCAFile: configuration.smtpCAFile)
            delivery = try SMTPDelivery(configuration: smtp)
            logger.info("mail is delivered over SMTP", metadata: ["server": "\(smtp)"])
        } else {
            delivery = try EMLFolderDelivery(folder: configuration.mailDirectory)
        }
        self.outbox = OutboxWorker(store: store, delivery: delivery, senderAddress: configuration.senderAddress, links: secretBox, now: now,
                                   steadyNow: steadyNow)
        self.routing = RoutingBridge(store: store, capacities: store.conversations, logger: logger, shardCount: configuration.routerShards)
        let events = DirectoryEvents(worker: outbox, routing: routing, logger: logger)
        self.directory = DirectoryService(
            store: store, configuration: DirectoryConfiguration(publicBaseURL: configuration.publicBaseURL, identityAuthority: configuration.entraAuthority),
            passwords: ScryptPasswordHasher(logN: configuration.scryptLogN), secrets: RandomSecrets(), sealer: secretBox,
            observer: events, now: now, steadyNow: steadyNow)
        let centerBox = events.center
        self.whatsAppSender = WhatsAppSender(
            store: store.conversations, secretBox: secretBox, client: HTTPClient.shared, configuration: configuration.whatsApp,
            center: { centerBox.value }, logger: logger, now: now)
        let sender = whatsAppSender
        self.contacts = ContactCenter(store: store, directory: directory, routing: routing, settings: configuration.chat, logger: logger,
                                      now: now, whatsAppWake: { sender.wake() })
        events.center.bind(contacts)
        self.visitorLimits = VisitorLimits(settings: configuration.visitorLimits)
        let transport = HTTPTransport(client: HTTPTransport.withoutRedirects)
        self.entra = EntraLogin(
            directory: directory, keys: ProviderKeys(transport: transport, now: steadyNow), transport: transport, secretBox: secretBox,
            callbackURL: "\(configuration.publicBaseURL)/auth/microsoft/callback", authority: configuration.entraAuthority, now: now)
    }

    /// Every route of the server, on a router tests can drive directly.
    public func router() -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: RequestLogMiddleware(logger: logger))
        router.add(middleware: AuthenticationMiddleware(directory: directory))
        PublicRoutes(directory: directory, metrics: Observability.registry, proxies: configuration.trustedProxies).register(on: router)
        AdminRoutes(directory: directory).register(on: router)
        IdentityRoutes(directory: directory, entra: entra, secretBox: secretBox).register(on: router)
        RoutingRoutes(directory: directory, bridge: routing).register(on: router)
        OutboxRoutes(store: store, worker: outbox, directory: directory).register(on: router)
        ChatRoutes(center: contacts, store: store.conversations, settings: configuration.chat, limits: visitorLimits,
                   proxies: configuration.trustedProxies).register(on: router)
        WhatsAppRoutes(center: contacts, configuration: configuration.whatsApp).register(on: router)
        ChannelAdminRoutes(directory: directory, store: store.conversations, secretBox: secretBox,
                           publicBaseURL: configuration.publicBaseURL, now: now, routing: routing,
                           numbers: WhatsAppNumberVerifier(client: HTTPClient.shared, configuration: configuration.whatsApp)).register(on: router)
        return router
    }

    /// The HTTP application with the outbox and router services beside it.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = router()
        return Application(
            router: router,
            server: GatedWebSocketChannel.builder(router: router, configuration: .init(ws: .init(maxFrameSize: 1 << 20)), check: upgradeCheck),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "switchboard"),
            services: self.services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Refuses WebSocket upgrades the routes would refuse, with the documented status and JSON error
    /// (docs/workspace-protocol.md): the workspace without a valid session 401, an unknown chat site 404.
    var upgradeCheck: UpgradeCheck {
        let directory = self.directory
        let conversations = store.conversations
        let limits = visitorLimits
        let proxies = configuration.trustedProxies
        return { head, peer in
            let language = Language.negotiate(acceptLanguage: head.headers["accept-language"].first)
            let components = URLComponents(string: head.uri)
            func query(_ name: String) -> String? { components?.queryItems?.first { $0.name == name }?.value }
            switch components?.path {
            case "/api/v1/agent/ws":
                let bearer = head.headers["authorization"].first.flatMap { header -> String? in
                    let parts = header.split(separator: " ", maxSplits: 1)
                    return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
                }
                guard let token = bearer ?? query("access_token"), token.count <= 256,
                      (try? await directory.authenticate(token: token)) != nil else {
                    return UpgradeRefusal(status: .unauthorized, code: DirectoryError.unauthenticated.code,
                                          message: DirectoryError.unauthenticated.message(in: language))
                }
                return nil
            case "/webchat/ws":
                guard let key = query("site"), key.utf8.count <= 128, let site = (try? await conversations.read({ try $0.chatSite(key: key) })) ?? nil else {
                    return UpgradeRefusal(status: .notFound, code: "unknown_site", message: language == .ptBR ? "Site de chat desconhecido." : "Unknown chat site.")
                }
                guard site.allows(origin: head.headers["origin"].first) else {
                    return UpgradeRefusal(status: .forbidden, code: "origin_not_allowed", message: language == .ptBR
                        ? "Este chat não pode ser aberto a partir desta página." : "This chat cannot be opened from this page.")
                }
                let address = IPNetwork.client(peer: peer, forwardedFor: head.headers["x-forwarded-for"], trusting: proxies)
                guard limits.mayConnect(address: address, site: site.siteKey) else {
                    return UpgradeRefusal(status: .tooManyRequests, code: "rate_limited", message: language == .ptBR
                        ? "Muitas conexões a partir deste endereço. Tente novamente mais tarde." : "Too many connections from this address. Try again later.")
                }
                return nil
            default:
                return nil
            }
        }
    }

    /// The services that run beside the HTTP server (the `.router` test mode runs them too).
    var services: [any Service] {
        [OutboxService(worker: outbox, logger: logger, interval: .seconds(1)), RoutingService(bridge: routing),
         ContactCenterService(center: contacts, routing: routing, logger: logger), whatsAppSender,
         MaintenanceService(store: store, logger: logger, now: now, interval: .seconds(3600))]
    }

    /// Creates the platform support account on first start; returns its login and one-time password.
    public func bootstrap() async throws -> (email: String, password: String)? {
        guard let (user, password) = try await directory.bootstrapSupport(email: configuration.supportEmail) else { return nil }
        return (user.email, password)
    }
}
