import Crypto
import CryptoExtras
import Foundation

/// The claims Switchboard reads from a Microsoft Entra ID token.
public struct IDTokenClaims: Sendable, Equatable {
    public let issuer: String
    public let audience: [String]
    public let tenantID: String
    public let objectID: String
    public let nonce: String?
    /// The `email` claim (never `preferred_username`, which any user of the directory can set).
    public let email: String?
    /// Whether the token vouches for the e-mail: `email_verified` true, or Entra's `xms_edov` (the
    /// e-mail's domain is verified by the directory's owner).
    public let emailVerified: Bool
    public let expiresAt: Date
}

/// Why an ID token was refused; each case names the check that failed.
public enum IDTokenError: Error, Equatable, CustomStringConvertible {
    case malformed
    case unsupportedAlgorithm(String)
    case unknownKey(String)
    case badSignature
    case expired
    case notYetValid
    case wrongIssuer
    case wrongAudience
    case wrongTenant
    case wrongNonce
    case missingClaim(String)
    /// The discovery document names an endpoint outside the configured authority.
    case foreignEndpoint(String)

    public var description: String {
        switch self {
        case .malformed: "malformed token"
        case .unsupportedAlgorithm(let alg): "algorithm '\(alg.prefix(16))' is not accepted (RS256 only)"
        case .unknownKey: "signed by an unknown key"
        case .badSignature: "bad signature"
        case .expired: "token expired"
        case .notYetValid: "token not yet valid"
        case .wrongIssuer: "issuer does not match the directory"
        case .wrongAudience: "audience is not this application"
        case .wrongTenant: "token is for another directory"
        case .wrongNonce: "nonce does not match the login"
        case .missingClaim(let name): "missing claim '\(name)'"
        case .foreignEndpoint(let name): "the discovery document's \(name) is not on the identity provider's host"
        }
    }
}

/// Validates an OpenID Connect ID token (OpenID Connect Core 1.0 §3.1.3.7): RS256 signature
/// (RFC 7518 §3.3) by a key of the provider's JWKS, `iss`, `aud`, `exp`/`nbf` with skew, `nonce`, `tid`.
/// Pure: keys and time come in.
public struct IDTokenValidator: Sendable {
    public let issuer: String
    public let clientID: String
    public let directoryID: String
    public let skew: TimeInterval

    public init(issuer: String, clientID: String, directoryID: String, skew: TimeInterval = 120) {
        self.issuer = issuer
        self.clientID = clientID
        self.directoryID = directoryID
        self.skew = skew
    }

    /// The header's `kid` after checking the algorithm (so a caller can fetch keys before verifying).
    public static func keyID(of token: String) throws -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else { throw IDTokenError.malformed }
        guard let alg = header["alg"] as? String, alg == "RS256" else { throw IDTokenError.unsupportedAlgorithm(header["alg"] as? String ?? "none") }
        guard let kid = header["kid"] as? String, !kid.isEmpty else { throw IDTokenError.missingClaim("kid") }
        return kid
    }

    /// Checks `token` with `key` (the JWKS key whose `kid` the header names) at `now`.
    public func validate(_ token: String, key: _RSA.Signing.PublicKey, nonce expectedNonce: String, now: Date) throws -> IDTokenClaims {
        _ = try Self.keyID(of: token)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard let signatureData = Base64URL.decode(parts[2]), let payloadData = Base64URL.decode(parts[1]) else { throw IDTokenError.malformed }
        let signed = Data("\(parts[0]).\(parts[1])".utf8)
        guard key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signatureData), for: signed, padding: .insecurePKCS1v1_5) else {
            throw IDTokenError.badSignature
        }
        guard let claims = try? JSONSerialization.jsonObject(with: payloadData) as? [String: Any] else { throw IDTokenError.malformed }
        guard let iss = claims["iss"] as? String else { throw IDTokenError.missingClaim("iss") }
        guard iss == issuer else { throw IDTokenError.wrongIssuer }
        let audience: [String] = (claims["aud"] as? String).map { [$0] } ?? (claims["aud"] as? [String] ?? [])
        guard audience.contains(clientID) else { throw IDTokenError.wrongAudience }
        guard let exp = (claims["exp"] as? NSNumber)?.doubleValue else { throw IDTokenError.missingClaim("exp") }
        guard now.timeIntervalSince1970 < exp + skew else { throw IDTokenError.expired }
        if let nbf = (claims["nbf"] as? NSNumber)?.doubleValue, now.timeIntervalSince1970 + skew < nbf { throw IDTokenError.notYetValid }
        guard let tid = claims["tid"] as? String else { throw IDTokenError.missingClaim("tid") }
        guard tid.lowercased() == directoryID.lowercased() else { throw IDTokenError.wrongTenant }
        guard let nonce = claims["nonce"] as? String, nonce == expectedNonce else { throw IDTokenError.wrongNonce }
        guard let oid = claims["oid"] as? String, !oid.isEmpty else { throw IDTokenError.missingClaim("oid") }
        let email = claims["email"] as? String
        func isTrue(_ value: Any?) -> Bool { (value as? Bool) == true || (value as? String)?.lowercased() == "true" || (value as? String) == "1" }
        let verified = isTrue(claims["email_verified"]) || isTrue(claims["xms_edov"])
        return IDTokenClaims(issuer: iss, audience: audience, tenantID: tid, objectID: oid, nonce: nonce, email: email, emailVerified: verified,
                             expiresAt: Date(timeIntervalSince1970: exp))
    }
}
