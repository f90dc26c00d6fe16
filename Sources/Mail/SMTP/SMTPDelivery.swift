import NIOCore
import NIOPosix
import NIOSSL

/// Delivers over SMTP (RFC 5321), keeping one connection open for a batch: the worker sends
/// message after message on it and calls `finishBatch()` at the end, which says QUIT.
/// Errors are sorted for the outbox: 5yz to a transaction command → `.rejected`,
/// 4yz → `.deferred`, anything about the connection (refused, TLS, AUTH, timeout) → `.unavailable`.
public actor SMTPDelivery: MailDelivery {
    public nonisolated let configuration: SMTPConfiguration
    private let sslContext: NIOSSLContext?
    private let group: any EventLoopGroup
    private var connection: SMTPConnection?

    /// Certificate verification stays on; `configuration.trustedCAFile` adds a CA to trust.
    public init(configuration: SMTPConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        self.configuration = configuration
        self.group = group
        if configuration.tls == .none {
            self.sslContext = nil
        } else {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            if let file = configuration.trustedCAFile { tls.trustRoots = .file(file) }
            self.sslContext = try NIOSSLContext(configuration: tls)
        }
    }

    public func deliver(_ message: MIMEMessage, sequence: Int64) async throws {
        let envelope: SMTPEnvelope
        do {
            envelope = try SMTPEnvelope(sender: message.from.address, recipients: [message.to.address], message: Array(message.rendered().utf8))
        } catch {
            throw MailDeliveryError.rejected("address not usable for SMTP: \(error)")
        }
        let session = try await openSession()
        do {
            _ = try await session.send(envelope)
        } catch let error as SMTPClientError {
            if case .message(let failure) = error {
                if failure.isPermanentForMessage { throw MailDeliveryError.rejected(failure.reason) }
                if failure.reply?.isTransient == true, session.isActive { throw MailDeliveryError.deferred(failure.reason) }
            }
            await drop(session)
            if case .session(let failure) = error, failure.isPermanentForMessage { throw MailDeliveryError.rejected(failure.reason) }
            throw MailDeliveryError.unavailable(error.failure.reason)
        } catch {
            await drop(session)
            throw MailDeliveryError.unavailable(String(describing: error))
        }
    }

    public func finishBatch() async {
        guard let session = connection else { return }
        connection = nil
        await session.quit()
    }

    private func openSession() async throws -> SMTPConnection {
        if let connection, connection.isActive { return connection }
        connection = nil
        do {
            let opened = try await SMTPConnection.open(configuration, sslContext: sslContext, group: group)
            connection = opened
            return opened
        } catch let error as SMTPClientError {
            throw MailDeliveryError.unavailable("\(configuration): \(error.failure.reason)")
        } catch {
            throw MailDeliveryError.unavailable("\(configuration): \(error)")
        }
    }

    private func drop(_ session: SMTPConnection) async {
        if connection === session { connection = nil }
        await session.close()
    }
}
