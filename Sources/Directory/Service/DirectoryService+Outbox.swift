import Foundation

extension DirectoryService {
    /// Support re-sends a dead-lettered message. A message whose link carried a one-time token lost that
    /// link when it died (tokens are not kept once a row is terminal), so it goes back in line with a
    /// fresh link: a new token replaces the user's open ones of the same purpose. Other messages are
    /// requeued as they were (a pending one is tried again at once). A sent message is a conflict.
    public func resend(by principal: Principal, sequence: Int64) async throws -> OutboxMessage {
        guard principal.role == .support else { throw DirectoryError.forbidden }
        let at = now()
        let (token, hash) = secrets.mint()
        return try await commit { db in
            guard let row = try db.outbox(sequence: sequence) else { throw DirectoryError.notFound(entity: "outbox message") }
            guard row.status != .sent else { throw DirectoryError.conflict(reason: "the message was already delivered") }
            let purpose: TokenPurpose? = switch row.kind {
            case .passwordReset: .passwordReset
            case .confirmEmail: .emailConfirmation
            default: nil
            }
            guard let purpose, row.status == .dead, row.link == nil else {
                _ = try db.requeue(sequence: sequence)
                return try db.outbox(sequence: sequence) ?? row
            }
            guard let user = try db.user(row.userID) else { throw DirectoryError.conflict(reason: "the user no longer exists") }
            if purpose == .emailConfirmation && user.emailVerified {
                throw DirectoryError.conflict(reason: "the address is already verified")
            }
            let lifetime = purpose == .passwordReset ? configuration.resetTokenLifetime : configuration.confirmationTokenLifetime
            try db.invalidateTokens(user: user.id, purpose: purpose, at: at)
            try db.insert(OneTimeToken(tokenHash: hash, userID: user.id, purpose: purpose, createdAt: at, expiresAt: at.addingTimeInterval(lifetime)))
            _ = try db.requeue(sequence: sequence, link: try link(purpose == .passwordReset ? "reset-password" : "confirm-email", token: token))
            try db.append(AuditEntry(
                tenantID: user.tenantID, actorID: principal.userID, action: "outbox.resend_new_link", entity: "outbox",
                entityID: String(sequence), before: nil, after: AuditJSON.encode(["kind": row.kind.rawValue]), at: at))
            return try db.outbox(sequence: sequence) ?? row
        }
    }
}
