import Foundation
import HTTPTypes
import Testing

/// PRODUCT.md "Login with an identity provider": Microsoft Entra ID through a local OpenID provider.
@Suite("Microsoft Entra ID login", .serialized)
struct MicrosoftLoginTests {
    /// A tenant configured for the fake provider, with a self-managed agent.
    struct Setup {
        let api: API
        let entra: FakeEntra
        let admin: String
        let agentID: String
        let key: FakeEntra.Key
    }

    /// The Entra object id of the self-managed agent, associated by the admin in `withSetup`.
    static let agentObjectID = "0a1b2c3d-0000-4000-8000-00000000a9e1"

    func withSetup(emailMatching: Bool = false, associate: Bool = true, _ body: @escaping @Sendable (Setup) async throws -> Void) async throws {
        let entra = FakeEntra()
        try await entra.start()
        defer { entra.stop() }
        // The operator's authority is the local provider (http on loopback: the test-only override).
        let system = try TestSystem { $0.entraAuthority = entra.authority }
        let key = try FakeEntra.makeKey("key-1")
        entra.publish([key])
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("contoso", support: support)
            let configured = try await api.send(.put, "/api/v1/identity-provider", token: admin, json: [
                "directoryId": entra.directoryID, "clientId": entra.clientID, "clientSecret": entra.clientSecret, "enabled": true,
                "selfManagedScope": "marked_users", "authorityBaseUrl": entra.authority, "emailMatching": emailMatching,
            ])
            #expect(configured.status == .ok, "\(configured.raw)")
            #expect(configured["hasClientSecret"] as? Bool == true)
            #expect(!configured.raw.contains(entra.clientSecret))
            let agent = try await api.createUser(support: support, tenant: tenant, email: "ms@contoso.test", extra: ["selfManaged": true])
            if associate {
                let associated = try await api.send(.put, "/api/v1/users/\(agent.string("id"))/external-identity", token: admin,
                                                    json: ["objectId": Self.agentObjectID.uppercased()])
                #expect(associated.status == .ok, "\(associated.raw)")
            }
            try await body(Setup(api: api, entra: entra, admin: admin, agentID: agent.string("id"), key: key))
        }
    }

    /// Presses the "Microsoft" button, lets the provider issue a token built from the login's nonce,
    /// and follows the callback.
    func login(_ s: Setup, claims edit: (inout [String: Any]) -> Void = { _ in }, sign: ((([String: Any]) throws -> String))? = nil) async throws -> Reply {
        let start = try await s.api.send(.get, "/auth/microsoft/start?tenant=contoso")
        #expect(start.status == .found)
        let location = try #require(start.headers[.location])
        let query = try #require(URLComponents(string: location)?.queryItems)
        func item(_ name: String) -> String? { query.first { $0.name == name }?.value }
        #expect(item("code_challenge_method") == "S256")
        #expect(item("client_id") == s.entra.clientID)
        #expect(item("redirect_uri") == "http://switchboard.test/auth/microsoft/callback")
        let now = s.api.system.clock.now().timeIntervalSince1970
        var claims: [String: Any] = [
            "iss": s.entra.issuer, "aud": s.entra.clientID, "tid": s.entra.directoryID, "oid": Self.agentObjectID, "email": "ms@contoso.test",
            "nonce": item("nonce") ?? "", "iat": Int(now), "nbf": Int(now), "exp": Int(now) + 3600,
        ]
        edit(&claims)
        let token = try sign?(claims) ?? FakeEntra.sign(claims, key: s.key)
        let code = UUID().uuidString
        s.entra.prepare(code: code, idToken: token, challenge: item("code_challenge"))
        let state = try #require(item("state"))
        return try await s.api.send(.get, "/auth/microsoft/callback?code=\(code)&state=\(state)")
    }

    @Test("A good login yields a session like a password login; readiness still applies")
    func goodLogin() async throws {
        try await withSetup { s in
            let reply = try await login(s)
            #expect(reply.status == .ok, "\(reply.raw)")
            let token = reply.string("token")
            let me = try await s.api.send(.get, "/api/v1/me", token: token)
            #expect((me["user"] as? [String: Any])?["email"] as? String == "ms@contoso.test")
            #expect(me["ready"] as? Bool == false)
            // The oid is remembered: a later token without e-mail still finds the user.
            let again = try await login(s) { $0["email"] = nil }
            #expect(again.status == .ok, "\(again.raw)")
        }
    }

    @Test("Expired, not yet valid, wrong audience, issuer or directory, wrong nonce: refused with the check named")
    func claimChecks() async throws {
        try await withSetup { s in
            let cases: [(String, (inout [String: Any]) -> Void)] = [
                ("token expired", { $0["exp"] = ($0["iat"] as? Int ?? 0) - 600 }),
                ("token not yet valid", { $0["nbf"] = ($0["iat"] as? Int ?? 0) + 3600 }),
                ("audience", { $0["aud"] = "99999999-0000-0000-0000-000000000000" }),
                ("issuer", { $0["iss"] = "https://login.microsoftonline.com/other/v2.0" }),
                ("another directory", { $0["tid"] = "99999999-2222-3333-4444-555555555555" }),
                ("nonce", { $0["nonce"] = "replayed-nonce" }),
            ]
            for (reason, edit) in cases {
                let reply = try await login(s, claims: edit)
                #expect(reply.status == .unauthorized, "\(reason): \(reply.raw)")
                #expect(reply.errorCode == "external_login_failed")
                #expect(reply.errorMessage?.contains(reason) == true, "\(reason): \(reply.raw)")
            }
        }
    }

    @Test("Unknown keys, alg none and HS256 are refused; a rotated key is fetched once the rate limit allows")
    func keysAndAlgorithms() async throws {
        try await withSetup { s in
            let ghost = try FakeEntra.makeKey("ghost")
            let unknown = try await login(s, sign: { try FakeEntra.sign($0, key: ghost) })
            #expect(unknown.errorMessage?.contains("unknown key") == true, "\(unknown.raw)")
            let none = try await login(s, sign: { try FakeEntra.sign($0, key: s.key, header: ["alg": "none", "typ": "JWT"]) })
            #expect(none.errorMessage?.contains("RS256 only") == true, "\(none.raw)")
            let hmac = try await login(s, sign: { try FakeEntra.sign($0, key: s.key, header: ["alg": "HS256", "kid": "key-1"], hmacSecret: s.entra.clientSecret) })
            #expect(hmac.errorMessage?.contains("RS256 only") == true, "\(hmac.raw)")
            let forged = try await login(s, sign: { try FakeEntra.sign($0, key: ghost, header: ["alg": "RS256", "kid": "key-1"]) })
            #expect(forged.errorMessage?.contains("bad signature") == true, "\(forged.raw)")

            // Rotation: the provider publishes key-2. Right after a fetch the unknown kid is not refetched...
            let rotated = try FakeEntra.makeKey("key-2")
            s.entra.publish([rotated])
            let tooSoon = try await login(s, sign: { try FakeEntra.sign($0, key: rotated) })
            #expect(tooSoon.errorMessage?.contains("unknown key") == true, "\(tooSoon.raw)")
            // ...and once the interval has passed it is, and the login works.
            s.api.system.clock.advance(seconds: 31)
            let afterRotation = try await login(s, sign: { try FakeEntra.sign($0, key: rotated) })
            #expect(afterRotation.status == .ok, "\(afterRotation.raw)")
        }
    }

    @Test("A replayed state is refused; an unknown user is refused, not created")
    func replayAndUnknownUser() async throws {
        try await withSetup { s in
            let start = try await s.api.send(.get, "/auth/microsoft/start?tenant=contoso")
            let query = try #require(URLComponents(string: start.headers[.location] ?? "")?.queryItems)
            let state = try #require(query.first { $0.name == "state" }?.value)
            let nonce = try #require(query.first { $0.name == "nonce" }?.value)
            let challenge = query.first { $0.name == "code_challenge" }?.value
            let now = Int(s.api.system.clock.now().timeIntervalSince1970)
            let claims: [String: Any] = ["iss": s.entra.issuer, "aud": s.entra.clientID, "tid": s.entra.directoryID, "oid": Self.agentObjectID, "email": "ms@contoso.test",
                                         "nonce": nonce, "iat": now, "exp": now + 3600]
            s.entra.prepare(code: "one", idToken: try FakeEntra.sign(claims, key: s.key), challenge: challenge)
            #expect(try await s.api.send(.get, "/auth/microsoft/callback?code=one&state=\(state)").status == .ok)
            s.entra.prepare(code: "two", idToken: try FakeEntra.sign(claims, key: s.key), challenge: challenge)
            let replay = try await s.api.send(.get, "/auth/microsoft/callback?code=two&state=\(state)")
            #expect(replay.status == .unauthorized)
            #expect(replay.errorMessage?.contains("already used state") == true, "\(replay.raw)")

            let stranger = try await login(s) { $0["oid"] = "oid-stranger"; $0["email"] = "nobody@contoso.test" }
            #expect(stranger.errorCode == "unknown_user")
            let users = try await s.api.send(.get, "/api/v1/users", token: s.admin)
            #expect(!users.array.contains { $0["email"] as? String == "nobody@contoso.test" })
            let unknownTenant = try await s.api.send(.get, "/auth/microsoft/start?tenant=fabrikam")
            #expect(unknownTenant.errorCode == "identity_provider_unavailable")
        }
    }

    @Test("Self-managed users: password login and reset answer the product's exact message")
    func selfManagedMessages() async throws {
        try await withSetup { s in
            let password = try await s.api.send(.post, "/api/v1/auth/login", json: ["email": "ms@contoso.test", "password": "Whatever!1x"])
            #expect(password.status == .forbidden)
            #expect(password.errorCode == "self_managed")
            #expect(password.errorMessage == "Este usuário pertence a um grupo autogerenciado. Entre em contato com Administrador da conta.")
            let english = try await s.api.send(.post, "/api/v1/auth/login", json: ["email": "ms@contoso.test", "password": "x"], language: "en")
            #expect(english.errorMessage == "This user belongs to a self-managed group. Contact the account administrator.")
            let reset = try await s.api.send(.post, "/api/v1/users/\(s.agentID)/reset-password", token: s.admin)
            #expect(reset.errorMessage == "Este usuário pertence a um grupo autogerenciado. Entre em contato com Administrador da conta.")

            // With "all users" every user of the tenant is self-managed, including one who had a reset link.
            let support = try await s.api.supportToken()
            let tenant = try #require(try await s.api.send(.get, "/api/v1/tenants", token: s.admin).array.first?["id"] as? String)
            _ = try await s.api.createUser(support: support, tenant: tenant, email: "plain@contoso.test")
            let link = try await s.api.system.token(for: "plain@contoso.test", page: "reset-password")
            let all = try await s.api.send(.put, "/api/v1/identity-provider", token: s.admin, json: [
                "directoryId": s.entra.directoryID, "clientId": s.entra.clientID, "enabled": true, "selfManagedScope": "all_users",
                "authorityBaseUrl": s.entra.authority,
            ])
            #expect(all["selfManagedScope"] as? String == "all_users")
            let viaLink = try await s.api.send(.post, "/api/v1/password-reset/complete", json: ["token": link, "password": "Plain!2024x"])
            #expect(viaLink.errorMessage == "Este usuário pertence a um grupo autogerenciado. Entre em contato com Administrador da conta.")
        }
    }

    @Test("Only the tenant's admins configure the provider; the client secret is stored sealed")
    func configuration() async throws {
        try await withSetup { s in
            let view = try await s.api.send(.get, "/api/v1/identity-provider", token: s.admin)
            #expect(view["directoryId"] as? String == s.entra.directoryID)
            #expect(!view.raw.contains(s.entra.clientSecret))
            let sqlite = try Data(contentsOf: URL(fileURLWithPath: s.api.system.server.store.path))
            #expect(sqlite.range(of: Data(s.entra.clientSecret.utf8)) == nil)
            let bad = try await s.api.send(.put, "/api/v1/identity-provider", token: s.admin, json: ["directoryId": "nope", "clientId": s.entra.clientID, "enabled": true])
            #expect(bad.errorField == "directoryId")
        }
    }

    @Test("SSRF: the authority can only be the configured one; anything else is refused before it is stored or fetched")
    func authorityIsPinned() async throws {
        try await withSetup { s in
            for authority in ["http://169.254.169.254/latest", "https://evil.example", "http://127.0.0.1:9", "file:///etc/passwd"] {
                let reply = try await s.api.send(.put, "/api/v1/identity-provider", token: s.admin, json: [
                    "directoryId": s.entra.directoryID, "clientId": s.entra.clientID, "enabled": true, "authorityBaseUrl": authority,
                ])
                #expect(reply.status == .badRequest, "\(authority): \(reply.raw)")
                #expect(reply.errorField == "authorityBaseUrl", "\(authority): \(reply.raw)")
            }
            let view = try await s.api.send(.get, "/api/v1/identity-provider", token: s.admin)
            #expect(view["authorityBaseUrl"] as? String == s.entra.authority)
        }
    }

    @Test("nOAuth: a token whose e-mail names another user does not log in as that user")
    func noLinkingOnMutableClaims() async throws {
        try await withSetup { s in
            // A stranger's Entra account (its own oid) claims the agent's e-mail address.
            let reply = try await login(s) { $0["oid"] = "oid-attacker"; $0["email"] = "ms@contoso.test"; $0["preferred_username"] = "ms@contoso.test" }
            #expect(reply.status == .unauthorized, "\(reply.raw)")
            #expect(reply.errorCode == "unknown_user")
        }
    }

    @Test("E-mail matching, when the admin allows it: a first login with a verified e-mail links; unverified or taken does not")
    func emailMatching() async throws {
        try await withSetup(emailMatching: true, associate: false) { s in
            let unverified = try await login(s) { $0["oid"] = "0a1b2c3d-0000-4000-8000-0000000000b1" }
            #expect(unverified.errorCode == "unknown_user", "\(unverified.raw)")
            let byUsername = try await login(s) { $0["oid"] = "0a1b2c3d-0000-4000-8000-0000000000b1"; $0["email"] = nil; $0["preferred_username"] = "ms@contoso.test"; $0["email_verified"] = true }
            #expect(byUsername.errorCode == "unknown_user", "\(byUsername.raw)")
            let verified = try await login(s) { $0["oid"] = "0a1b2c3d-0000-4000-8000-0000000000b1"; $0["xms_edov"] = true }
            #expect(verified.status == .ok, "\(verified.raw)")
            // Now linked: another Entra account with the same verified e-mail is refused.
            let second = try await login(s) { $0["oid"] = "0a1b2c3d-0000-4000-8000-0000000000b2"; $0["email_verified"] = true }
            #expect(second.errorCode == "unknown_user", "\(second.raw)")
            let again = try await login(s) { $0["oid"] = "0a1b2c3d-0000-4000-8000-0000000000b1"; $0["email"] = nil }
            #expect(again.status == .ok, "\(again.raw)")
        }
    }

    @Test("Association: admins of the tenant only, GUIDs only, one user per object id; removing it ends Microsoft logins")
    func association() async throws {
        try await withSetup { s in
            let other = try await s.api.send(.put, "/api/v1/users/\(s.agentID)/external-identity", token: s.admin, json: ["objectId": "not-a-guid"])
            #expect(other.errorField == "objectId")
            let support = try await s.api.supportToken()
            let (_, foreignAdmin) = try await s.api.tenantWithAdmin("fabrikam", support: support)
            let foreign = try await s.api.send(.put, "/api/v1/users/\(s.agentID)/external-identity", token: foreignAdmin, json: ["objectId": Self.agentObjectID])
            #expect(foreign.status == .notFound)
            let tenant = try #require(try await s.api.send(.get, "/api/v1/tenants", token: s.admin).array.first?["id"] as? String)
            let colleague = try await s.api.createUser(support: support, tenant: tenant, email: "colleague@contoso.test")
            let taken = try await s.api.send(.put, "/api/v1/users/\(colleague.string("id"))/external-identity", token: s.admin, json: ["objectId": Self.agentObjectID])
            #expect(taken.status == .conflict)
            #expect(try await login(s).status == .ok)
            #expect(try await s.api.send(.delete, "/api/v1/users/\(s.agentID)/external-identity", token: s.admin).status == .noContent)
            #expect(try await login(s).errorCode == "unknown_user")
        }
    }

    @Test("SSRF: a discovery document or a redirect pointing at another host gets neither a request with the secret nor a login")
    func foreignEndpoints() async throws {
        try await withSetup { s in
            // The token endpoint on another host (the same fake under another name): the secret is never posted.
            s.entra.announceTokenEndpoint("http://localhost:\(s.entra.port)/\(s.entra.directoryID)/oauth2/v2.0/token")
            let foreign = try await s.api.send(.get, "/auth/microsoft/start?tenant=contoso")
            #expect(foreign.status == .unauthorized, "\(foreign.raw)")
            #expect(foreign.errorMessage?.contains("token_endpoint") == true, "\(foreign.raw)")
            #expect(s.entra.tokenRequestCount == 0)
        }
        let entra = FakeEntra()
        try await entra.start()
        defer { entra.stop() }
        let system = try TestSystem { $0.entraAuthority = entra.authority }
        entra.redirectDiscovery(to: "http://localhost:\(entra.port)/\(entra.directoryID)/v2.0/.well-known/openid-configuration")
        try await system.run { api in
            let support = try await api.supportToken()
            let (_, admin) = try await api.tenantWithAdmin("contoso", support: support)
            _ = try await api.send(.put, "/api/v1/identity-provider", token: admin, json: [
                "directoryId": entra.directoryID, "clientId": entra.clientID, "clientSecret": entra.clientSecret, "enabled": true,
            ])
            let start = try await api.send(.get, "/auth/microsoft/start?tenant=contoso")
            #expect(start.status == .unauthorized, "\(start.raw)")
            #expect(start.errorCode == "external_login_failed")
        }
    }

    @Test("A wall clock set back does not stall key rotation: the JWKS refetch interval runs on the monotonic clock")
    func keyRefetchSurvivesAClockSetBack() async throws {
        try await withSetup { s in
            #expect(try await login(s).status == .ok)  // keys fetched
            let rotated = try FakeEntra.makeKey("key-2")
            s.entra.publish([rotated])
            // NTP steps the wall clock back an hour; 31 seconds pass.
            s.api.system.clock.setBack(seconds: 3600)
            s.api.system.clock.advance(seconds: 31)
            let afterRotation = try await login(s, sign: { try FakeEntra.sign($0, key: rotated) })
            #expect(afterRotation.status == .ok, "\(afterRotation.raw)")
        }
    }
}
