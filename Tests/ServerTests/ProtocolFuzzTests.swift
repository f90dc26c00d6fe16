import Directory
import Foundation
import HTTPTypes
@testable import Server
import Storage
import Testing

/// Issue 10 §3: the workspace and visitor WebSocket messages are outside bytes. 1,000,000 random and
/// mutated messages each go through what a socket does with a text frame — JSON decoding, then the
/// command handler of the contact center — and never crash; bad input is refused with a protocol error
/// and changes nothing (no conversation, message, membership or audit row appears or changes).
@Suite("Workspace and visitor protocol robustness", .serialized)
struct ProtocolFuzzTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Messages of both protocols, with ids no one holds (so a surviving mutation is still refused).
    static let templates = [
        #"{"type":"ping","id":"1"}"#, #"{"type":"state.set","state":"paused","reason":"nap"}"#,
        #"{"type":"queue.login","queueId":"00000000-0000-4000-8000-000000000001"}"#,
        #"{"type":"offer.accept","contactId":"00000000-0000-4000-8000-000000000002"}"#,
        #"{"type":"offer.reject","contactId":"00000000-0000-4000-8000-000000000003"}"#,
        #"{"type":"message.send","contactId":"00000000-0000-4000-8000-000000000004","text":"oi","attachment":{"url":"ftp://x"}}"#,
        #"{"type":"contact.close","contactId":"not-a-uuid"}"#, #"{"type":"wrapup.end","contactId":null}"#,
        #"{"type":"typing","contactId":[1,2,3],"active":"yes"}"#, #"{"type":"message","text":"olá"}"#, #"{"type":"leave"}"#,
        #"{"type":"start","name":"","email":"not an e-mail"}"#, #"{"type":"start","name":"Ana","email":"@@"}"#,
    ]

    func counts(_ system: TestSystem) async throws -> [Int] {
        let conversations = try await system.server.store.conversations.read { try $0.openConversations().count }
        let audit = try await system.server.store.read { try $0.audit(tenant: nil, limit: 500, beforeSequence: nil).count }
        return [conversations, audit]
    }

    @Test("1,000,000 workspace and 1,000,000 visitor messages: no crash, refused with an error, nothing changed")
    func messages() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (tenant, admin) = try await api.tenantWithAdmin("acme", support: support)
            let queue = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "Chat", "channel": "webchat"]).string("id")
            let agent = try await api.createUser(support: support, tenant: tenant, email: "ana@acme.test",
                                                 extra: ["webrtcEnabled": true, "omnichannelEnabled": true]).string("id")
            let token = try await api.activate(email: "ana@acme.test", password: "Ana!2024pw")
            #expect(try await api.send(.put, "/api/v1/queues/\(queue)/members/\(agent)", token: admin, json: ["level": 1]).status == .ok)
            let key = try await api.send(.post, "/api/v1/chat-sites", token: admin, json: ["queueId": queue, "name": "Loja"]).string("siteKey")
            let site = try #require(try await system.server.store.conversations.read { try $0.chatSite(key: key) })
            let principal = try await system.server.directory.authenticate(token: token)
            let center = system.server.contacts
            _ = try await center.connectAgent(principal, outlet: Outlet(buffer: 8))
            let before = try await counts(system)
            let memberships = try await system.server.store.read { try $0.memberships(user: principal.userID) }

            var random = SplitMix(state: 0xF0CC)
            let seeds = Self.templates.map { Array($0.utf8) }
            let alphabet = Array(#"{}[]:,"\0123456789.-truefalsn type"#.utf8) + [0xFF, 0xC3, 0x00]
            var decoded = 0, handled = 0, refused = 0, acked = 0
            let started = ContinuousClock.now
            var handlerTime = Duration.zero
            for round in 0..<2_000_000 {
                var bytes: [UInt8]
                if round % 4 == 0 {
                    bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random) ?? 0 }
                } else {
                    bytes = seeds.randomElement(using: &random) ?? []
                    for _ in 0..<Int.random(in: 0...3, using: &random) where !bytes.isEmpty {
                        let at = Int.random(in: 0..<bytes.count, using: &random)
                        if Bool.random(using: &random) { bytes[at] = alphabet.randomElement(using: &random) ?? 0 } else { bytes.remove(at: at) }
                    }
                }
                // What WebSocketSession does with a text frame.
                guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)), case .object = value else { continue }
                decoded += 1
                // Half of the rounds play the workspace, half the visitor.
                handled += 1
                let t0 = ContinuousClock.now
                defer { handlerTime += ContinuousClock.now - t0 }
                do {
                    if round % 2 == 0 {
                        _ = try await center.agentCommand(principal, value)
                    } else {
                        if value["type"]?.stringValue == "start", let name = value["name"]?.stringValue,
                           (1...80).contains(name.trimmingCharacters(in: .whitespacesAndNewlines).count),
                           value["email"]?.stringValue.map({ e in
                               let trimmed = e.trimmingCharacters(in: .whitespaces)
                               return trimmed.isEmpty || FieldRules.isValidEmail(trimmed)  // an empty e-mail field means none
                           }) ?? true {
                            continue  // a well-formed start is legitimate input, not fuzz
                        }
                        _ = try await center.visitorCommand(site: site, seq: nil, outlet: Outlet(buffer: 8), value)
                    }
                    acked += 1
                } catch let error as ProtocolError {
                    #expect(!error.code.isEmpty && !error.message.isEmpty)
                    refused += 1
                } catch {
                    Issue.record("not a protocol error: \(error)")
                }
            }
            print("fuzz: \(ContinuousClock.now - started) in all, \(handlerTime) in handlers; decoded \(decoded), handled \(handled)")
            #expect(decoded > 100_000 && handled == decoded && refused > 0, "decoded \(decoded), handled \(handled), refused \(refused), acked \(acked)")
            let after = try await counts(system)
            #expect(after == before, "conversations, audit: \(before) → \(after)")
            if after != before {
                let open = try await system.server.store.conversations.read { try $0.openConversations() }
                Issue.record("conversations: \(open.map { "\($0.customerName)|\($0.customerEmail ?? "-")" })")
            }
            #expect(try await system.server.store.read { try $0.memberships(user: principal.userID) } == memberships)
        }
    }
}
