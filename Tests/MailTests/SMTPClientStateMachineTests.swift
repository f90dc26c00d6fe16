import Foundation
import Mail
import Testing

/// Drives the client state machine with server bytes (through the real reply parser) and
/// collects what it writes and reports, without any socket.
struct SMTPScript {
    var machine: SMTPClientStateMachine
    var parser = SMTPReplyParser()
    var written = ""
    var events: [String] = []

    init(tls: SMTPClientStateMachine.TLSPolicy = .startTLSWhenOffered, credentials: (user: String, password: String)? = nil) {
        machine = SMTPClientStateMachine(configuration: .init(clientName: "sb.test", tls: tls, credentials: credentials))
    }

    /// Feeds the server's bytes one at a time and returns what the client wrote in response.
    @discardableResult
    mutating func server(_ text: String) throws -> String {
        let before = written.count
        for byte in Array(text.utf8) {
            for reply in try parser.feed([byte]) { apply(machine.receive(reply)) }
        }
        return String(written.dropFirst(before))
    }

    mutating func send(to recipient: String, message: String = "Subject: hi\r\n\r\nbody\r\n") throws -> String {
        let before = written.count
        apply(machine.send(try SMTPEnvelope(sender: "no-reply@sb.test", recipients: [recipient], message: Array(message.utf8))))
        return String(written.dropFirst(before))
    }

    mutating func tlsUp() -> String {
        let before = written.count
        apply(machine.tlsEstablished())
        return String(written.dropFirst(before))
    }

    mutating func apply(_ actions: [SMTPClientStateMachine.Action]) {
        for action in actions {
            switch action {
            case .write(let bytes): written += String(decoding: bytes, as: UTF8.self)
            case .startTLS: events.append("starttls")
            case .sessionReady: events.append("ready")
            case .delivered(let reply): events.append("delivered \(reply.code)")
            case .messageFailed(let failure): events.append("failed \(failure.stage.rawValue) \(failure.reason) permanent=\(failure.isPermanentForMessage)")
            case .sessionFailed(let failure): events.append("session \(failure.stage.rawValue) \(failure.reason)")
            case .close: events.append("close")
            }
        }
    }
}

@Suite("SMTP client state machine (RFC 5321, 3207, 4954, 2920)")
struct SMTPClientStateMachineTests {
    @Test("Plain session without extensions: one command at a time, dot-stuffed data, two messages on one connection, QUIT")
    func sequential() throws {
        var s = SMTPScript()
        let w1 = try s.server("220 mx.test ESMTP\r\n")
        #expect(w1 == "EHLO sb.test\r\n")
        let w2 = try s.server("250 mx.test\r\n")
        #expect(w2 == "")
        #expect(s.events == ["ready"])
        let w3 = try s.send(to: "ana@acme.test", message: "Subject: x\r\n\r\n.hidden\r\n")
        #expect(w3 == "MAIL FROM:<no-reply@sb.test>\r\n")
        let w4 = try s.server("250 2.1.0 Ok\r\n")
        #expect(w4 == "RCPT TO:<ana@acme.test>\r\n")
        let w5 = try s.server("250 2.1.5 Ok\r\n")
        #expect(w5 == "DATA\r\n")
        let w6 = try s.server("354 go ahead\r\n")
        #expect(w6 == "Subject: x\r\n\r\n..hidden\r\n.\r\n")
        let w7 = try s.server("250 2.0.0 queued as A1\r\n")
        #expect(w7 == "")
        #expect(s.events.last == "delivered 250")
        #expect(s.machine.isReady)
        let w8 = try s.send(to: "bia@acme.test")
        #expect(w8 == "MAIL FROM:<no-reply@sb.test>\r\n")
        try s.server("250 Ok\r\n")
        try s.server("250 Ok\r\n")
        try s.server("354 go\r\n")
        try s.server("250 Ok\r\n")
        #expect(s.events.filter { $0.hasPrefix("delivered") }.count == 2)
        let w9 = s.machine.quit()
        #expect(w9 == [.write(Array("QUIT\r\n".utf8))])
        s.apply(s.machine.receive(SMTPReply(code: 221, lines: ["bye"])))
        #expect(s.events.last == "close")
        #expect(s.machine.isClosed)
    }

    @Test("PIPELINING: MAIL, RCPT and DATA go in one write; the data only after 354")
    func pipelined() throws {
        var s = SMTPScript()
        try s.server("220 mx\r\n")
        try s.server("250-mx\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
        #expect(s.machine.supportsPipelining)
        let w10 = try s.send(to: "ana@acme.test")
        #expect(w10 == "MAIL FROM:<no-reply@sb.test>\r\nRCPT TO:<ana@acme.test>\r\nDATA\r\n")
        let w11 = try s.server("250 Ok\r\n250 Ok\r\n")
        #expect(w11 == "")
        let w12 = try s.server("354 go\r\n")
        #expect(w12 == "Subject: hi\r\n\r\nbody\r\n.\r\n")
        try s.server("250 Ok\r\n")
        #expect(s.events == ["ready", "delivered 250"])
    }

    @Test("550 to RCPT (pipelined): permanent message failure with the server's text, RSET, session stays usable")
    func rejectedRecipientPipelined() throws {
        var s = SMTPScript()
        try s.server("220 mx\r\n250-mx\r\n250 PIPELINING\r\n")
        _ = try s.send(to: "nobody@acme.test")
        let w13 = try s.server("250 Ok\r\n550 5.1.1 <nobody@acme.test>: Recipient address rejected\r\n554 5.5.1 no valid recipients\r\n")
        #expect(w13 == "RSET\r\n")
        let w14 = try s.server("250 Ok\r\n")
        #expect(w14 == "")
        #expect(s.events.last == "failed rcptTo 550 5.1.1 <nobody@acme.test>: Recipient address rejected permanent=true")
        #expect(s.machine.isReady)
    }

    @Test("A pipelining server that answers 354 after a refused recipient gets an empty message, then RSET")
    func goAheadAfterRefusal() throws {
        var s = SMTPScript()
        try s.server("220 mx\r\n250-mx\r\n250 PIPELINING\r\n")
        _ = try s.send(to: "nobody@acme.test")
        let w15 = try s.server("250 Ok\r\n550 no such user\r\n354 go\r\n")
        #expect(w15 == ".\r\nRSET\r\n")
        let w16 = try s.server("554 no valid recipients\r\n")
        #expect(w16 == "")
        let w17 = try s.server("250 Ok\r\n")
        #expect(w17 == "")
        #expect(s.events.last == "failed rcptTo 550 no such user permanent=true")
    }

    @Test("451 after the data: a temporary failure of the message, not permanent")
    func transientAfterData() throws {
        var s = SMTPScript()
        try s.server("220 mx\r\n250 mx\r\n")
        _ = try s.send(to: "ana@acme.test")
        try s.server("250 Ok\r\n250 Ok\r\n354 go\r\n")
        try s.server("451 4.3.0 try later\r\n")
        #expect(s.events.last == "failed message 451 4.3.0 try later permanent=false")
        #expect(s.machine.isReady)
    }

    @Test("STARTTLS when offered, EHLO again over TLS, then AUTH PLAIN")
    func startTLSAndAuthPlain() throws {
        var s = SMTPScript(credentials: ("mailer", "s3cret"))
        try s.server("220 mx\r\n")
        let w18 = try s.server("250-mx\r\n250-STARTTLS\r\n250 AUTH LOGIN PLAIN\r\n")
        #expect(w18 == "STARTTLS\r\n")
        let w19 = try s.server("220 2.0.0 Ready to start TLS\r\n")
        #expect(w19 == "")
        #expect(s.events == ["starttls"])
        let w20 = s.tlsUp()
        #expect(w20 == "EHLO sb.test\r\n")
        let token = Data("\u{0}mailer\u{0}s3cret".utf8).base64EncodedString()
        let w21 = try s.server("250-mx\r\n250 AUTH LOGIN PLAIN\r\n")
        #expect(w21 == "AUTH PLAIN \(token)\r\n")
        let w22 = try s.server("235 2.7.0 Authentication successful\r\n")
        #expect(w22 == "")
        #expect(s.events == ["starttls", "ready"])
        #expect(s.machine.isTLSActive)
    }

    @Test("AUTH LOGIN when PLAIN is not offered (implicit TLS)")
    func authLogin() throws {
        var s = SMTPScript(tls: .implicit, credentials: ("mailer", "s3cret"))
        try s.server("220 mx\r\n")
        let w23 = try s.server("250-mx\r\n250-STARTTLS\r\n250 AUTH LOGIN\r\n")
        #expect(w23 == "AUTH LOGIN\r\n")
        let w24 = try s.server("334 VXNlcm5hbWU6\r\n")
        #expect(w24 == "bWFpbGVy\r\n")
        let w25 = try s.server("334 UGFzc3dvcmQ6\r\n")
        #expect(w25 == "czNjcmV0\r\n")
        try s.server("235 ok\r\n")
        #expect(s.events == ["ready"])
    }

    @Test("Credentials are never sent in clear: no STARTTLS offered fails the session before AUTH")
    func noCredentialsInClear() throws {
        var s = SMTPScript(credentials: ("mailer", "s3cret"))
        try s.server("220 mx\r\n")
        let w26 = try s.server("250-mx\r\n250 AUTH PLAIN\r\n")
        #expect(w26 == "")
        #expect(s.events.count == 1)
        #expect(s.events[0].hasPrefix("session auth refusing to send SMTP credentials without TLS"))
        #expect(!s.written.contains("AUTH"))
    }

    @Test("Failures of the session: 554 greeting, 535 AUTH, missing STARTTLS when required, connection lost")
    func sessionFailures() throws {
        var greeting = SMTPScript()
        try greeting.server("554 no service\r\n")
        #expect(greeting.events == ["session greeting 554 no service"])

        var auth = SMTPScript(tls: .implicit, credentials: ("u", "p"))
        try auth.server("220 mx\r\n250-mx\r\n250 AUTH PLAIN\r\n")
        try auth.server("535 5.7.8 bad credentials\r\n")
        #expect(auth.events == ["session auth 535 5.7.8 bad credentials"])

        var required = SMTPScript(tls: .startTLSRequired)
        try required.server("220 mx\r\n250 mx\r\n")
        #expect(required.events == ["session startTLS the SMTP server does not offer STARTTLS"])

        var lost = SMTPScript()
        try lost.server("220 mx\r\n250 mx\r\n")
        _ = try lost.send(to: "ana@acme.test")
        lost.apply(lost.machine.connectionClosed())
        #expect(lost.events.last == "session connect the SMTP server closed the connection")
    }

    @Test("EHLO refused with 502: falls back to HELO without extensions")
    func heloFallback() throws {
        var s = SMTPScript()
        try s.server("220 old\r\n")
        let w27 = try s.server("502 unknown command\r\n")
        #expect(w27 == "HELO sb.test\r\n")
        try s.server("250 old\r\n")
        #expect(s.events == ["ready"])
        #expect(!s.machine.supportsPipelining)
    }

    @Test("Addresses that could inject commands are refused before anything is written")
    func injection() {
        #expect(throws: SMTPProtocolError.self) {
            try SMTPEnvelope(sender: "a@b.test", recipients: ["x@y.test>\r\nRCPT TO:<evil@z.test"], message: [])
        }
        #expect(throws: SMTPProtocolError.self) { try SMTPEnvelope(sender: "a@b.test", recipients: [], message: []) }
    }
}
