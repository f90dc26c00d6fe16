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
