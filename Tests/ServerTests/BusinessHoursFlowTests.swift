import Foundation
import HTTPTypes
@testable import Server
import Storage
import Testing

/// Issue 6 §2 "Business hours": driven on the server's injected clock. Outside the hours a queue refuses
/// new chats or keeps them for later; kept chats enter the line when the queue opens.
@Suite("Business hours")
struct BusinessHoursFlowTests {
    // The test clock starts at 2027-01-15 08:00 UTC; the queue opens 10:00–11:00 UTC every day.
    static func hours(_ policy: String) -> [String: Any] { [
        "outsideHours": policy,
        "timeZone": "UTC", "message": "Abrimos às 10h.",
        "week": Dictionary(uniqueKeysWithValues: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map { ($0, [["open": "10:00", "close": "11:00"]]) }),
    ] }

    func waiting(_ api: API, _ queue: String, _ token: String) async throws -> Int? {
        for _ in 0..<100 {
            let stats = try await api.send(.get, "/api/v1/queues/\(queue)/stats", token: token)
            if stats.status == .ok { return stats["waiting"] as? Int }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test("Refused outside hours with the queue's message; kept for later enters the line at opening time")
    func refuseOrKeepForLater() async throws {
        let system = try TestSystem()
        try await system.run { api in
            let support = try await api.supportToken()
            let (_, admin) = try await api.tenantWithAdmin("loja", support: support)
            let queue = try await api.send(.post, "/api/v1/queues", token: admin, json: ["name": "Chat", "channel": "webchat"]).string("id")
            let key = try await api.send(.post, "/api/v1/chat-sites", token: admin, json: ["queueId": queue, "name": "Loja"]).string("siteKey")
            let site = try #require(try await system.server.store.conversations.read { try $0.chatSite(key: key) })
            let center = system.server.contacts
            _ = try await waiting(api, queue, admin)

            #expect(try await api.send(.put, "/api/v1/queues/\(queue)/business-hours", token: admin, json: Self.hours("refuse")).status == .ok)
            let outlet = Outlet()
            let (welcome, _) = await center.connectVisitor(site: site, resumeToken: nil, outlet: outlet)
            #expect(welcome["open"] == .bool(false) && welcome["hoursMessage"] == .string("Abrimos às 10h."))
            await #expect(throws: ProtocolError(code: "closed", message: "Abrimos às 10h.")) {
                _ = try await center.visitorCommand(site: site, seq: nil, outlet: outlet, ["type": "start", "name": "Ana", "text": "oi"])
            }

            #expect(try await api.send(.put, "/api/v1/queues/\(queue)/business-hours", token: admin, json: Self.hours("accept_for_later")).status == .ok)
            let (ack, seq) = try await center.visitorCommand(site: site, seq: nil, outlet: outlet, ["type": "start", "name": "Ana", "text": "oi"])
            #expect(ack["status"] == .string("scheduled") && ack["routeAfter"] == .string("2027-01-15T10:00:00.000Z"))
            let number = try #require(seq)
            let stored = try #require(try await system.server.store.conversations.read { try $0.conversation(seq: number) })
            #expect(stored.status == .scheduled)

            await center.routeDue()
            #expect(try await waiting(api, queue, admin) == 0)
            system.clock.advance(seconds: 2 * 3600)
            await center.routeDue()
            var inLine = try await waiting(api, queue, admin)
            for _ in 0..<100 where inLine != 1 {
                try await Task.sleep(for: .milliseconds(20))
                inLine = try await waiting(api, queue, admin)
            }
            #expect(inLine == 1)
            let now = try #require(try await system.server.store.conversations.read { try $0.conversation(seq: stored.seq) })
            #expect(now.status == .waiting && now.arrivedAt == stored.arrivedAt)
        }
    }
}
