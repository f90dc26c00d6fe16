import Channels
import Foundation
import HTTPTypes
import Hummingbird

/// The WhatsApp Cloud API webhook (issue 6 §3): Meta's subscription check, and signed deliveries
/// answered 200 only after everything in them is committed.
struct WhatsAppRoutes {
    let center: ContactCenter
    let configuration: WhatsAppConfiguration

    func register(on router: Router<AppRequestContext>) {
        router.get("/webhooks/whatsapp") { request, _ in
            let q = request.uri.queryParameters
            guard let expected = configuration.verifyToken,
                  let challenge = WhatsAppVerification.challenge(
                    mode: q["hub.mode"].map(String.init), token: q["hub.verify_token"].map(String.init),
                    challenge: q["hub.challenge"].map(String.init), expectedToken: expected) else {
                throw APIError(status: .forbidden, code: "verification_failed") { _ in "The verify token does not match." }
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: challenge)))
        }
        router.post("/webhooks/whatsapp") { request, context in
            let body = try await request.body.collect(upTo: 4 << 20)
            let bytes = Array(body.readableBytesView)
            let signature = request.headers[HTTPField.Name("X-Hub-Signature-256")!]
            guard let secret = configuration.appSecret, WhatsAppSignature.isValid(body: bytes, header: signature, appSecret: secret) else {
                throw APIError(status: .unauthorized, code: "invalid_signature") { _ in "Missing or invalid X-Hub-Signature-256." }
            }
            let webhook: WhatsAppWebhook
            do { webhook = try WhatsAppWebhook.parse(bytes) } catch let error as WhatsAppPayloadError {
                throw APIError(status: .badRequest, code: "invalid_payload") { _ in "The payload is not a WhatsApp webhook: \(error.reason)" }
            }
            let result = try await center.ingestWhatsApp(webhook)
            return try JSONResponse.make(["received": result.stored, "duplicates": result.duplicates, "statuses": result.statuses,
                                          "rejected": result.rejected])
        }
    }
}
