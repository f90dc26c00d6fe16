import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A local Graph API for number lookups: `GET /{version}/{phone-number-id}` answers 200 only with the
/// token that owns the number (what Meta does), 400 otherwise.
final class FakeGraph: Sendable {
    private let state = Mutex<(owned: [String: String], port: Int)>(([:], 0))
    private let server = LocalServer()

    var url: String { "http://127.0.0.1:\(state.withLock { $0.port })" }
    func own(_ phoneNumberID: String, token: String) { state.withLock { $0.owned[phoneNumberID] = token } }

    func start() async throws {
        let router = Router()
        router.get("/:version/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            let token = request.headers[.authorization].map { String($0.dropFirst("Bearer ".count)) }
            guard let owner = self.state.withLock({ $0.owned[id] }), owner == token else {
                return Response(status: .badRequest, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"Unsupported get request.","code":100}}"#)))
            }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"id":"\#(id)","display_phone_number":"+55 11 4000-0000","verified_name":"Loja"}"#)))
        }
        let port = await server.start(router)
        state.withLock { $0.port = port }
    }

    func stop() { server.stop() }
}
