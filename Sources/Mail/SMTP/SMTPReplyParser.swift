/// Incremental parser of SMTP replies (RFC 5321 §4.2): feed it bytes as they arrive, in any
/// split, and take out every complete reply. `ddd-text` continues a reply; `ddd text` or `ddd`
/// ends it; every line of one reply must carry the same code. Lines end in CRLF (a bare LF is
/// tolerated) and are limited to `maximumLineLength` bytes so a hostile server cannot grow memory.
public struct SMTPReplyParser: Sendable {
    public let maximumLineLength: Int
    private var buffer: [UInt8] = []
    private var pendingCode: Int?
    private var pendingLines: [String] = []

    public init(maximumLineLength: Int = 4096) {
        self.maximumLineLength = maximumLineLength
    }

    /// Appends received bytes and returns the replies they complete, in order.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws(SMTPProtocolError) -> [SMTPReply] where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var replies: [SMTPReply] = []
        var start = 0
        while let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var end = newline
            if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if let reply = try line(Array(buffer[start..<end])) { replies.append(reply) }
            start = newline + 1
        }
        buffer.removeFirst(start)
        if buffer.count > maximumLineLength { throw SMTPProtocolError("reply line longer than \(maximumLineLength) bytes") }
        return replies
    }

    /// Whether a reply is partly received (bytes or lines of a multi-line reply are waiting).
    public var isIdle: Bool { buffer.isEmpty && pendingCode == nil }

    private mutating func line(_ bytes: [UInt8]) throws(SMTPProtocolError) -> SMTPReply? {
        if bytes.count > maximumLineLength { throw SMTPProtocolError("reply line longer than \(maximumLineLength) bytes") }
        guard bytes.count >= 3, bytes[0..<3].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw SMTPProtocolError("reply line does not start with a three-digit code")
        }
        let code = bytes[0..<3].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard (200...599).contains(code) else { throw SMTPProtocolError("reply code \(code) is outside 200...599") }
        if let pendingCode, pendingCode != code { throw SMTPProtocolError("multi-line reply changed its code from \(pendingCode) to \(code)") }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw SMTPProtocolError("reply code \(code) is followed by neither space nor hyphen")
        }
        let text = bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : ""
        pendingLines.append(text)
        if separator == UInt8(ascii: "-") {
            pendingCode = code
            return nil
        }
        let reply = SMTPReply(code: code, lines: pendingLines)
        pendingCode = nil
        pendingLines = []
        return reply
    }
}
