import Crypto
import Foundation
import Hummingbird

/// A page with its inline script and style, served under a Content-Security-Policy that allows
/// exactly those (by hash) and fetches to this server only.
struct LinkPage: Sendable {
    let html: String
    let contentSecurityPolicy: String

    init(head: String, style: String, body: String, script: String) {
        html = "\(head)<style>\(style)</style>\n</head><body>\n\(body)\n<script>\(script)</script>\n</body></html>\n"
        func hash(_ text: String) -> String { "'sha256-" + Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString() + "'" }
        contentSecurityPolicy = "default-src 'none'; script-src \(hash(script)); style-src \(hash(style)); connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }
}

/// The small pages the e-mailed links open. The token stays in the page (read from the query by
/// script) and is posted to the API; the server never logs query strings.
enum LinkPages {
    static func html(_ page: LinkPage) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .init("Referrer-Policy")!: "no-referrer",
                      SecurityHeadersMiddleware.contentSecurityPolicy: page.contentSecurityPolicy],
            body: .init(byteBuffer: ByteBuffer(string: page.html)))
    }

    static let resetPassword = page(
        title: "Definir senha · Set password",
        form: """
            <label>Nova senha / New password <input id="password" type="password" autocomplete="new-password" required></label>
            <p class="hint">Mínimo de 8 caracteres, com maiúscula, minúscula, número e caractere especial; '&amp;' e '#' não são permitidos.</p>
            <button type="submit">Salvar / Save</button>
            """,
        script: """
            const body = {token, password: document.getElementById('password').value};
            return fetch('/api/v1/password-reset/complete', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
            """,
        success: "Senha definida. Confira seu e-mail para confirmar o endereço. · Password set. Check your e-mail to confirm your address.")

    static let confirmEmail = page(
        title: "Confirmar e-mail · Confirm e-mail",
        form: "<button type=\"submit\">Confirmar / Confirm</button>",
        script: """
            return fetch('/api/v1/email-confirmation', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({token})});
            """,
        success: "E-mail verificado. Você já pode entrar. · E-mail verified. You can log in now.")

    private static func page(title: String, form: String, script: String, success: String) -> LinkPage {
        LinkPage(
            head: """
                <!doctype html>
                <html lang="pt-BR"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>\(title)</title>
                """,
            style: "body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}label,input,button{display:block;width:100%;margin:.5rem 0}input,button{padding:.6rem;font-size:1rem}.hint{color:#555;font-size:.9rem}#result{margin-top:1rem}",
            body: """
                <h1>\(title)</h1>
                <form id="form">\(form)</form>
                <p id="result" role="status"></p>
                """,
            script: """

                const token = new URLSearchParams(location.search).get('token') || '';
                history.replaceState(null, '', location.pathname);
                async function send() { \(script) }
                document.getElementById('form').addEventListener('submit', async (event) => {
                  event.preventDefault();
                  const result = document.getElementById('result');
                  const response = await send();
                  if (response.ok) { result.textContent = '\(success)'; document.getElementById('form').remove(); return; }
                  const error = await response.json().catch(() => ({error: {message: response.statusText}}));
                  result.textContent = error.error.message;
                });

                """)
    }
}
