import Directory

/// A rendered notification: subject, plain text and HTML bodies.
public struct RenderedMail: Sendable, Equatable {
    public let subject: String
    public let text: String
    public let html: String
}

/// The e-mails of the enablement flow (PRODUCT.md) in pt-BR (the product language) and English.
public enum NotificationTemplates {
    /// Renders `message` in its recipient's language.
    public static func render(_ message: OutboxMessage, tenantName: String?) -> RenderedMail {
        let pt = message.language == .ptBR
        let name = message.recipientName
        let product = tenantName.map { "\($0) · Switchboard" } ?? "Switchboard"
        let (subject, lines, action): (String, [String], String?)
        switch message.kind {
        case .passwordReset:
            subject = pt ? "Defina sua senha no \(product)" : "Set your \(product) password"
            lines = pt
                ? ["Olá, \(name).", "Recebemos um pedido para definir a senha da sua conta. Use o link abaixo; ele vale por 24 horas e só pode ser usado uma vez.", "Se você não esperava este e-mail, ignore-o."]
                : ["Hello, \(name).", "We received a request to set the password of your account. Use the link below; it is valid for 24 hours and works once.", "If you did not expect this e-mail, ignore it."]
            action = pt ? "Definir senha" : "Set password"
        case .extensionAssigned:
            let ext = message.parameters["extension"] ?? "-"
            subject = pt ? "Um ramal foi associado ao seu usuário" : "An extension was associated with your user"
            lines = pt
                ? ["Olá, \(name).", "O ramal \(ext) foi associado ao seu usuário no \(product)."]
                : ["Hello, \(name).", "Extension \(ext) was associated with your user on \(product)."]
            action = nil
        case .passwordChanged:
            subject = pt ? "Sua senha foi alterada" : "Your password was changed"
            lines = pt
                ? ["Olá, \(name).", "A senha da sua conta no \(product) foi alterada.", "Se não foi você, fale com o administrador da conta."]
                : ["Hello, \(name).", "The password of your \(product) account was changed.", "If this was not you, contact the account administrator."]
            action = nil
        case .confirmEmail:
            subject = pt ? "Confirme seu endereço de e-mail" : "Confirm your e-mail address"
            lines = pt
                ? ["Olá, \(name).", "Confirme que este endereço de e-mail é seu para concluir o acesso ao \(product)."]
                : ["Hello, \(name).", "Confirm that this e-mail address is yours to finish your access to \(product)."]
            action = pt ? "Confirmar e-mail" : "Confirm e-mail"
        case .emailVerified:
            subject = pt ? "Seu e-mail foi verificado" : "Your e-mail address is verified"
            lines = pt
                ? ["Olá, \(name).", "Seu endereço de e-mail foi verificado. Você já pode entrar no \(product)."]
                : ["Hello, \(name).", "Your e-mail address is verified. You can now log in to \(product)."]
            action = nil
        }
        var text = lines.joined(separator: "\n\n")
        var html = lines.map { "<p>\(escapeHTML($0))</p>" }.joined(separator: "\n")
        if let link = message.link, let action {
            text += "\n\n\(action): \(link)\n"
            html += "\n<p><a href=\"\(escapeHTML(link))\">\(escapeHTML(action))</a></p>"
        }
        return RenderedMail(subject: subject, text: text + "\n", html: "<!doctype html>\n<html><body>\n\(html)\n</body></html>\n")
    }

    static func escapeHTML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
