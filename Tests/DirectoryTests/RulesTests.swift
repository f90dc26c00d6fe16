import Directory
import Foundation
import Testing

@Suite("Directory rules")
struct RulesTests {
    @Test("Password policy names every failure", arguments: [
        ("Abcdef1!", [PasswordPolicy.Violation]()),
        ("abc", [.tooShort, .missingUppercase, .missingDigit, .missingSpecial]),
        ("ABCDEFGH1!", [.missingLowercase]),
        ("Abcdefgh!", [.missingDigit]),
        ("Abcdefgh1", [.missingSpecial]),
        ("Abcdefg1&x", [.missingSpecial, .forbiddenCharacter]),
        ("Abcdef1!#", [.forbiddenCharacter]),
        ("Ção!ábc1", []),
    ])
    func passwordPolicy(password: String, expected: [PasswordPolicy.Violation]) {
        #expect(PasswordPolicy.violations(of: password) == expected)
    }

    @Test("E-mail validation", arguments: [
        ("ana@acme.com.br", true), ("first.last+tag@sub.example.org", true), ("no-at-sign", false), ("a@b", false),
        ("two@@acme.test", false), ("space in@acme.test", false), (".lead@acme.test", false), ("a@-bad.test", false),
        (String(repeating: "a", count: 65) + "@acme.test", false), ("", false),
    ])
    func emailValidation(email: String, valid: Bool) {
        #expect(FieldRules.isValidEmail(email) == valid)
    }

    @Test("Extensions are 2-16 digits")
    func extensions() {
        #expect(FieldRules.isValidExtension("2001"))
        #expect(!FieldRules.isValidExtension("1"))
        #expect(!FieldRules.isValidExtension("20a1"))
        #expect(!FieldRules.isValidExtension(String(repeating: "1", count: 17)))
    }

    @Test("Readiness lists every unmet condition in order")
    func readiness() {
        var user = User(tenantID: TenantID(), name: "A", email: "a@b.test", role: .agent, createdAt: Date())
        #expect(Readiness.unmet(user: user, linkedQueueCount: 0) == [.webrtcDisabled, .omnichannelDisabled, .emailNotVerified, .noQueue])
        user.webrtcEnabled = true
        user.omnichannelEnabled = true
        user.emailVerified = true
        #expect(Readiness.unmet(user: user, linkedQueueCount: 1).isEmpty)
        user.role = .admin
        #expect(Readiness.unmet(user: user, linkedQueueCount: 1) == [.notAnAgent])
    }

    @Test("Accept-Language picks pt-BR by default and English when preferred")
    func languageNegotiation() {
        #expect(Language.negotiate(acceptLanguage: nil) == .ptBR)
        #expect(Language.negotiate(acceptLanguage: "en-US,en;q=0.9") == .en)
        #expect(Language.negotiate(acceptLanguage: "fr-FR, en;q=0.5, pt-BR;q=0.8") == .ptBR)
        #expect(Language.negotiate(acceptLanguage: "de") == .ptBR)
    }

    @Test("Login throttle counts an IPv6 client by its /64: one host's many addresses share one budget")
    func throttleIPv6Prefix() {
        var throttle = LoginThrottle(limits: .init(perAccount: 3, perAddress: 5, window: 60, lockout: 120))
        let t0 = Date(timeIntervalSince1970: 0)
        for host in 1...5 { throttle.recordFailure(account: "user\(host)", address: "2001:db8:1:2::\(host)", now: t0) }
        #expect(throttle.retryAfter(account: "fresh", address: "2001:db8:1:2:ffff::9", now: t0) == 120)
        #expect(throttle.retryAfter(account: "fresh", address: "2001:DB8:1:2:0:0:0:77", now: t0) == 120)
        #expect(throttle.retryAfter(account: "fresh", address: "2001:db8:1:3::1", now: t0) == nil)
        #expect(throttle.retryAfter(account: "fresh", address: "192.0.2.1", now: t0) == nil)
    }

    @Test("Login throttle memory stays bounded under a spray of 1,000,000 accounts and addresses; a locked account stays locked meanwhile")
    func throttleBounded() {
        var throttle = LoginThrottle(limits: .init(perAccount: 3, perAddress: 1_000, window: 60, lockout: 120, capacity: 10_000))
        let t0 = Date(timeIntervalSince1970: 0)
        for _ in 0..<3 { throttle.recordFailure(account: "target", address: "10.0.0.1", now: t0) }
        for n in 0..<1_000_000 {
            throttle.recordFailure(account: "spray\(n)", address: "10.\(n >> 16 & 255).\(n >> 8 & 255).\(n & 255)", now: t0)
            if n % 5_000 == 0 {
                // Attacked by name the target is: its lock is refreshed by its own attempts.
                throttle.recordFailure(account: "target", address: "10.0.0.1", now: t0)
            }
        }
        #expect(throttle.trackedKeys <= 40_000)
        #expect(throttle.retryAfter(account: "target", address: "172.16.0.1", now: t0) == 120)
    }

    @Test("Client address keys: IPv4 as it is, IPv6 by /64, IPv4-mapped as IPv4, zones dropped, garbage kept apart")
    func addressKeys() {
        #expect(LoginThrottle.addressKey("192.0.2.1") == "192.0.2.1")
        #expect(LoginThrottle.addressKey("2001:db8:1:2::5") == LoginThrottle.addressKey("2001:0DB8:0001:0002:ffff:1:2:3"))
        #expect(LoginThrottle.addressKey("2001:db8:1:2::5") != LoginThrottle.addressKey("2001:db8:1:3::5"))
        #expect(LoginThrottle.addressKey("::ffff:192.0.2.1") == "192.0.2.1")
        #expect(LoginThrottle.addressKey("fe80::1%eth0") == LoginThrottle.addressKey("fe80::2"))
        #expect(LoginThrottle.addressKey("unknown") == "unknown")
    }

    @Test("Login throttle locks an account after repeated failures and releases it after the lockout")
    func throttle() {
        var throttle = LoginThrottle(limits: .init(perAccount: 3, perAddress: 10, window: 60, lockout: 120))
        let t0 = Date(timeIntervalSince1970: 0)
        for second in 0..<3 {
            #expect(throttle.retryAfter(account: "a", address: "1.2.3.4", now: t0.addingTimeInterval(Double(second))) == nil)
            throttle.recordFailure(account: "a", address: "1.2.3.4", now: t0.addingTimeInterval(Double(second)))
        }
        #expect(throttle.retryAfter(account: "a", address: "1.2.3.4", now: t0.addingTimeInterval(3)) == 119)
        #expect(throttle.retryAfter(account: "b", address: "5.6.7.8", now: t0.addingTimeInterval(3)) == nil)
        #expect(throttle.retryAfter(account: "a", address: "1.2.3.4", now: t0.addingTimeInterval(123)) == nil)
        // Failures spread beyond the window do not add up.
        var slow = LoginThrottle(limits: .init(perAccount: 3, perAddress: 10, window: 60, lockout: 120))
        for minute in 0..<10 { slow.recordFailure(account: "c", address: "9.9.9.9", now: t0.addingTimeInterval(Double(minute) * 61)) }
        #expect(slow.retryAfter(account: "c", address: "9.9.9.9", now: t0.addingTimeInterval(700)) == nil)
        // Many accounts from one address lock the address.
        var spray = LoginThrottle(limits: .init(perAccount: 3, perAddress: 5, window: 60, lockout: 120))
        for index in 0..<5 { spray.recordFailure(account: "user\(index)", address: "6.6.6.6", now: t0) }
        #expect(spray.retryAfter(account: "fresh", address: "6.6.6.6", now: t0) == 120)
    }

    @Test("Errors carry the product's texts verbatim")
    func productTexts() {
        #expect(DirectoryError.confirmationRequired.message(in: .ptBR) ==
                "Você editou o usuário. Ao confirmar esta edição, o sistema realizará o logout do usuário na(s) fila(s). Deseja confirmar?")
        #expect(DirectoryError.selfManaged.message(in: .ptBR) ==
                "Este usuário pertence a um grupo autogerenciado. Entre em contato com Administrador da conta.")
        #expect(DirectoryError.webrtcRequired.code == "webrtc_required")
    }
}
