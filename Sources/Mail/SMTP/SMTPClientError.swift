/// How a request failed: the message alone (the session goes on) or the whole session.
public enum SMTPClientError: Error, Sendable, CustomStringConvertible {
    case message(SMTPFailure)
    case session(SMTPFailure)

    public var failure: SMTPFailure {
        switch self {
        case .message(let failure), .session(let failure): failure
        }
    }

    public var description: String { failure.description }
}
