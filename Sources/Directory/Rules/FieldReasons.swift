import Foundation

/// The reasons a field is refused, in the user's language. Rules and routes state reasons in English
/// (`"between 5 and 600"`, `"1-120 characters"`); this catalogue gives their pt-BR text, by exact phrase
/// or by pattern, so a validation message never mixes languages for the phrases the product uses.
public enum FieldReasons {
    /// `reason` in `language` (English reasons are returned as they are).
    public static func text(_ reason: String, in language: Language) -> String {
        language == .ptBR ? portuguese(reason) : reason
    }

    static let phrases: [String: String] = [
        "is required": "é obrigatório",
        "expected a string": "esperado um texto",
        "expected a boolean": "esperado verdadeiro ou falso (true/false)",
        "expected an integer": "esperado um número inteiro",
        "expected a whole number": "esperado um número inteiro",
        "expected an array": "esperada uma lista",
        "expected a JSON object": "esperado um objeto JSON",
        "a whole number too large for this field": "número grande demais para este campo",
        "malformed JSON": "JSON malformado",
        "a JSON body is required": "é preciso enviar um corpo JSON",
        "not a valid e-mail address": "não é um endereço de e-mail válido",
        "support users belong to no tenant": "usuários de suporte não pertencem a uma conta",
        "support users log in with a password": "usuários de suporte entram com senha",
        "required for this role": "obrigatório para este papel",
        "only agents and supervisors serve queues": "só agentes e supervisores atendem filas",
        "no such queue in this tenant": "não existe essa fila nesta conta",
        "a queue cannot overflow into itself": "uma fila não pode transbordar para ela mesma",
        "voice and chat queues cannot overflow into each other": "filas de voz e de chat não transbordam uma para a outra",
        "2-40 lowercase letters, digits or '-'": "2 a 40 letras minúsculas, dígitos ou '-'",
        "a directory (tenant) GUID": "o GUID do diretório (locatário) do Entra",
        "an application (client) GUID": "o GUID do aplicativo (cliente) do Entra",
        "the user's Entra object id (a GUID)": "o object id do usuário no Entra (um GUID)",
        "a queue id": "o id de uma fila",
        "must be an agent or supervisor": "deve ser um agente ou supervisor",
        "business hours apply to chat queues": "horário de atendimento vale para filas de chat",
        "Meta's numeric phone number id": "o id numérico do número na Meta",
        "the account's handle is required": "o identificador da conta é obrigatório",
        "at most 20 origins": "no máximo 20 origens",
    ]

    static func portuguese(_ reason: String) -> String {
        if let known = phrases[reason] { return known }
        let patterns: [(String, String)] = [
            (#"^between (-?\d+) and (-?\d+)$"#, "entre $1 e $2"),
            (#"^(\d+)-(\d+) characters$"#, "de $1 a $2 caracteres"),
            (#"^(\d+)-(\d+) digits$"#, "de $1 a $2 dígitos"),
            (#"^(-?\d+)-(\d+)$"#, "de $1 a $2"),
            (#"^expected (.+), got null$"#, "veio null"),
            (#"^allowed values: (.+)$"#, "valores permitidos: $1"),
            (#"^must be a (\w+) queue$"#, "deve ser uma fila de $1"),
            (#"^must be (\S+) \(set by the server's operator\)$"#, "deve ser $1 (definido pelo operador do servidor)"),
            (#"^expected (\d+)\.\.\.(\d+)$"#, "de $1 a $2"),
        ]
        for (pattern, template) in patterns {
            if let regex = try? NSRegularExpression(pattern: pattern),
               let match = regex.firstMatch(in: reason, range: NSRange(reason.startIndex..., in: reason)) {
                return regex.replacementString(for: match, in: reason, offset: 0, template: template)
            }
        }
        return reason
    }
}
