import AsyncHTTPClient
import Foundation
import NIOCore

/// Proves that an access token belongs to a WhatsApp number before a tenant may link it: the Graph API
/// must let the token read the number (`GET /{version}/{phone-number-id}`). All tenants share one app
/// (and one webhook secret), so a number linked without this proof would route another business's
/// customers to whoever claimed it first (issue 10 §1.1).
struct WhatsAppNumberVerifier: Sendable {
    enum Outcome: Sendable, Equatable {
        /// The token reads the number; Meta's display number and verified name.
        case owned(displayPhoneNumber: String?, verifiedName: String?)
        /// Meta refused: the number does not exist or the token may not read it.
        case notOwned(reason: String)
        /// Meta could not be asked (network, 5xx, 429): nothing is decided.
        case unreachable(reason: String)
    }

    let client: HTTPClient
    let configuration: WhatsAppConfiguration

    func verify(phoneNumberID: String, accessToken: String) async -> Outcome {
        let base = configuration.graphBaseURL.hasSuffix("/") ? String(configuration.graphBaseURL.dropLast()) : configuration.graphBaseURL
        var request = HTTPClientRequest(url: "\(base)/\(configuration.graphVersion)/\(phoneNumberID)?fields=id,display_phone_number,verified_name")
        request.headers.add(name: "Authorization", value: "Bearer \(accessToken)")
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 64 * 1024)
            let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            let status = Int(response.status.code)
            switch status {
            case 200:
                guard json?["id"] as? String == phoneNumberID else { return .notOwned(reason: "Meta answered for another object") }
                return .owned(displayPhoneNumber: json?["display_phone_number"] as? String, verifiedName: json?["verified_name"] as? String)
            case 429, 500...599:
                return .unreachable(reason: "the Graph API answered HTTP \(status)")
            default:
                let message = (json?["error"] as? [String: Any])?["message"] as? String
                return .notOwned(reason: message.map { String($0.prefix(200)) } ?? "the Graph API answered HTTP \(status)")
            }
        } catch {
            return .unreachable(reason: "the Graph API is unreachable")
        }
    }
}
