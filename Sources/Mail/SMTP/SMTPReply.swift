/// One SMTP reply (RFC 5321 §4.2): a three-digit code and one or more text lines.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2yz: the command was accepted (RFC 5321 §4.2.1).
    public var isPositive: Bool { (200..<300).contains(code) }
    /// 3yz: the server waits for more (354 after DATA, 334 during AUTH).
    public var isIntermediate: Bool { (300..<400).contains(code) }
    /// 4yz: a temporary failure; the same command may succeed later.
    public var isTransient: Bool { (400..<500).contains(code) }
    /// 5yz: a permanent failure; repeating the command will not help.
    public var isPermanent: Bool { (500..<600).contains(code) }

    /// The reply as the server sent it, on one line: `550 5.1.1 No such user`.
    public var description: String { "\(code) \(lines.joined(separator: " "))".trimmingTrailingSpaces }
}

extension String {
    var trimmingTrailingSpaces: String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}

/// A reply that breaks the grammar of RFC 5321 §4.2 (the connection cannot be trusted after it).
public struct SMTPProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "SMTP protocol error: \(reason)" }
}
