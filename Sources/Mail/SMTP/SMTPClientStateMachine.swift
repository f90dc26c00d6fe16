import Foundation

/// The client side of an SMTP session (RFC 5321 §3, §4.1) without any I/O: it is told what the
/// server replied and answers with what to do (bytes to write, start TLS, report an outcome).
/// Covers EHLO (HELO fallback), STARTTLS (RFC 3207), AUTH PLAIN/LOGIN (RFC 4954, 4616),
/// PIPELINING (RFC 2920), several transactions on one connection, RSET after a failed one, QUIT.
public struct SMTPClientStateMachine: Sendable {
    public enum TLSPolicy: Sendable, Equatable {
        /// `smtps://`: TLS from the first byte; STARTTLS is never sent.
        case implicit
        /// `smtp://`: STARTTLS when the server offers it, plain text otherwise.
        case startTLSWhenOffered
        /// STARTTLS is required; a server without it fails the session.
        case startTLSRequired
        /// Never upgrade (only for tests and trusted loopback relays).
        case none
    }

    public struct Configuration: Sendable {
        /// The client's name in EHLO/HELO (RFC 5321 §4.1.1.1).
        public var clientName: String
        public var tls: TLSPolicy
        public var credentials: (user: String, password: String)?

        public init(clientName: String, tls: TLSPolicy, credentials: (user: String, password: String)? = nil) {
            self.clientName = clientName
            self.tls = tls
            self.credentials = credentials
        }
    }

    public enum Action: Sendable, Equatable {
        case write([UInt8])
        /// Put TLS under the session now; call `tlsEstablished()` when the handshake is done.
        case startTLS
        /// The session is ready for `send(_:)` (reported once, after greeting, EHLO, TLS and AUTH).
        case sessionReady
        /// The server accepted the message (250 after the data).
        case delivered(SMTPReply)
        /// This message failed; the session stays usable for the next one.
        case messageFailed(SMTPFailure)
        /// The session cannot continue; close the connection.
        case sessionFailed(SMTPFailure)
        /// The session ended (after QUIT); close the connection.
        case close
    }

    enum Expect: Sendable, Equatable {
        case mailFrom, rcptTo, data
    }

    enum State: Sendable {
        case greeting
        case ehlo
        case helo
        case startTLS
        case tlsHandshake
        case authPlain
        case authLogin(step: Int)
        case ready
        /// Waiting for the replies in `expected`; `failure` holds the first refusal.
        case transaction(expected: [Expect], body: [UInt8], failure: SMTPFailure?, accepted: Int)
        case body
        /// Waiting for RSET's reply after a refused transaction; `skip` replies come before it.
        case reset(SMTPFailure, skip: Int)
        case quit
        case closed
    }

    public let configuration: Configuration
    private var state: State = .greeting
    private var tlsActive: Bool
    public private(set) var extensions: [String: String] = [:]

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.tlsActive = configuration.tls == .implicit
    }

    public var isReady: Bool { if case .ready = state { true } else { false } }
    public var isClosed: Bool { if case .closed = state { true } else { false } }
    public var isTLSActive: Bool { tlsActive }
    public var supportsPipelining: Bool { extensions["PIPELINING"] != nil }

    /// Feeds one complete reply from the server.
    public mutating func receive(_ reply: SMTPReply) -> [Action] {
        switch state {
        case .greeting:
            guard reply.code == 220 else { return fail(.greeting, reply) }
            state = .ehlo
            return [command("EHLO \(configuration.clientName)")]
        case .ehlo:
            if reply.code == 500 || reply.code == 502 {
                state = .helo
                return [command("HELO \(configuration.clientName)")]
            }
            guard reply.code == 250 else { return fail(.ehlo, reply) }
            extensions = Self.parseExtensions(reply)
            return afterHello()
        case .helo:
            guard reply.code == 250 else { return fail(.ehlo, reply) }
            extensions = [:]
            return afterHello()
        case .startTLS:
            guard reply.code == 220 else { return fail(.startTLS, reply) }
            state = .tlsHandshake
            return [.startTLS]
        case .authPlain:
            guard reply.code == 235 else { return fail(.auth, reply) }
            return becomeReady()
        case .authLogin(let step):
            if step < 2 {
                guard reply.code == 334, let credentials = configuration.credentials else { return fail(.auth, reply) }
                state = .authLogin(step: step + 1)
                let value = step == 0 ? credentials.user : credentials.password
                return [command(Data(value.utf8).base64EncodedString())]
            }
            guard reply.code == 235 else { return fail(.auth, reply) }
            return becomeReady()
        case .transaction(var expected, let body, var failure, var accepted):
            guard !expected.isEmpty else { return fail(.message, reply, reason: "unexpected reply \(reply)") }
            let step = expected.removeFirst()
            switch step {
            case .mailFrom:
                if !reply.isPositive, failure == nil { failure = SMTPFailure(stage: .mailFrom, reply: reply) }
            case .rcptTo:
                if reply.isPositive { accepted += 1 } else if failure == nil { failure = SMTPFailure(stage: .rcptTo, reply: reply) }
            case .data:
                if reply.code == 354 {
                    if let failure {
                        // A pipelining server said "go ahead" although a recipient failed (RFC 2920 §3.1):
                        // send an empty message so it ends the transaction, then RSET.
                        state = .reset(failure, skip: 1)
                        return [.write(Array(".\r\n".utf8)), command("RSET")]
                    }
                    state = .body
                    return [.write(body)]
                }
                let refusal = failure ?? SMTPFailure(stage: .data, reply: reply)
                state = .reset(refusal, skip: 0)
                return [command("RSET")]
            }
            if expected.isEmpty {
                // Not pipelined, or the last pipelined reply: decide on the next command.
                return nextCommand(after: step, body: body, failure: failure, accepted: accepted)
            }
            state = .transaction(expected: expected, body: body, failure: failure, accepted: accepted)
            return []
        case .body:
            state = .ready
            if reply.code == 250 { return [.delivered(reply)] }
            // The transaction is over either way (RFC 5321 §4.1.1.4); no RSET needed.
            return [.messageFailed(SMTPFailure(stage: .message, reply: reply))]
        case .reset(let failure, let skip):
            if skip > 0 {
                // The reply to the empty message sent to close a half-failed pipeline.
                state = .reset(failure, skip: skip - 1)
                return []
            }
            if reply.code == 250 {
                state = .ready
                return [.messageFailed(failure)]
            }
            return [.messageFailed(failure)] + fail(.reset, reply)
        case .quit:
            state = .closed
            return [.close]
        case .tlsHandshake, .ready, .closed:
            return fail(.message, reply, reason: "unexpected reply \(reply)")
        }
    }

    /// The TLS handshake requested by `.startTLS` finished: greet again (RFC 3207 §4.2).
    public mutating func tlsEstablished() -> [Action] {
        guard case .tlsHandshake = state else { return [] }
        tlsActive = true
        extensions = [:]
        state = .ehlo
        return [command("EHLO \(configuration.clientName)")]
    }

    /// Starts a mail transaction; only valid when ready. Pipelines MAIL, RCPT and DATA when the
    /// server advertised PIPELINING, else sends MAIL and waits for each reply.
    public mutating func send(_ envelope: SMTPEnvelope) -> [Action] {
        guard case .ready = state else {
            return [.messageFailed(SMTPFailure(stage: .mailFrom, reply: nil, reason: "the SMTP session is not ready"))]
        }
        let body = SMTPDataEncoder.encode(envelope.message)
        pendingRecipients = envelope.recipients
        if supportsPipelining {
            var text = "MAIL FROM:<\(envelope.sender)>\r\n"
            for recipient in envelope.recipients { text += "RCPT TO:<\(recipient)>\r\n" }
            text += "DATA\r\n"
            state = .transaction(expected: [.mailFrom] + envelope.recipients.map { _ in .rcptTo } + [.data], body: body, failure: nil, accepted: 0)
            return [.write(Array(text.utf8))]
        }
        state = .transaction(expected: [.mailFrom], body: body, failure: nil, accepted: 0)
        return [command("MAIL FROM:<\(envelope.sender)>")]
    }

    /// Ends the session politely (RFC 5321 §4.1.1.10).
    public mutating func quit() -> [Action] {
        switch state {
        case .ready:
            state = .quit
            return [command("QUIT")]
        case .closed, .quit:
            return []
        default:
            state = .closed
            return [.close]
        }
    }

    /// The connection went away: whatever was in flight failed.
    public mutating func connectionClosed() -> [Action] {
        switch state {
        case .closed, .quit:
            state = .closed
            return []
        default:
            return fail(.connect, nil, reason: "the SMTP server closed the connection")
        }
    }

    // MARK: - Steps

    private var pendingRecipients: [String] = []

    private mutating func nextCommand(after step: Expect, body: [UInt8], failure: SMTPFailure?, accepted: Int) -> [Action] {
        if let failure {
            state = .reset(failure, skip: 0)
            return [command("RSET")]
        }
        switch step {
        case .mailFrom:
            guard let first = pendingRecipients.first else { return fail(.rcptTo, nil, reason: "no recipient") }
            state = .transaction(expected: [.rcptTo], body: body, failure: nil, accepted: accepted)
            return [command("RCPT TO:<\(first)>")]
        case .rcptTo:
            if accepted < pendingRecipients.count {
                state = .transaction(expected: [.rcptTo], body: body, failure: nil, accepted: accepted)
                return [command("RCPT TO:<\(pendingRecipients[accepted])>")]
            }
            state = .transaction(expected: [.data], body: body, failure: nil, accepted: accepted)
            return [command("DATA")]
        case .data:
            return fail(.data, nil, reason: "DATA reply handled elsewhere")
        }
    }

    private mutating func afterHello() -> [Action] {
        let offered = extensions["STARTTLS"] != nil
        if !tlsActive {
            switch configuration.tls {
            case .startTLSWhenOffered where offered, .startTLSRequired where offered:
                state = .startTLS
                return [command("STARTTLS")]
            case .startTLSRequired:
                return fail(.startTLS, nil, reason: "the SMTP server does not offer STARTTLS")
            default:
                break
            }
        }
        guard let credentials = configuration.credentials else { return becomeReady() }
        guard tlsActive else {
            return fail(.auth, nil, reason: "refusing to send SMTP credentials without TLS (the server offers no STARTTLS)")
        }
        let mechanisms = Set((extensions["AUTH"] ?? "").uppercased().split(separator: " ").map(String.init))
        if mechanisms.contains("PLAIN") {
            state = .authPlain
            let token = Data("\u{0}\(credentials.user)\u{0}\(credentials.password)".utf8).base64EncodedString()
            return [command("AUTH PLAIN \(token)")]
        }
        if mechanisms.contains("LOGIN") {
            state = .authLogin(step: 0)
            return [command("AUTH LOGIN")]
        }
        return fail(.auth, nil, reason: "the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN")
    }

    private mutating func becomeReady() -> [Action] {
        state = .ready
        return [.sessionReady]
    }

    private mutating func fail(_ stage: SMTPFailure.Stage, _ reply: SMTPReply?, reason: String? = nil) -> [Action] {
        state = .closed
        return [.sessionFailed(SMTPFailure(stage: stage, reply: reply, reason: reason))]
    }

    private func command(_ text: String) -> Action { .write(Array("\(text)\r\n".utf8)) }

    /// EHLO keywords (RFC 5321 §4.1.1.1): the first line is the greeting, each other line is
    /// `KEYWORD [params]`.
    static func parseExtensions(_ reply: SMTPReply) -> [String: String] {
        var result: [String: String] = [:]
        for line in reply.lines.dropFirst() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard let keyword = parts.first else { continue }
            result[keyword.uppercased()] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }
}
