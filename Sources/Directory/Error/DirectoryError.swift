/// Everything the directory refuses, each with a stable code; the HTTP edge maps these to statuses
/// and renders `message(in:)` in the caller's language.
public enum DirectoryError: Error, Sendable, Equatable {
    case unauthenticated
    case invalidCredentials
    case forbidden
    case notFound(entity: String)
    case invalidField(field: String, reason: String)
    /// Omnichannel on with WebRTC off (PRODUCT.md: the save is refused).
    case webrtcRequired
    /// Editing an existing agent logs them out of their queues: the admin must confirm first.
    case confirmationRequired
    case emailTaken
    case extensionTaken
    case slugTaken
    case tenantRequired
    case weakPassword([PasswordPolicy.Violation])
    case invalidToken
    case tokenExpired
    case tooManyAttempts(retryAfterSeconds: Int)
    /// The user logs in through the tenant's identity provider.
    case selfManaged
    case passwordNotSet
    /// From e-mail confirmation on the user can log in (PRODUCT.md).
    case emailNotVerified
    /// The agent is not omnichannel-ready; the codes name what is missing.
    case notReady([ReadinessCondition])
    case conflict(reason: String)
    /// Login through the identity provider failed; `reason` says which check.
    case externalLoginFailed(reason: String)
    /// The identity provider vouched for someone who has no user in this tenant (users are not created on login).
    case unknownExternalUser
    /// The tenant has no enabled identity provider.
    case identityProviderUnavailable
    /// Too many logins are being checked at once; the caller may try again shortly.
    case busy

    /// The machine-readable code clients switch on.
    public var code: String {
        switch self {
        case .unauthenticated: "unauthenticated"
        case .invalidCredentials: "invalid_credentials"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .invalidField: "invalid_field"
        case .webrtcRequired: "webrtc_required"
        case .confirmationRequired: "confirmation_required"
        case .emailTaken: "email_taken"
        case .extensionTaken: "extension_taken"
        case .slugTaken: "slug_taken"
        case .tenantRequired: "tenant_required"
        case .weakPassword: "weak_password"
        case .invalidToken: "invalid_token"
        case .tokenExpired: "token_expired"
        case .tooManyAttempts: "too_many_attempts"
        case .selfManaged: "self_managed"
        case .passwordNotSet: "password_not_set"
        case .emailNotVerified: "email_not_verified"
        case .notReady: "not_ready"
        case .conflict: "conflict"
        case .externalLoginFailed: "external_login_failed"
        case .unknownExternalUser: "unknown_user"
        case .identityProviderUnavailable: "identity_provider_unavailable"
        case .busy: "busy"
        }
    }

    /// The field a client must fix, when one is to blame.
    public var field: String? {
        switch self {
        case .invalidField(let field, _): field
        case .emailTaken: "email"
        case .extensionTaken: "extension"
        case .slugTaken: "slug"
        case .weakPassword: "password"
        case .webrtcRequired: "webrtcEnabled"
        case .tenantRequired: "tenant"
        default: nil
        }
    }

    /// The product text for this error in `language`.
    public func message(in language: Language) -> String {
        let pt = language == .ptBR
        switch self {
        case .unauthenticated:
            return pt ? "Autenticação necessária." : "Authentication required."
        case .invalidCredentials:
            return pt ? "E-mail ou senha inválidos." : "Invalid e-mail or password."
        case .forbidden:
            return pt ? "Você não tem permissão para esta ação." : "You are not allowed to do this."
        case .notFound(let entity):
            return pt ? "Registro não encontrado (\(entity))." : "Record not found (\(entity))."
        case .invalidField(let field, let reason):
            return pt ? "Campo inválido '\(field)': \(FieldReasons.text(reason, in: .ptBR))." : "Invalid field '\(field)': \(reason)."
        case .webrtcRequired:
            return pt
                ? "Para salvar o usuário como omnichannel, habilite o WebRTC."
                : "To save the user as omnichannel, enable WebRTC."
        case .confirmationRequired:
            return pt ? Self.editWarningPt : Self.editWarningEn
        case .emailTaken:
            return pt ? "Já existe um usuário com este e-mail nesta conta." : "A user with this e-mail already exists in this account."
        case .extensionTaken:
            return pt ? "Este ramal já está associado a outro usuário." : "This extension is already associated with another user."
        case .slugTaken:
            return pt ? "Já existe uma conta com este identificador." : "An account with this handle already exists."
        case .tenantRequired:
            return pt ? "Informe a conta (tenant) para entrar." : "Give the account (tenant) to log in to."
        case .weakPassword(let violations):
            let names = violations.map { Self.describe($0, pt: pt) }.joined(separator: "; ")
            return pt ? "A senha não atende à política: \(names)." : "The password does not meet the policy: \(names)."
        case .invalidToken:
            return pt ? "Link inválido ou já utilizado." : "Invalid or already used link."
        case .tokenExpired:
            return pt ? "Este link expirou. Solicite um novo." : "This link has expired. Ask for a new one."
        case .tooManyAttempts(let seconds):
            return pt
                ? "Muitas tentativas sem sucesso. Tente novamente em \(seconds) segundos."
                : "Too many failed attempts. Try again in \(seconds) seconds."
        case .selfManaged:
            return pt ? Self.selfManagedPt : Self.selfManagedEn
        case .passwordNotSet:
            return pt ? "Defina sua senha pelo link enviado por e-mail." : "Set your password through the link sent by e-mail."
        case .emailNotVerified:
            return pt ? "Confirme seu e-mail pelo link enviado antes de entrar." : "Confirm your e-mail through the link we sent before logging in."
        case .notReady(let unmet):
            let codes = unmet.map(\.rawValue).joined(separator: ", ")
            return pt ? "Configuração omnichannel incompleta: \(codes)." : "Omnichannel setup incomplete: \(codes)."
        case .conflict(let reason):
            return pt ? "Conflito: \(reason)." : "Conflict: \(reason)."
        case .externalLoginFailed(let reason):
            return pt ? "Falha no login com a Microsoft: \(reason)." : "Microsoft login failed: \(reason)."
        case .unknownExternalUser:
            return pt ? "Usuário não cadastrado nesta conta. Fale com o administrador." : "This user is not registered in this account. Contact the administrator."
        case .identityProviderUnavailable:
            return pt ? "Login com a Microsoft não está habilitado para esta conta." : "Microsoft login is not enabled for this account."
        case .busy:
            return pt ? "Muitos acessos ao mesmo tempo. Tente novamente em instantes." : "Too many logins at once. Try again in a moment."
        }
    }

    /// PRODUCT.md's confirmation warning, verbatim.
    public static let editWarningPt = "Você editou o usuário. Ao confirmar esta edição, o sistema realizará o logout do usuário na(s) fila(s). Deseja confirmar?"
    public static let editWarningEn = "You edited the user. When you confirm this edit, the system will log the user out of their queue(s). Do you want to confirm?"
    /// PRODUCT.md's answer for users of a self-managed group, verbatim.
    public static let selfManagedPt = "Este usuário pertence a um grupo autogerenciado. Entre em contato com Administrador da conta."
    public static let selfManagedEn = "This user belongs to a self-managed group. Contact the account administrator."

    private static func describe(_ violation: PasswordPolicy.Violation, pt: Bool) -> String {
        switch violation {
        case .tooShort: pt ? "mínimo de 8 caracteres" : "at least 8 characters"
        case .tooLong: pt ? "máximo de 128 caracteres" : "at most 128 characters"
        case .missingUppercase: pt ? "uma letra maiúscula" : "an upper-case letter"
        case .missingLowercase: pt ? "uma letra minúscula" : "a lower-case letter"
        case .missingDigit: pt ? "um número" : "a digit"
        case .missingSpecial: pt ? "um caractere especial" : "a special character"
        case .forbiddenCharacter: pt ? "os caracteres '&' e '#' não são permitidos" : "the characters '&' and '#' are not allowed"
        }
    }
}
