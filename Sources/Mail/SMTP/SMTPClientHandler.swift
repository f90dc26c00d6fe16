import NIOCore
import NIOSSL
import NIOTLS

/// What the async side asks of the handler; each request carries the promise it completes.
enum SMTPRequest: Sendable {
    case send(SMTPEnvelope, EventLoopPromise<SMTPReply>)
    case quit(EventLoopPromise<Void>)
}

/// The thin NIO layer under `SMTPClientStateMachine`: parses bytes into replies, performs the
/// machine's actions (writes, STARTTLS by putting `NIOSSLClientHandler` at the front of the
/// pipeline), completes promises, and bounds every wait for a reply with `replyTimeout`.
final class SMTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = SMTPRequest
    typealias OutboundOut = ByteBuffer

    private var machine: SMTPClientStateMachine
    private var parser = SMTPReplyParser()
    private var ready: EventLoopPromise<Void>?
    private var current: EventLoopPromise<SMTPReply>?
    private var quitting: EventLoopPromise<Void>?
    private let sslContext: NIOSSLContext?
    private let serverHostname: String?
    private let replyTimeout: TimeAmount
    private var timeout: Scheduled<Void>?

    init(machine: SMTPClientStateMachine, ready: EventLoopPromise<Void>, sslContext: NIOSSLContext?, serverHostname: String?, replyTimeout: TimeAmount) {
        self.machine = machine
        self.ready = ready
        self.sslContext = sslContext
        self.serverHostname = serverHostname
        self.replyTimeout = replyTimeout
    }

    func channelActive(context: ChannelHandlerContext) {
        armTimeout(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        do {
            for reply in try parser.feed(bytes) {
                perform(machine.receive(reply), context: context)
            }
        } catch {
            failEverything(.session(SMTPFailure(stage: .message, reply: nil, reason: "\(error)")), context: context)
            return
        }
        armTimeout(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            perform(machine.tlsEstablished(), context: context)
            armTimeout(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        promise?.succeed(())
        switch unwrapOutboundIn(data) {
        case .send(let envelope, let reply):
            guard current == nil, machine.isReady else {
                reply.fail(SMTPClientError.message(SMTPFailure(stage: .mailFrom, reply: nil, reason: "the SMTP session is busy or not ready")))
                return
            }
            current = reply
            perform(machine.send(envelope), context: context)
        case .quit(let done):
            quitting = done
            let actions = machine.quit()
            if actions.isEmpty {
                quitting = nil
                done.succeed(())
            }
            perform(actions, context: context)
        }
        armTimeout(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        _ = machine.connectionClosed()
        failEverything(.session(SMTPFailure(stage: .connect, reply: nil, reason: "the SMTP server closed the connection")), context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failEverything(.session(SMTPFailure(stage: .connect, reply: nil, reason: "SMTP connection error: \(error)")), context: context)
        context.close(promise: nil)
    }

    // MARK: - Actions

    private func perform(_ actions: [SMTPClientStateMachine.Action], context: ChannelHandlerContext) {
        var wrote = false
        for action in actions {
            switch action {
            case .write(let bytes):
                context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
                wrote = true
            case .startTLS:
                if wrote { context.flush() }
                wrote = false
                startTLS(context: context)
            case .sessionReady:
                ready?.succeed(())
                ready = nil
            case .delivered(let reply):
                current?.succeed(reply)
                current = nil
            case .messageFailed(let failure):
                current?.fail(SMTPClientError.message(failure))
                current = nil
            case .sessionFailed(let failure):
                if wrote { context.flush() }
                failEverything(.session(failure), context: context)
                context.close(promise: nil)
                return
            case .close:
                if wrote { context.flush() }
                quitting?.succeed(())
                quitting = nil
                context.close(promise: nil)
                return
            }
        }
        if wrote { context.flush() }
    }

    private func startTLS(context: ChannelHandlerContext) {
        do {
            guard let sslContext else {
                throw SMTPFailure(stage: .startTLS, reply: nil, reason: "TLS is not configured")
            }
            let handler = try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname)
            try context.pipeline.syncOperations.addHandler(handler, position: .first)
        } catch {
            failEverything(.session(SMTPFailure(stage: .startTLS, reply: nil, reason: "STARTTLS failed: \(error)")), context: context)
            context.close(promise: nil)
        }
    }

    private func failEverything(_ error: SMTPClientError, context: ChannelHandlerContext) {
        timeout?.cancel()
        timeout = nil
        ready?.fail(error)
        ready = nil
        current?.fail(error)
        current = nil
        quitting?.succeed(())
        quitting = nil
    }

    /// Waits for a reply are bounded; an idle, ready session has no timer.
    private func armTimeout(context: ChannelHandlerContext) {
        timeout?.cancel()
        timeout = nil
        guard !machine.isReady, !machine.isClosed else { return }
        let seconds = replyTimeout
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: seconds) { [self] in
            failEverything(.session(SMTPFailure(stage: .connect, reply: nil, reason: "no SMTP reply within \(seconds.nanoseconds / 1_000_000_000) s")), context: context)
            context.close(promise: nil)
        }
    }
}
