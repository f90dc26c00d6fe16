/// What one SMTP mail transaction carries (RFC 5321 §3.3): the reverse path, the recipients, and
/// the message (RFC 5322 text; dot-stuffing happens on the way out).
public struct SMTPEnvelope: Sendable, Equatable {
    public let sender: String
    public let recipients: [String]
    public let message: [UInt8]

    /// Fails when an address could inject a command (CR, LF, angle brackets) or is empty.
    public init(sender: String, recipients: [String], message: [UInt8]) throws(SMTPProtocolError) {
        for address in [sender] + recipients where !Self.isSafe(address) {
            throw SMTPProtocolError("address is not usable in an SMTP command")
        }
        guard !recipients.isEmpty else { throw SMTPProtocolError("a transaction needs at least one recipient") }
        self.sender = sender
        self.recipients = recipients
        self.message = message
    }

    static func isSafe(_ address: String) -> Bool {
        !address.isEmpty && address.utf8.count <= 256 && !address.contains { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" || $0 == " " }
    }
}

/// Why a message or a session failed, with the server's own words when it gave any.
public struct SMTPFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Stage: String, Sendable {
        case connect, greeting, ehlo, startTLS, auth, mailFrom, rcptTo, data, message, reset
    }
    public let stage: Stage
    /// The reply that failed, nil for a failure without one (protocol error, missing extension).
    public let reply: SMTPReply?
    public let reason: String

    public init(stage: Stage, reply: SMTPReply?, reason: String? = nil) {
        self.stage = stage
        self.reply = reply
        self.reason = reason ?? reply?.description ?? "failed"
    }

    /// A 5yz reply to a command of the mail transaction: this message will never be accepted.
    public var isPermanentForMessage: Bool {
        guard let reply, reply.isPermanent else { return false }
        switch stage {
        case .mailFrom, .rcptTo, .data, .message: return true
        default: return false
        }
    }

    public var description: String { reason }
}
