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
