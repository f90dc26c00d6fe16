import Directory
import Foundation

/// Builds an RFC 5322 message, `multipart/alternative` (plain text and HTML, RFC 2046 §5.1.4),
/// with RFC 2047 encoded words for non-ASCII header text.
public struct MIMEMessage: Sendable {
    public let from: (name: String, address: String)
    public let to: (name: String, address: String)
    public let subject: String
    public let date: Date
    public let messageID: String
    public let text: String
    public let html: String

    public init(from: (name: String, address: String), to: (name: String, address: String), subject: String, date: Date, messageID: String, text: String, html: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.text = text
        self.html = html
    }

    /// The message as CRLF-terminated lines, ready for a file or SMTP DATA.
    public func rendered() -> String {
        let boundary = "=_switchboard_\(messageID.hashValue.magnitude)"
        var lines = [
            "Date: \(Self.rfc5322Date(date))",
            "From: \(Self.mailbox(from.name, from.address))",
            "To: \(Self.mailbox(to.name, to.address))",
            "Subject: \(Self.encodeWord(subject))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        lines += Self.base64Lines(text)
        lines += ["--\(boundary)", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", ""]
        lines += Self.base64Lines(html)
        lines += ["--\(boundary)--", ""]
        return lines.joined(separator: "\r\n")
    }

    static func mailbox(_ name: String, _ address: String) -> String {
        let needsQuoting = name.contains { !$0.isLetter && !$0.isNumber && $0 != " " }
        let display = name.allSatisfy(\.isASCII) ? (needsQuoting ? "\"\(name.replacingOccurrences(of: "\"", with: "\\\""))\"" : name) : encodeWord(name)
        return "\(display) <\(address)>"
    }

    /// RFC 2047 `=?utf-8?B?...?=` when the text is not plain ASCII.
    static func encodeWord(_ text: String) -> String {
        guard !text.allSatisfy({ $0.isASCII && $0 != "\r" && $0 != "\n" }) else { return text }
        return "=?utf-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            let to = encoded.index(from, offsetBy: min(76, encoded.count - start))
            return String(encoded[from..<to])
        }
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Foundation.Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
