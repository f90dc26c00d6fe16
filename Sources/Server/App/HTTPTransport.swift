import AsyncHTTPClient
import Foundation
import Identity
import NIOCore

/// The server's outbound HTTP for OpenID discovery, JWKS and token requests (bounded time and size).
/// Redirects are not followed: a redirect could lead the request (and the client secret) to another host.
struct HTTPTransport: OIDCTransport {
    /// A client that answers a redirect as it is (lives for the process, never shut down).
    static let withoutRedirects = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10))))

    let client: HTTPClient
    let timeout: TimeAmount = .seconds(10)
    let maxBody = 1024 * 1024

    func get(_ url: String) async throws -> (status: Int, body: Data) {
        try await send(HTTPClientRequest(url: url))
    }

    func postForm(_ url: String, fields: [(String, String)]) async throws -> (status: Int, body: Data) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: body))
        return try await send(request)
    }

    private func send(_ request: HTTPClientRequest) async throws -> (status: Int, body: Data) {
        let response = try await client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: maxBody)
        return (Int(response.status.code), Data(body.readableBytesView))
    }
}
