/// Seals secrets that must be stored but never in clear (e-mailed links with one-time tokens, in the
/// outbox until sent): the server's key seals them, the mail worker opens them to render the e-mail.
public protocol SecretSealing: Sendable {
    /// The sealed form of `plaintext` (safe to store).
    func seal(_ plaintext: String) throws -> String
    /// The plaintext of a value `seal` made; throws when it was sealed under another key or altered.
    func open(_ sealed: String) throws -> String
}
