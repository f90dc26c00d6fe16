import ArgumentParser
import Directory
import Foundation
import Identity
import Logging
import Server
import Storage

@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Switchboard: the core of an omnichannel contact center (voice, WebChat, WhatsApp).",
        discussion: """
            Start the server with `switchboard serve`. On first start it creates the platform support
            account and prints its login and a one-time password. Every option can also be set with a
            SWITCHBOARD_* environment variable (flags win). SWITCHBOARD_SECRET_KEY (base64 of 32 bytes)
            seals secrets at rest; without it a key file is kept in the data folder.
            """,
        subcommands: [Serve.self, Migrate.self, UserCommand.self, SecretsCommand.self],
        defaultSubcommand: Serve.self)
}

/// Options shared by every command that touches the data folder.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Folder for the SQLite file and e-mails (.eml).", valueName: "path"))
    var dataDirectory: String = Environment.string("SWITCHBOARD_DATA_DIR") ?? "data"

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String = Environment.string("SWITCHBOARD_LOG_LEVEL") ?? "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown log level '\(logLevel)'.") }
    }

    var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (admin API, health, metrics).")

    @OptionGroup var data: DataOptions

    @Option(help: "Address to listen on (SWITCHBOARD_HOST).")
    var host: String = Environment.string("SWITCHBOARD_HOST") ?? "0.0.0.0"

    @Option(help: "HTTP port (SWITCHBOARD_PORT).")
    var port: Int = Environment.int("SWITCHBOARD_PORT") ?? 8080

    @Option(name: .customLong("public-url"), help: ArgumentHelp("Base URL of links in e-mails (SWITCHBOARD_PUBLIC_URL); default http://localhost:<port>.", valueName: "url"))
    var publicURLFlag: String?
    var publicURL: String? { publicURLFlag ?? Environment.string("SWITCHBOARD_PUBLIC_URL") }

    @Option(help: "E-mail of the support account created on first start (SWITCHBOARD_SUPPORT_EMAIL).")
    var supportEmail: String = Environment.string("SWITCHBOARD_SUPPORT_EMAIL") ?? "support@switchboard.local"

    @Option(name: .customLong("smtp-url"), help: ArgumentHelp(
        "Send e-mail over SMTP (SWITCHBOARD_SMTP_URL): smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (implicit TLS). Default: .eml files in the data folder.",
        valueName: "url"))
    var smtpURLFlag: String?
    var smtpURL: String? { smtpURLFlag ?? Environment.string("SWITCHBOARD_SMTP_URL") }

    @Option(name: .customLong("smtp-ca-file"), help: ArgumentHelp("PEM file of a CA to trust for the SMTP server's certificate (SWITCHBOARD_SMTP_CA_FILE).", valueName: "path"))
    var smtpCAFileFlag: String?
    var smtpCAFile: String? { smtpCAFileFlag ?? Environment.string("SWITCHBOARD_SMTP_CA_FILE") }

    @Option(name: .customLong("whatsapp-graph-url"), help: ArgumentHelp(
        "WhatsApp Cloud API base URL (SWITCHBOARD_WHATSAPP_GRAPH_URL); default https://graph.facebook.com. The app secret and the webhook verify token come from SWITCHBOARD_WHATSAPP_APP_SECRET and SWITCHBOARD_WHATSAPP_VERIFY_TOKEN only.",
        valueName: "url"))
    var graphURLFlag: String?
    var graphURL: String { graphURLFlag ?? Environment.string("SWITCHBOARD_WHATSAPP_GRAPH_URL") ?? "https://graph.facebook.com" }

    @Option(name: .customLong("workspace-grace"), help: ArgumentHelp(
        "Seconds an agent's queues and contacts survive a dropped workspace (SWITCHBOARD_WORKSPACE_GRACE_SECONDS); default 60.", valueName: "seconds"))
    var workspaceGraceFlag: Int?
    var workspaceGrace: Int { workspaceGraceFlag ?? Environment.int("SWITCHBOARD_WORKSPACE_GRACE_SECONDS") ?? 60 }

    @Option(name: .customLong("visitor-grace"), help: ArgumentHelp(
        "Seconds a waiting web chat visitor may be away (page reload) before the contact is abandoned (SWITCHBOARD_VISITOR_GRACE_SECONDS); default 30.",
        valueName: "seconds"))
    var visitorGraceFlag: Int?
    var visitorGrace: Int { visitorGraceFlag ?? Environment.int("SWITCHBOARD_VISITOR_GRACE_SECONDS") ?? 30 }

    @Option(name: .customLong("router-shards"), help: ArgumentHelp(
        "Router shards, each a thread that routes the contacts of its tenants (SWITCHBOARD_ROUTER_SHARDS); default one per core, at most 8.",
        valueName: "count"))
    var routerShardsFlag: Int?
    var routerShards: Int { routerShardsFlag ?? Environment.int("SWITCHBOARD_ROUTER_SHARDS") ?? RoutingBridge.defaultShardCount }

    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp(
        "A reverse proxy (address or CIDR) whose X-Forwarded-For names the client, for login throttling and web chat limits; repeat or comma-separate (SWITCHBOARD_TRUSTED_PROXIES). Default: none, the header is ignored.",
        valueName: "cidr"))
    var trustedProxyFlags: [String] = []
    var trustedProxyTexts: [String] {
        let texts = trustedProxyFlags.isEmpty ? [Environment.string("SWITCHBOARD_TRUSTED_PROXIES") ?? ""] : trustedProxyFlags
        return texts.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Option(name: .customLong("entra-authority"), help: ArgumentHelp(
        "The Microsoft Entra ID authority all tenants use (SWITCHBOARD_ENTRA_AUTHORITY); default https://login.microsoftonline.com. https, or http on a loopback address for a local test provider.",
        valueName: "url"))
    var entraAuthorityFlag: String?
    var entraAuthority: String { entraAuthorityFlag ?? Environment.string("SWITCHBOARD_ENTRA_AUTHORITY") ?? "https://login.microsoftonline.com" }

    func validate() throws {
        guard let authority = URLComponents(string: entraAuthority), let host = authority.host, !host.isEmpty,
              authority.path.isEmpty || authority.path == "/",
              authority.scheme == "https" || (authority.scheme == "http" && ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host)) else {
            throw ValidationError("--entra-authority must be https://host[:port] (http only on a loopback address, for tests).")
        }
        for text in trustedProxyTexts where IPNetwork(text) == nil {
            throw ValidationError("--trusted-proxy '\(text)' is not an IP address or CIDR network.")
        }
        guard (1...64).contains(routerShards) else { throw ValidationError("--router-shards is 1-64.") }
        guard URL(string: graphURL)?.scheme != nil else { throw ValidationError("--whatsapp-graph-url must be an absolute URL.") }
        guard (0...86_400).contains(workspaceGrace), (0...86_400).contains(visitorGrace) else {
            throw ValidationError("Grace periods are 0-86400 seconds.")
        }
        if let smtpURL {
            do { _ = try ServerConfiguration.describeSMTP(url: smtpURL) } catch { throw ValidationError("--smtp-url: \(error)") }
        }
        guard (0...65_535).contains(port) else { throw ValidationError("Port must be between 0 and 65535.") }
        if let publicURL, URL(string: publicURL)?.scheme == nil { throw ValidationError("--public-url must be an absolute URL.") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        _ = Observability.registry
        var configuration = ServerConfiguration(
            host: host, port: port, dataDirectory: URL(fileURLWithPath: data.dataDirectory), publicBaseURL: publicURL,
            logLevel: data.level, supportEmail: supportEmail, secretKeyBase64: Environment.string("SWITCHBOARD_SECRET_KEY"),
            smtpURL: smtpURL, smtpCAFile: smtpCAFile)
        configuration.routerShards = routerShards
        configuration.entraAuthority = entraAuthority
        configuration.trustedProxies = trustedProxyTexts.compactMap(IPNetwork.init)
        configuration.chat = ChatSettings(workspaceGrace: .seconds(workspaceGrace), visitorGrace: .seconds(visitorGrace))
        configuration.whatsApp = WhatsAppConfiguration(
            graphBaseURL: graphURL, appSecret: Environment.string("SWITCHBOARD_WHATSAPP_APP_SECRET"),
            verifyToken: Environment.string("SWITCHBOARD_WHATSAPP_VERIFY_TOKEN"),
            retryBase: .milliseconds(Environment.int("SWITCHBOARD_WHATSAPP_RETRY_BASE_MS") ?? 2_000))
        let server = try SwitchboardServer(configuration: configuration)
        if let (email, password) = try await server.bootstrap() {
            say("""
                ------------------------------------------------------------
                Platform support account created (shown only this once):
                  login:    \(email)
                  password: \(password)
                Log in with POST /api/v1/auth/login and keep the password safe.
                ------------------------------------------------------------
                """)
        }
        let mail = try smtpURL.map { try ServerConfiguration.describeSMTP(url: $0) } ?? configuration.mailDirectory.path
        say("Switchboard: data in \(configuration.dataDirectory.path), e-mails to \(mail)")
        let host = configuration.host
        let app = server.application { port in
            say("Switchboard listening on http://\(host):\(port)")
        }
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var data: DataOptions

    func run() async throws {
        try FileManager.default.createDirectory(atPath: data.dataDirectory, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: data.dataDirectory).appendingPathComponent("switchboard.sqlite").path
        let applied = try SQLiteDirectoryStore.migrate(path: path)
        say("Database \(path) is at migration \(applied.last ?? "none") (\(applied.count) applied: \(applied.joined(separator: ", "))).")
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage platform support accounts.", subcommands: [CreateSupportUser.self])
}

struct CreateSupportUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a platform support account (staff above every customer's administrator).",
        discussion: "The password is read from SWITCHBOARD_USER_PASSWORD, or from standard input when that is not set.")

    @OptionGroup var data: DataOptions

    @Option(help: "E-mail (login) of the new support account.")
    var email: String

    @Option(help: "Display name.")
    var name: String = "Platform Support"

    func run() async throws {
        let password = Environment.string("SWITCHBOARD_USER_PASSWORD") ?? readPassword()
        let configuration = ServerConfiguration(dataDirectory: URL(fileURLWithPath: data.dataDirectory), logLevel: data.level)
        let server = try SwitchboardServer(configuration: configuration)
        do {
            let user = try await server.directory.createSupportUser(email: email, name: name, password: password)
            say("Created support account \(user.email) (\(user.id)).")
        } catch let error as DirectoryError {
            throw ValidationError(error.message(in: .en))
        }
    }

    private func readPassword() -> String {
        FileHandle.standardError.write(Data("Password: ".utf8))
        return readLine(strippingNewline: true) ?? ""
    }
}

struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets", abstract: "Manage the key that seals secrets at rest.", subcommands: [RotateKey.self])
}

struct RotateKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Seal every stored secret under a new key (stop the server first).",
        discussion: """
            Opens every sealed value (Entra ID client secrets, WhatsApp tokens, links waiting in the outbox) with the
            current key — SWITCHBOARD_SECRET_KEY, or the data folder's secret.key — and seals it with a new one, in one
            database transaction. The new key is written to secret.key.next first; after the commit, with a key file,
            secret.key is kept as secret.key.old-<time> and replaced by the new key. With SWITCHBOARD_SECRET_KEY, set the
            variable to the content of secret.key.next before starting the server again, then delete that file.
            """)

    @OptionGroup var data: DataOptions

    func run() async throws {
        let folder = URL(fileURLWithPath: data.dataDirectory)
        let keyFile = folder.appendingPathComponent("secret.key")
        let fromEnvironment = Environment.string("SWITCHBOARD_SECRET_KEY")
        guard fromEnvironment != nil || FileManager.default.fileExists(atPath: keyFile.path) else {
            throw ValidationError("There is no key to rotate: neither SWITCHBOARD_SECRET_KEY nor \(keyFile.path).")
        }
        let current = try SecretBox.load(base64: fromEnvironment, keyFile: keyFile)
        let next = folder.appendingPathComponent("secret.key.next")
        let fresh = SecretBox.newKeyBase64()
        if FileManager.default.fileExists(atPath: next.path) {
            throw ValidationError("\(next.path) exists: a rotation was left unfinished. Use that key (or delete the file if the last rotation failed before its commit).")
        }
        try SecretBox.writeNewKeyFile(next, base64: fresh)
        let store = try SQLiteDirectoryStore(path: folder.appendingPathComponent("switchboard.sqlite").path)
        let count: SQLiteDirectoryStore.Resealed
        do {
            count = try await store.reseal(from: current, to: try SecretBox(keyData: Data(base64Encoded: fresh) ?? Data()))
        } catch {
            try? FileManager.default.removeItem(at: next)
            throw ValidationError("Nothing was changed: a stored secret could not be resealed (\(error)).")
        }
        say("Resealed \(count.identityProviderSecrets) identity-provider secret(s), \(count.whatsAppTokens) WhatsApp token(s), "
            + "\(count.outboxLinks) outbox link(s) under the new key.")
        if fromEnvironment != nil {
            say("Set SWITCHBOARD_SECRET_KEY to the content of \(next.path) before starting the server, then delete that file.")
            return
        }
        let stamp = Int(Date().timeIntervalSince1970)
        let backup = folder.appendingPathComponent("secret.key.old-\(stamp)")
        do {
            try SecretBox.replaceKeyFile(keyFile, withFile: next, backup: backup)
        } catch {
            throw ValidationError("The secrets are sealed under the new key in \(next.path), but it could not be moved to \(keyFile.path) (\(error)). Move it there before starting the server.")
        }
        say("New key in \(keyFile.path); the old one is kept in \(backup.path) (delete it once backups no longer need it).")
    }
}

enum Environment {
    static func string(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
    static func int(_ name: String) -> Int? { string(name).flatMap(Int.init) }
}

/// Prints a line and flushes at once, so a supervisor reading a pipe sees it immediately.
func say(_ line: String) {
    print(line)
    fflush(nil)
}
