import Crypto
import CryptoExtras
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A local OpenID provider shaped like Microsoft Entra ID: discovery, JWKS and a token endpoint that
/// checks the client secret and the PKCE verifier, and hands out the ID token the test prepared for a code.
final class FakeEntra: Sendable {
    struct Key: @unchecked Sendable {  // The private key is only read after creation.
        let kid: String
        let privateKey: _RSA.Signing.PrivateKey
    }

    let directoryID = "11111111-2222-3333-4444-555555555555"
    let clientID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    let clientSecret = "s3cret-value"
    private let state = Mutex<(published: [Key], codes: [String: (token: String, challenge: String?)], port: Int)>(([], [:], 0))
    /// Requests the token endpoint received (with or without a good secret).
    private let tokenRequests = Mutex(0)
    /// What the discovery document names as token endpoint (nil: this provider's own).
    private let tokenEndpointOverride = Mutex<String?>(nil)
    /// Whether discovery answers with a redirect to `redirectTarget` instead of the document.
    private let redirectTarget = Mutex<String?>(nil)

    var tokenRequestCount: Int { tokenRequests.withLock { $0 } }
    func announceTokenEndpoint(_ url: String?) { tokenEndpointOverride.withLock { $0 = url } }
    func redirectDiscovery(to url: String?) { redirectTarget.withLock { $0 = url } }
    private let server = LocalServer()

    var port: Int { state.withLock { $0.port } }
    var authority: String { "http://127.0.0.1:\(port)" }
    var issuer: String { "\(authority)/\(directoryID)/v2.0" }

    static func makeKey(_ kid: String) throws -> Key { Key(kid: kid, privateKey: try _RSA.Signing.PrivateKey(keySize: .bits2048)) }

    func publish(_ keys: [Key]) { state.withLock { $0.published = keys } }

    /// The token endpoint will answer `code` with `idToken` once, if the PKCE verifier matches `challenge`.
    func prepare(code: String, idToken: String, challenge: String?) { state.withLock { $0.codes[code] = (idToken, challenge) } }

    func start() async throws {
        let router = Router()
        router.get("/\(directoryID)/v2.0/.well-known/openid-configuration") { _, _ in
            let base = self.authority
            if let target = self.redirectTarget.withLock({ $0 }) {
                return Response(status: .found, headers: [.location: target])
            }
            let token = self.tokenEndpointOverride.withLock { $0 } ?? "\(base)/\(self.directoryID)/oauth2/v2.0/token"
            return try Self.json([
                "issuer": "\(base)/{tenantid}/v2.0", "authorization_endpoint": "\(base)/\(self.directoryID)/oauth2/v2.0/authorize",
                "token_endpoint": token, "jwks_uri": "\(base)/\(self.directoryID)/discovery/v2.0/keys",
            ])
        }
        router.get("/\(directoryID)/discovery/v2.0/keys") { _, _ in
            let keys = try self.state.withLock { $0.published }.map { key -> [String: String] in
                let primitives = try key.privateKey.publicKey.getKeyPrimitives()
                return ["kty": "RSA", "use": "sig", "kid": key.kid, "n": Self.base64url(primitives.modulus), "e": Self.base64url(primitives.publicExponent)]
            }
            return try Self.json(["keys": keys])
        }
        router.post("/\(directoryID)/oauth2/v2.0/token") { request, _ in
            self.tokenRequests.withLock { $0 += 1 }
            let body = String(buffer: try await request.body.collect(upTo: 65_536))
            var form: [String: String] = [:]
            for pair in body.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
                if kv.count == 2 { form[kv[0]] = kv[1] }
            }
            guard form["client_secret"] == self.clientSecret, form["client_id"] == self.clientID, form["grant_type"] == "authorization_code",
                  let code = form["code"], let entry = self.state.withLock({ $0.codes.removeValue(forKey: code) })
            else { return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"invalid_grant\"}"))) }
            if let challenge = entry.challenge {
                let verifier = form["code_verifier"] ?? ""
                guard Self.base64url(Data(SHA256.hash(data: Data(verifier.utf8)))) == challenge else {
                    return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"invalid_grant\"}")))
                }
            }
            return try Self.json(["id_token": entry.token, "token_type": "Bearer"])
        }
        let port = await server.start(router)
        state.withLock { $0.port = port }
    }

    func stop() { server.stop() }

    /// Signs claims as a JWT with `key` (RS256), or with another header for the attacks tests try.
    static func sign(_ claims: [String: Any], key: Key, header: [String: Any]? = nil, hmacSecret: String? = nil) throws -> String {
        let head = header ?? ["alg": "RS256", "typ": "JWT", "kid": key.kid]
        let input = base64url(try JSONSerialization.data(withJSONObject: head)) + "." + base64url(try JSONSerialization.data(withJSONObject: claims))
        switch head["alg"] as? String {
        case "none":
            return input + "."
        case "HS256":
            let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: Data((hmacSecret ?? "").utf8)))
            return input + "." + base64url(Data(mac))
        default:
            let signature = try key.privateKey.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
            return input + "." + base64url(signature.rawRepresentation)
        }
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private static func json(_ value: Any) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: value))))
    }
}
