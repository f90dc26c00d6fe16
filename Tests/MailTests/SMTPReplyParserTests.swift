import Mail
import Testing

@Suite("SMTP reply parser (RFC 5321 §4.2)")
struct SMTPReplyParserTests {
    @Test("A single-line reply, fed one byte at a time")
    func byteByByte() throws {
        var parser = SMTPReplyParser()
        var replies: [SMTPReply] = []
        for byte in Array("220 mx.test ESMTP ready\r\n".utf8) {
            replies += try parser.feed([byte])
        }
        #expect(replies == [SMTPReply(code: 220, lines: ["mx.test ESMTP ready"])])
        #expect(parser.isIdle)
    }

    @Test("A multi-line EHLO reply ends only at the line with a space after the code")
    func multiLine() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed(Array("250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n".utf8)).isEmpty)
        #expect(!parser.isIdle)
        let replies = try parser.feed(Array("250 STARTTLS\r\n".utf8))
        #expect(replies == [SMTPReply(code: 250, lines: ["mx.test", "PIPELINING", "AUTH PLAIN LOGIN", "STARTTLS"])])
    }

    @Test("Several replies in one read (pipelining), a bare code, a bare LF, and a split CRLF")
    func severalInOneRead() throws {
        var parser = SMTPReplyParser()
        var replies = try parser.feed(Array("250 2.1.0 Ok\r\n250\n354 End data with <CR>".utf8))
        replies += try parser.feed(Array("<LF>.<CR><LF>\r".utf8))
        replies += try parser.feed(Array("\n".utf8))
        #expect(replies.map(\.code) == [250, 250, 354])
        #expect(replies[0].description == "250 2.1.0 Ok")
        #expect(replies[1].lines == [""])
        #expect(replies[2].lines == ["End data with <CR><LF>.<CR><LF>"])
    }

    @Test("Malformed replies are protocol errors", arguments: [
        "hello\r\n", "25\r\n", "2500 x\r\n", "199 too low\r\n", "250_x\r\n", "250-a\r\n251 b\r\n",
    ])
    func malformed(_ text: String) {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPProtocolError.self) { try parser.feed(Array(text.utf8)) }
    }

    @Test("A line longer than the limit is refused, even without its end")
    func overlong() {
        var parser = SMTPReplyParser(maximumLineLength: 64)
        #expect(throws: SMTPProtocolError.self) { try parser.feed(Array(repeating: UInt8(ascii: "2"), count: 65)) }
    }

    @Test("Reply classes: 2yz positive, 3yz intermediate, 4yz transient, 5yz permanent")
    func classes() {
        #expect(SMTPReply(code: 250, lines: []).isPositive)
        #expect(SMTPReply(code: 354, lines: []).isIntermediate)
        #expect(SMTPReply(code: 451, lines: []).isTransient)
        #expect(SMTPReply(code: 550, lines: []).isPermanent)
    }
}

@Suite("DATA encoding (RFC 5321 §4.5.2)")
struct SMTPDataEncoderTests {
    @Test("Dot-stuffing, CRLF normalisation and the terminating dot")
    func stuffing() {
        let encoded = SMTPDataEncoder.encode(Array(".first\nmiddle\r\n..two\rlast".utf8))
        #expect(String(decoding: encoded, as: UTF8.self) == "..first\r\nmiddle\r\n...two\r\nlast\r\n.\r\n")
    }

    @Test("A message already ending in CRLF gets no empty line before the dot")
    func endsWithCRLF() {
        #expect(String(decoding: SMTPDataEncoder.encode(Array("a\r\n.\r\n".utf8)), as: UTF8.self) == "a\r\n..\r\n.\r\n")
        #expect(String(decoding: SMTPDataEncoder.encode([UInt8]()), as: UTF8.self) == ".\r\n")
    }
}

@Suite("SMTP URL configuration")
struct SMTPConfigurationTests {
    @Test("smtp:// with credentials (percent-decoded), smtps:// implicit TLS, default ports")
    func parse() throws {
        let plain = try SMTPConfiguration(url: "smtp://mailer%40acme:p%3Ass@mail.acme.test:587")
        #expect(plain.host == "mail.acme.test")
        #expect(plain.port == 587)
        #expect(plain.tls == .startTLSWhenOffered)
        #expect(plain.credentials?.user == "mailer@acme")
        #expect(plain.credentials?.password == "p:ss")
        #expect(plain.description == "smtp://mailer@acme:***@mail.acme.test:587")
        #expect(!plain.description.contains("p:ss"))
        let implicit = try SMTPConfiguration(url: "smtps://relay.test", trustedCAFile: "/tmp/ca.pem")
        #expect(implicit.port == 465)
        #expect(implicit.tls == .implicit)
        #expect(implicit.credentials == nil)
        #expect(implicit.trustedCAFile == "/tmp/ca.pem")
        #expect(try SMTPConfiguration(url: "smtp://[::1]:2525").host == "::1")
    }

    @Test("Other schemes and URLs without a host are refused", arguments: ["http://x", "smtp://", "mail.test:25", "smtp:///x"])
    func refuse(_ text: String) {
        #expect(throws: (any Error).self) { try SMTPConfiguration(url: text) }
    }
}
