import Identity

/// The storage hash the server uses for tokens, to look a token up the way the store keeps it.
enum RandomSecretsProbe {
    static func hash(_ token: String) -> String { RandomSecrets().hash(token) }
}
