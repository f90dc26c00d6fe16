import Directory
import Foundation
import Mail
import Testing

@Suite("Mail rendering")
struct MailRenderingTests {
    static func message(_ kind: NotificationKind, _ language: Language, link: String? = nil) -> OutboxMessage {
        OutboxMessage(
            tenantID: nil, userID: UserID(), kind: kind, recipient: "ana@acme.test", recipientName: "Ana Lúcia",
            language: language, link: link, parameters: ["extension": "2001"], createdAt: Date())
    }

    @Test("Every notification renders in pt-BR and English, links only where the flow has one")
    func templates() {
        for kind in NotificationKind.allCases {
            let link: String? = (kind == .passwordReset || kind == .confirmEmail) ? "https://sb.test/page?token=abc" : nil
            let pt = NotificationTemplates.render(Self.message(kind, .ptBR, link: link), tenantName: "Acme")
            let en = NotificationTemplates.render(Self.message(kind, .en, link: link), tenantName: "Acme")
            #expect(pt.subject != en.subject)
            #expect(pt.text.contains("Olá, Ana Lúcia."))
            #expect(en.text.contains("Hello, Ana Lúcia."))
            #expect(pt.text.contains("https://sb.test/page?token=abc") == (link != nil))
            #expect(en.html.contains("href=\"https://sb.test/page?token=abc\"") == (link != nil))
        }
        #expect(NotificationTemplates.render(Self.message(.extensionAssigned, .ptBR), tenantName: nil).text.contains("2001"))
    }

    @Test("MIME: RFC 5322 headers, RFC 2047 subject for non-ASCII, multipart/alternative with both parts")
    func mime() throws {
        let mime = MIMEMessage(
            from: ("Acme Atendimento", "no-reply@acme.test"), to: ("Ana Lúcia", "ana@acme.test"), subject: "Confirme seu endereço de e-mail",
            date: Date(timeIntervalSince1970: 0), messageID: "1.x@switchboard", text: "olá\n", html: "<p>olá</p>")
        let text = mime.rendered()
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(text.contains("From: Acme Atendimento <no-reply@acme.test>\r\n"))
        #expect(text.contains("To: =?utf-8?B?\(Data("Ana Lúcia".utf8).base64EncodedString())?= <ana@acme.test>\r\n"))
        #expect(text.contains("Subject: =?utf-8?B?\(Data("Confirme seu endereço de e-mail".utf8).base64EncodedString())?=\r\n"))
        #expect(text.contains("Message-ID: <1.x@switchboard>\r\n"))
        #expect(text.contains("Content-Type: multipart/alternative; boundary="))
        #expect(text.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(text.contains("Content-Type: text/html; charset=utf-8"))
        #expect(text.contains(Data("olá\n".utf8).base64EncodedString()))
        #expect(!text.contains("\n\n"))
    }
}
