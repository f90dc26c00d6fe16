import CryptoExtras
import Foundation

/// HTTP as the OpenID flow needs it; the server implements it with a real client, tests may too.
public protocol OIDCTransport: Sendable {
    func get(_ url: String) async throws -> (status: Int, body: Data)
    func postForm(_ url: String, fields: [(String, String)]) async throws -> (status: Int, body: Data)
}

/// The parts of an OpenID discovery document (OpenID Connect Discovery 1.0 §3) Switchboard uses.
public struct ProviderMetadata: Sendable, Equatable {
    public let issuer: String
    public let authorizationEndpoint: String
    public let tokenEndpoint: String
    public let jwksURI: String
}

/// Discovery documents and signing keys per directory, cached. An unknown `kid` triggers one
/// refetch of the JWKS, at most once per `minimumRefetchInterval` (keys rotate; attackers spam kids).
public actor ProviderKeys {
    private struct Entry {
        var metadata: ProviderMetadata
        var keys: [String: _RSA.Signing.PublicKey]
        var fetchedAt: Date
    }

    private let transport: any OIDCTransport
    private let now: @Sendable () -> Date
    private let minimumRefetchInterval: TimeInterval
    private let metadataLifetime: TimeInterval
    private var entries: [String: Entry] = [:]

    /// `now` must not jump (refetch intervals and cache lifetimes are measured on it): the server gives a
    /// monotonic clock, so a wall clock set back cannot stall key rotation.
    public init(transport: any OIDCTransport, minimumRefetchInterval: TimeInterval = 30, metadataLifetime: TimeInterval = 24 * 3600,
                now: @escaping @Sendable () -> Date = { Date(timeIntervalSinceReferenceDate: ProcessInfo.processInfo.systemUptime) }) {
        self.transport = transport
        self.minimumRefetchInterval = minimumRefetchInterval
        self.metadataLifetime = metadataLifetime
        self.now = now
    }

    /// `{authority}/{directory}/v2.0/.well-known/openid-configuration`, as Entra ID publishes it.
    public static func discoveryURL(authority: String, directoryID: String) -> String {
        "\(authority)/\(directoryID)/v2.0/.well-known/openid-configuration"
    }

    public func metadata(authority: String, directoryID: String) async throws -> ProviderMetadata {
        let url = Self.discoveryURL(authority: authority, directoryID: directoryID)
        if let entry = entries[url], now().timeIntervalSince(entry.fetchedAt) < metadataLifetime { return entry.metadata }
        let (status, body) = try await transport.get(url)
        guard status == 200, let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let issuer = json["issuer"] as? String, let authorize = json["authorization_endpoint"] as? String,
              let token = json["token_endpoint"] as? String, let jwks = json["jwks_uri"] as? String
        else { throw IDTokenError.missingClaim("discovery document") }
        let metadata = ProviderMetadata(
            issuer: issuer.replacingOccurrences(of: "{tenantid}", with: directoryID), authorizationEndpoint: authorize,
            tokenEndpoint: token, jwksURI: jwks)
        // Keys are fetched from, and the client secret is posted to, these endpoints: they must be on the
        // authority's own scheme, host and port, or a discovery document could send the server anywhere.
        for (name, endpoint) in [("authorization_endpoint", authorize), ("token_endpoint", token), ("jwks_uri", jwks)]
        where !Self.sameOrigin(endpoint, authority) {
            throw IDTokenError.foreignEndpoint(name)
        }
        let keys = try await fetchKeys(metadata.jwksURI)
        entries[url] = Entry(metadata: metadata, keys: keys, fetchedAt: now())
        return metadata
    }

    /// Whether `url` has the scheme, host and port of `authority`.
    public static func sameOrigin(_ url: String, _ authority: String) -> Bool {
        guard let a = URLComponents(string: url), let b = URLComponents(string: authority),
              let scheme = a.scheme?.lowercased(), let host = a.host?.lowercased(), !host.isEmpty else { return false }
        func port(_ c: URLComponents, _ scheme: String) -> Int? { c.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : nil) }
        return scheme == b.scheme?.lowercased() && host == b.host?.lowercased() && port(a, scheme) == port(b, scheme)
    }

    /// The key `kid` of the directory, refetching the JWKS once if it is not known yet.
    public func key(_ kid: String, authority: String, directoryID: String) async throws -> _RSA.Signing.PublicKey {
        let url = Self.discoveryURL(authority: authority, directoryID: directoryID)
        if entries[url] == nil { _ = try await metadata(authority: authority, directoryID: directoryID) }
        guard var entry = entries[url] else { throw IDTokenError.unknownKey(kid) }
        if let key = entry.keys[kid] { return key }
        guard now().timeIntervalSince(entry.fetchedAt) >= minimumRefetchInterval else { throw IDTokenError.unknownKey(kid) }
        entry.keys = try await fetchKeys(entry.metadata.jwksURI)
        entry.fetchedAt = now()
        entries[url] = entry
        guard let key = entry.keys[kid] else { throw IDTokenError.unknownKey(kid) }
        return key
    }

    /// RSA signing keys of a JWKS (RFC 7517 §5); other key types are skipped.
    private func fetchKeys(_ url: String) async throws -> [String: _RSA.Signing.PublicKey] {
        let (status, body) = try await transport.get(url)
        guard status == 200, let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let keys = json["keys"] as? [[String: Any]] else {
            throw IDTokenError.missingClaim("jwks")
        }
        var result: [String: _RSA.Signing.PublicKey] = [:]
        for key in keys {
            guard key["kty"] as? String == "RSA", (key["use"] as? String ?? "sig") == "sig", let kid = key["kid"] as? String,
                  let n = (key["n"] as? String).flatMap(Base64URL.decode), let e = (key["e"] as? String).flatMap(Base64URL.decode),
                  let publicKey = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { continue }
            result[kid] = publicKey
        }
        return result
    }
}
