import Mail
import Testing

/// Issue 10 §3: a mail server's replies are outside bytes. 1,000,000 random and mutated reply streams,
/// fed in random splits to the reply parser and the client state machine, never crash; garbage is a
/// protocol error (the connection is dropped), never a reply with a code outside 200...599.
@Suite("SMTP robustness")
struct SMTPFuzzTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let conversation = [
        "220 mx.test ESMTP ready\r\n", "250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n", "220 2.0.0 Ready to start TLS\r\n",
        "235 2.7.0 Authentication successful\r\n", "250 2.1.0 Ok\r\n", "250 2.1.5 Ok\r\n", "354 End data with <CR><LF>.<CR><LF>\r\n",
        "250 2.0.0 Ok: queued as 4F1\r\n", "550 5.1.1 <x@y.test>: Recipient address rejected\r\n", "421 4.3.2 Shutting down\r\n", "221 2.0.0 Bye\r\n",
    ]

    @Test("1,000,000 random and mutated reply streams through the parser and the client state machine")
    func replies() throws {
        var random = SplitMix(state: 0x5A7F)
        let alphabet = Array("0123456789 -\r\n.<>:OkESMTP".utf8) + [0, 0xFF, 0xC3]
        let seeds = Self.conversation.map { Array($0.utf8) }
        var replies = 0, refused = 0, actions = 0
        for index in 0..<1_000_000 {
            var bytes: [UInt8]
            switch index % 3 {
            case 0:
                bytes = (0..<Int.random(in: 0...48, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 1:
                bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in alphabet.randomElement(using: &random) ?? 0 }
            default:
                bytes = seeds.randomElement(using: &random) ?? []
                for _ in 0..<Int.random(in: 1...3, using: &random) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = alphabet.randomElement(using: &random) ?? 0
                }
            }
            var parser = SMTPReplyParser(maximumLineLength: 64)
            var machine = SMTPClientStateMachine(configuration: .init(clientName: "sb.test", tls: .startTLSWhenOffered))
            var offset = 0
            do {
                while offset < bytes.count {
                    let size = Int.random(in: 1...max(1, bytes.count - offset), using: &random)
                    for reply in try parser.feed(bytes[offset..<offset + size]) {
                        #expect((200...599).contains(reply.code))
                        replies += 1
                        actions += machine.receive(reply).count
                    }
                    offset += size
                }
            } catch {
                #expect(!error.description.isEmpty)
                refused += 1
            }
        }
        #expect(replies > 0 && refused > 0 && actions > 0, "replies \(replies), refused \(refused), actions \(actions)")
    }
}
