/// How a delivery failed, as the outbox needs to know it (RFC 5321 §4.2.1 reply classes).
public enum MailDeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A permanent refusal (5yz) of this message: it goes to the dead letters with this text.
    case rejected(String)
    /// A temporary refusal (4yz) of this message: retry it later, others may go on.
    case deferred(String)
    /// The mail server could not be reached or the session failed: retry later, stop this round.
    case unavailable(String)

    public var description: String {
        switch self {
        case .rejected(let text), .deferred(let text), .unavailable(let text): text
        }
    }
}
