import Foundation

/// Where and how to send mail: parsed from `SWITCHBOARD_SMTP_URL`
/// (`smtp://user:pass@host:port` with STARTTLS when offered, `smtps://…` for implicit TLS, RFC 8314 §3).
public struct SMTPConfiguration: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var tls: SMTPClientStateMachine.TLSPolicy
    public var credentials: (user: String, password: String)?
    /// PEM file of extra CA certificates to trust (self-hosted relays); the system roots otherwise.
    public var trustedCAFile: String?
    /// The name this client gives in EHLO.
    public var clientName: String
    public var connectTimeout: Duration
    /// How long to wait for any one reply (RFC 5321 §4.5.3.2 suggests minutes; relays are faster).
    public var replyTimeout: Duration

    public init(
        host: String, port: Int, tls: SMTPClientStateMachine.TLSPolicy, credentials: (user: String, password: String)? = nil,
        trustedCAFile: String? = nil, clientName: String = "switchboard.local",
        connectTimeout: Duration = .seconds(10), replyTimeout: Duration = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.credentials = credentials
        self.trustedCAFile = trustedCAFile
        self.clientName = clientName
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
    }

    public struct InvalidURL: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses `smtp://[user[:password]@]host[:port]` (port 25 by default; 587 is usual with
    /// STARTTLS) or `smtps://…` (port 465). User and password are percent-decoded.
    public init(url text: String, trustedCAFile: String? = nil) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw InvalidURL(description: "SMTP URL is not a URL (expected smtp://user:pass@host:port)")
        }
        let tls: SMTPClientStateMachine.TLSPolicy
        let defaultPort: Int
        switch scheme {
        case "smtp": (tls, defaultPort) = (.startTLSWhenOffered, 25)
        case "smtps": (tls, defaultPort) = (.implicit, 465)
        default: throw InvalidURL(description: "SMTP URL scheme must be smtp or smtps, not \(scheme)")
        }
        guard let host = components.host, !host.isEmpty else { throw InvalidURL(description: "SMTP URL has no host") }
        var credentials: (user: String, password: String)?
        if let user = components.percentEncodedUser, !user.isEmpty {
            let password = components.percentEncodedPassword ?? ""
            credentials = (user.removingPercentEncoding ?? user, password.removingPercentEncoding ?? password)
        }
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.init(host: bareHost, port: components.port ?? defaultPort, tls: tls, credentials: credentials, trustedCAFile: trustedCAFile)
    }

    /// For logs: never shows the password.
    public var description: String {
        let scheme = tls == .implicit ? "smtps" : "smtp"
        let user = credentials.map { "\($0.user):***@" } ?? ""
        return "\(scheme)://\(user)\(host):\(port)"
    }
}
