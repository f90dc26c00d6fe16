import Foundation
import Logging
import Mail

/// Everything `switchboard serve` can be told, with the embedded defaults of `make run`.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Holds the SQLite file (`switchboard.sqlite`) and the `mail/` folder of `.eml` files.
    public var dataDirectory: URL
    /// Base of links in e-mails; defaults to `http://localhost:<port>`.
    public var publicBaseURL: String
    public var logLevel: Logger.Level
    /// log2 of scrypt's N; tests lower it to keep hashing fast.
    public var scryptLogN: Int
    public var senderAddress: String
    /// The address of the platform support account created on first start.
    public var supportEmail: String
    /// Base64 of the 32-byte key that seals secrets at rest (SWITCHBOARD_SECRET_KEY); when nil, a key
    /// file `secret.key` (mode 0600) under the data folder is created and used.
    public var secretKeyBase64: String?
    /// `smtp://user:pass@host:port` or `smtps://…` (SWITCHBOARD_SMTP_URL); nil keeps the `.eml` folder.
    public var smtpURL: String?
    /// PEM file of a CA to trust for the SMTP server's certificate (SWITCHBOARD_SMTP_CA_FILE).
    public var smtpCAFile: String?
    /// Limits on anonymous web chat visitors (connections, new conversations, messages).
    var visitorLimits = VisitorLimitSettings()
    /// The Microsoft Entra ID authority every tenant's login uses; tenants cannot name another host.
    /// Operators change it only for a sovereign cloud (https) or a local test provider (http on loopback).
    public var entraAuthority: String = "https://login.microsoftonline.com"
    /// Reverse proxies whose `X-Forwarded-For` names the client, for login throttling and the web chat
    /// limits (SWITCHBOARD_TRUSTED_PROXIES); empty: the header is ignored and the socket's peer is the client.
    public var trustedProxies: [IPNetwork] = []
    /// Router shards (threads); a tenant is routed by exactly one of them.
    public var routerShards: Int = RoutingBridge.defaultShardCount
    /// Grace periods and limits of the chat WebSockets.
    public var chat: ChatSettings = ChatSettings()
    /// The WhatsApp Cloud API: webhook secrets and the Graph API endpoint.
    public var whatsApp: WhatsAppConfiguration = WhatsAppConfiguration()

    public init(
        host: String = "0.0.0.0", port: Int = 8080, dataDirectory: URL = URL(fileURLWithPath: "data"), publicBaseURL: String? = nil,
        logLevel: Logger.Level = .info, scryptLogN: Int = 15, senderAddress: String = "no-reply@switchboard.local",
        supportEmail: String = "support@switchboard.local", secretKeyBase64: String? = nil, smtpURL: String? = nil,
        smtpCAFile: String? = nil
    ) {
        self.secretKeyBase64 = secretKeyBase64
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.publicBaseURL = publicBaseURL ?? "http://localhost:\(port)"
        self.logLevel = logLevel
        self.scryptLogN = scryptLogN
        self.senderAddress = senderAddress
        self.supportEmail = supportEmail
        self.smtpURL = smtpURL
        self.smtpCAFile = smtpCAFile
    }

    /// Checks an SMTP URL and returns it as logs show it (the password masked).
    public static func describeSMTP(url: String) throws -> String {
        try SMTPConfiguration(url: url).description
    }

    public var databasePath: String { dataDirectory.appendingPathComponent("switchboard.sqlite").path }
    public var mailDirectory: URL { dataDirectory.appendingPathComponent("mail", isDirectory: true) }
    public var secretKeyFile: URL { dataDirectory.appendingPathComponent("secret.key") }
}
