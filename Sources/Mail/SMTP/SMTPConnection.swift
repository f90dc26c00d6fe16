import NIOCore
import NIOPosix
import NIOSSL

/// One open, greeted (and, when configured, encrypted and authenticated) SMTP session.
final class SMTPConnection: Sendable {
    private let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    var isActive: Bool { channel.isActive }

    /// Connects, reads the greeting, says EHLO, upgrades with STARTTLS and authenticates as the
    /// configuration asks; returns once the session is ready for mail (RFC 5321 §3.1, RFC 3207, RFC 4954).
    static func open(_ configuration: SMTPConfiguration, sslContext: NIOSSLContext?, group: any EventLoopGroup) async throws -> SMTPConnection {
        let loop = group.next()
        let ready = loop.makePromise(of: Void.self)
        let machine = SMTPClientStateMachine(configuration: .init(
            clientName: configuration.clientName, tls: configuration.tls, credentials: configuration.credentials))
        let serverHostname = Self.isIPAddress(configuration.host) ? nil : configuration.host
        let replyTimeout = TimeAmount.nanoseconds(Int64(configuration.replyTimeout.components.seconds) * 1_000_000_000)
        let implicitTLS = configuration.tls == .implicit
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    if implicitTLS {
                        guard let sslContext else { throw SMTPFailure(stage: .connect, reply: nil, reason: "TLS is not configured") }
                        try operations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                    }
                    try operations.addHandler(SMTPClientHandler(
                        machine: machine, ready: ready, sslContext: sslContext, serverHostname: serverHostname, replyTimeout: replyTimeout))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            ready.fail(error)
            throw error
        }
        do {
            try await ready.futureResult.get()
        } catch {
            try? await channel.close()
            throw error
        }
        return SMTPConnection(channel: channel)
    }

    /// Runs one mail transaction; returns the server's 250 reply to the end of data.
    func send(_ envelope: SMTPEnvelope) async throws -> SMTPReply {
        let reply = channel.eventLoop.makePromise(of: SMTPReply.self)
        channel.writeAndFlush(SMTPRequest.send(envelope, reply)).whenFailure { error in
            reply.fail(SMTPClientError.session(SMTPFailure(stage: .connect, reply: nil, reason: "SMTP connection is closed: \(error)")))
        }
        return try await reply.futureResult.get()
    }

    /// Says QUIT and closes (bounded by the handler's reply timeout).
    func quit() async {
        let done = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(SMTPRequest.quit(done)).whenFailure { _ in done.succeed(()) }
        try? await done.futureResult.get()
        try? await channel.close()
    }

    func close() async {
        try? await channel.close()
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
