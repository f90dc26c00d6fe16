import Foundation

/// Settings of the directory service.
public struct DirectoryConfiguration: Sendable {
    /// Base of the links e-mails carry, e.g. `http://localhost:8080`.
    public var publicBaseURL: String
    public var resetTokenLifetime: TimeInterval
    public var confirmationTokenLifetime: TimeInterval
    public var sessionLifetime: TimeInterval
    public var throttle: LoginThrottle.Limits
    /// The only identity-provider authority tenants may use (the operator's choice).
    public var identityAuthority: String

    public init(
        publicBaseURL: String, resetTokenLifetime: TimeInterval = 24 * 3600,
        confirmationTokenLifetime: TimeInterval = 72 * 3600, sessionLifetime: TimeInterval = 12 * 3600,
        throttle: LoginThrottle.Limits = .init(), identityAuthority: String = "https://login.microsoftonline.com"
    ) {
        self.identityAuthority = identityAuthority
        self.publicBaseURL = publicBaseURL.hasSuffix("/") ? String(publicBaseURL.dropLast()) : publicBaseURL
        self.resetTokenLifetime = resetTokenLifetime
        self.confirmationTokenLifetime = confirmationTokenLifetime
        self.sessionLifetime = sessionLifetime
        self.throttle = throttle
    }
}

/// Receives what the directory committed: new outbox rows to deliver, events for the router.
public protocol DirectoryObserver: Sendable {
    func outboxChanged()
    func published(_ events: [DirectoryEvent])
}

/// The admin layer: every rule of PRODUCT.md's "Enabling an agent for omnichannel use", with role and
/// tenant checks on every operation. Each operation runs in one store transaction, so a refused
/// operation changes nothing and the notifications it causes commit with it.
public struct DirectoryService: Sendable {
    public let store: any DirectoryStore
    public let configuration: DirectoryConfiguration
    let passwords: any PasswordHashing
    let secrets: any SecretMinting
    let now: @Sendable () -> Date
    /// A clock that never jumps (lockouts must not stretch when the wall clock is set back).
    let steadyNow: @Sendable () -> Date
    let throttle: LoginThrottleBox
    let observer: (any DirectoryObserver)?
    /// Seals the links (with their one-time tokens) that wait in the outbox.
    let sealer: any SecretSealing

    public init(
        store: any DirectoryStore, configuration: DirectoryConfiguration, passwords: any PasswordHashing,
        secrets: any SecretMinting, sealer: any SecretSealing, observer: (any DirectoryObserver)? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        steadyNow: @escaping @Sendable () -> Date = { Date(timeIntervalSinceReferenceDate: ProcessInfo.processInfo.systemUptime) }
    ) {
        self.steadyNow = steadyNow
        self.store = store
        self.sealer = sealer
        self.configuration = configuration
        self.passwords = passwords
        self.secrets = secrets
        self.now = now
        self.observer = observer
        self.throttle = LoginThrottleBox(limits: configuration.throttle)
    }

    /// Runs `body` in a write transaction and tells the observer about what it committed.
    func commit<T: Sendable>(_ body: @escaping @Sendable (any DirectoryWriter) throws -> T) async throws -> T {
        let recorder = CommitRecorder()
        let result = try await store.write { writer in
            try body(RecordingWriter(base: writer, recorder: recorder))
        }
        let (outbox, events) = recorder.drain()
        if outbox { observer?.outboxChanged() }
        if !events.isEmpty { observer?.published(events) }
        return result
    }

    /// Builds a link to one of Switchboard's public pages carrying a one-time token, sealed for the
    /// outbox (the token is never stored in clear; the mail worker opens it to render the e-mail).
    func link(_ page: String, token: String) throws -> String {
        try sealer.seal("\(configuration.publicBaseURL)/\(page)?token=\(token)")
    }
}
