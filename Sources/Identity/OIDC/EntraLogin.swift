import Crypto
import Directory
import Foundation

/// "Login with Microsoft" (PRODUCT.md): the authorization code flow with PKCE (RFC 7636) against the
/// tenant's Microsoft Entra ID, with `state` and `nonce` bound to a short-lived server-side record.
public struct EntraLogin: Sendable {
    let directory: DirectoryService
    let keys: ProviderKeys
    let transport: any OIDCTransport
    let secretBox: SecretBox
    let callbackURL: String
    /// The only authority the server talks to (the operator's choice); settings naming another are refused.
    let authority: String
    let now: @Sendable () -> Date
    private let secrets = RandomSecrets()

    public init(directory: DirectoryService, keys: ProviderKeys, transport: any OIDCTransport, secretBox: SecretBox, callbackURL: String,
                authority: String = "https://login.microsoftonline.com", now: @escaping @Sendable () -> Date = { Date() }) {
        self.authority = authority
        self.directory = directory
        self.keys = keys
        self.transport = transport
        self.secretBox = secretBox
        self.callbackURL = callbackURL
        self.now = now
    }

    /// The authorize URL to send the browser to.
    public func start(tenantSlug: String) async throws -> String {
        let (state, stateHash) = secrets.mint()
        let nonce = secrets.mint().token
        let verifier = secrets.mint().token
        let challenge = Base64URL.encode(Data(SHA256.hash(data: Data(verifier.utf8))))
        let provider = try await directory.beginExternalLogin(tenantSlug: tenantSlug, stateHash: stateHash, nonce: nonce, codeVerifier: verifier)
        let metadata = try await providerMetadata(provider)
        guard var components = URLComponents(string: metadata.authorizationEndpoint) else {
            throw DirectoryError.externalLoginFailed(reason: "bad authorization endpoint")
        }
        components.queryItems = (components.queryItems ?? []) + [
            URLQueryItem(name: "client_id", value: provider.clientID),
            URLQueryItem(name: "response_type", value: "code"),
            URLQueryItem(name: "redirect_uri", value: callbackURL),
            URLQueryItem(name: "response_mode", value: "query"),
            URLQueryItem(name: "scope", value: "openid profile email"),
            URLQueryItem(name: "state", value: state),
            URLQueryItem(name: "nonce", value: nonce),
            URLQueryItem(name: "code_challenge", value: challenge),
            URLQueryItem(name: "code_challenge_method", value: "S256"),
        ]
        guard let url = components.url?.absoluteString else { throw DirectoryError.externalLoginFailed(reason: "bad authorization endpoint") }
        return url
    }

    /// Redeems the code, validates the ID token, and opens a session for the user it names.
    public func callback(code: String, state: String) async throws -> LoginResult {
        guard code.count <= 4096, state.count <= 256 else { throw DirectoryError.externalLoginFailed(reason: "oversized parameters") }
        let (login, provider) = try await directory.consumeExternalLogin(stateHash: secrets.hash(state))
        let metadata = try await providerMetadata(provider)
        guard ProviderKeys.sameOrigin(metadata.tokenEndpoint, authority) else {
            throw DirectoryError.externalLoginFailed(reason: IDTokenError.foreignEndpoint("token_endpoint").description)
        }
        let clientSecret: String
        do { clientSecret = try secretBox.open(provider.sealedClientSecret) } catch {
            throw DirectoryError.externalLoginFailed(reason: "the client secret cannot be read with this server's key")
        }
        let (status, body): (Int, Data)
        do {
            (status, body) = try await transport.postForm(metadata.tokenEndpoint, fields: [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", callbackURL),
                ("client_id", provider.clientID), ("client_secret", clientSecret), ("code_verifier", login.codeVerifier),
            ])
        } catch {
            throw DirectoryError.externalLoginFailed(reason: "the token endpoint is unreachable")
        }
        guard status == 200, let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let idToken = json["id_token"] as? String else {
            throw DirectoryError.externalLoginFailed(reason: "the token endpoint refused the code (HTTP \(status))")
        }
        let claims: IDTokenClaims
        do {
            let kid = try IDTokenValidator.keyID(of: idToken)
            let key = try await keys.key(kid, authority: provider.authorityBaseURL, directoryID: provider.directoryID)
            let validator = IDTokenValidator(issuer: metadata.issuer, clientID: provider.clientID, directoryID: provider.directoryID)
            claims = try validator.validate(idToken, key: key, nonce: login.nonce, now: now())
        } catch let error as IDTokenError {
            throw DirectoryError.externalLoginFailed(reason: error.description)
        }
        return try await directory.openExternalSession(
            tenant: provider.tenantID, subject: claims.objectID.lowercased(), email: claims.email, emailVerified: claims.emailVerified)
    }

    private func providerMetadata(_ provider: IdentityProviderSettings) async throws -> ProviderMetadata {
        // Settings stored before the authority was pinned may name another host: never fetch from it.
        guard ProviderKeys.sameOrigin(provider.authorityBaseURL, authority) else {
            throw DirectoryError.externalLoginFailed(reason: "the identity provider's authority is not the one this server allows")
        }
        do {
            let metadata = try await keys.metadata(authority: provider.authorityBaseURL, directoryID: provider.directoryID)
            guard metadata.issuer.lowercased().contains(provider.directoryID.lowercased()) else {
                throw DirectoryError.externalLoginFailed(reason: "the discovery document is for another directory")
            }
            return metadata
        } catch let error as DirectoryError {
            throw error
        } catch let error as IDTokenError {
            throw DirectoryError.externalLoginFailed(reason: error.description)
        } catch {
            throw DirectoryError.externalLoginFailed(reason: "the identity provider's discovery document is unavailable")
        }
    }
}
