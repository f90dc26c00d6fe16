import Directory
import Foundation
import Mail
import Storage
import Synchronization
import Testing

/// A delivery that answers from a script and records what it was asked to send.
final class ScriptedDelivery: MailDelivery {
    private let state = Mutex<(script: [MailDeliveryError?], delivered: [Int64], attempts: [Int64], batches: Int)>(([], [], [], 0))

    /// The next answers, in order; nil = accepted. When the script runs out, everything is accepted.
    func script(_ answers: [MailDeliveryError?]) { state.withLock { $0.script += answers } }
    var delivered: [Int64] { state.withLock { $0.delivered } }
    var attempts: [Int64] { state.withLock { $0.attempts } }
    var batches: Int { state.withLock { $0.batches } }

    func deliver(_ message: MIMEMessage, sequence: Int64) async throws {
        let answer = state.withLock { value -> MailDeliveryError? in
            value.attempts.append(sequence)
            let next = value.script.isEmpty ? nil : value.script.removeFirst()
            if next == nil { value.delivered.append(sequence) }
            return next
        }
        if let answer { throw answer }
    }

    func finishBatch() async { state.withLock { $0.batches += 1 } }
}

final class TestClock: Sendable {
    private let follower = Mutex<TestClock?>(nil)
    /// Another clock that advances with this one (the monotonic clock follows the wall clock unless a test sets the wall clock back).
    func drive(_ other: TestClock) { follower.withLock { $0 = other } }
    func setBack(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(-seconds) } }
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    func now() -> Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
        follower.withLock { $0 }?.advance(seconds)
    }
}

struct OutboxFixture {
    let store: SQLiteDirectoryStore
    let delivery = ScriptedDelivery()
    let clock = TestClock()
    /// The worker's monotonic clock, moved separately from the wall clock.
    let steady = TestClock()
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(UUID().uuidString).sqlite").path
        store = try SQLiteDirectoryStore(path: path)
        clock.drive(steady)
    }

    /// Backoff without randomness: 10 s, 20 s, 40 s … (random = 1 gives the full delay).
    func worker(maxAttempts: Int = 4, store: SQLiteDirectoryStore? = nil) -> OutboxWorker {
        let (clock, steady) = (self.clock, self.steady)
        return OutboxWorker(
            store: store ?? self.store, delivery: delivery, senderAddress: "no-reply@sb.test",
            retry: RetryPolicy(baseDelay: .seconds(10), maxDelay: .seconds(3600), maxAttempts: maxAttempts, random: { 1 }),
            now: { clock.now() }, steadyNow: { steady.now() })
    }

    @discardableResult
    func enqueue(_ recipient: String, _ kind: NotificationKind = .passwordChanged) async throws -> Int64 {
        let message = OutboxMessage(
            tenantID: nil, userID: UserID(), kind: kind, recipient: recipient, recipientName: "Ana",
            language: .ptBR, link: kind == .passwordReset ? "https://sb.test/reset?token=t" : nil, createdAt: clock.now())
        return try await store.write { db in try db.enqueue(message) }
    }

    func row(_ sequence: Int64) async throws -> OutboxMessage? {
        try await store.read { db in try db.outbox(sequence: sequence) }
    }
}

@Suite("Outbox worker: delivery, backoff, dead letters")
struct OutboxWorkerTests {
    @Test("Sends pending messages in order, marks them sent, and closes the batch")
    func inOrder() async throws {
        let f = try OutboxFixture()
        let a = try await f.enqueue("ana@acme.test", .passwordReset)
        let b = try await f.enqueue("ana@acme.test", .passwordChanged)
        let c = try await f.enqueue("bia@acme.test")
        #expect(await f.worker().drain() == 3)
        #expect(f.delivery.delivered == [a, b, c])
        #expect(f.delivery.batches == 1)
        let first = try await f.row(a)
        #expect(first?.status == .sent)
        #expect(first?.link == nil)
        #expect(first?.attempts == 1)
    }

    @Test("A 5yz refusal dead-letters the message with the server's text at once; the next one still goes")
    func rejected() async throws {
        let f = try OutboxFixture()
        let a = try await f.enqueue("nobody@acme.test")
        let b = try await f.enqueue("bia@acme.test")
        f.delivery.script([.rejected("550 5.1.1 <nobody@acme.test>: Recipient address rejected")])
        #expect(await f.worker().drain() == 1)
        let dead = try await f.row(a)
        #expect(dead?.status == .dead)
        #expect(dead?.lastError == "550 5.1.1 <nobody@acme.test>: Recipient address rejected")
        #expect(try await f.row(b)?.status == .sent)
        let listed = try await f.store.read { db in try db.outbox(status: .dead, limit: 10) }
        #expect(listed.map(\.sequence) == [a])
    }

    @Test("Server unavailable: backoff, no attempt before it ends, then every message exactly once, also after a restart")
    func unavailableThenBack() async throws {
        let f = try OutboxFixture()
        let a = try await f.enqueue("ana@acme.test", .passwordReset)
        let b = try await f.enqueue("bia@acme.test")
        f.delivery.script([.unavailable("connection refused"), .unavailable("connection refused")])
        let worker = f.worker()
        #expect(await worker.drain() == 0)
        #expect(f.delivery.attempts == [a])  // the round stops at the first unavailable answer
        let waiting = try await f.row(a)
        #expect(waiting?.status == .pending)
        #expect(waiting?.attempts == 1)
        #expect(waiting?.lastError == "connection refused")

        f.clock.advance(9)
        #expect(await worker.drain() == 0)
        #expect(f.delivery.attempts == [a])  // still inside the 10 s backoff

        f.clock.advance(2)
        #expect(await worker.drain() == 0)
        #expect(f.delivery.attempts == [a, a])  // second failure: next wait is 20 s
        f.clock.advance(15)
        #expect(await worker.drain() == 0)
        #expect(f.delivery.attempts == [a, a])

        f.clock.advance(6)
        #expect(await worker.drain() == 2)
        #expect(f.delivery.delivered == [a, b])

        // A restarted worker over the same database sends nothing again.
        let reopened = try SQLiteDirectoryStore(path: f.path)
        #expect(await f.worker(store: reopened).drain() == 0)
        #expect(f.delivery.delivered == [a, b])
    }

    @Test("A 4yz for one message defers it; later mail to the same person waits behind it, others go on")
    func deferredKeepsPerRecipientOrder() async throws {
        let f = try OutboxFixture()
        let a = try await f.enqueue("ana@acme.test", .passwordReset)
        let b = try await f.enqueue("ana@acme.test", .passwordChanged)
        let c = try await f.enqueue("bia@acme.test")
        f.delivery.script([.deferred("451 4.7.1 greylisted")])
        let worker = f.worker()
        #expect(await worker.drain() == 1)
        #expect(f.delivery.delivered == [c])
        #expect(try await f.row(b)?.attempts == 0)
        f.clock.advance(10)
        #expect(await worker.drain() == 2)
        #expect(f.delivery.delivered == [c, a, b])
    }

    @Test("Too many temporary failures: dead letter with the last error")
    func exhausted() async throws {
        let f = try OutboxFixture()
        let a = try await f.enqueue("ana@acme.test")
        f.delivery.script([.deferred("421 busy"), .deferred("451 later")])
        let worker = f.worker(maxAttempts: 2)
        await worker.drain()
        f.clock.advance(10)
        await worker.drain()
        let dead = try await f.row(a)
        #expect(dead?.status == .dead)
        #expect(dead?.lastError == "451 later")
        #expect(dead?.attempts == 2)
    }

    @Test("A wall clock set back does not stall the outbox: the pause runs on a monotonic clock and far-future retry times are due")
    func wallClockSetBack() async throws {
        let f = try OutboxFixture()
        let a = try await f.enqueue("ana@acme.test")
        f.delivery.script([.unavailable("connection refused")])
        let worker = f.worker()
        #expect(await worker.drain() == 0)
        // NTP steps the wall clock back two hours; eleven seconds pass.
        f.clock.setBack(7200)
        f.steady.advance(11)
        #expect(await worker.drain() == 1)
        #expect(f.delivery.delivered == [a])
    }

    @Test("Requeue: a dead message goes back in line with a fresh count; a sent one is never requeued")
    func requeue() async throws {
        let f = try OutboxFixture()
        let a = try await f.enqueue("nobody@acme.test", .extensionAssigned)
        let b = try await f.enqueue("bia@acme.test")
        let c = try await f.enqueue("carla@acme.test", .passwordReset)
        f.delivery.script([.rejected("550 no such user"), nil, .rejected("550 no such user")])
        let worker = f.worker()
        await worker.drain()
        #expect(try await f.store.write { db in try db.requeue(sequence: a) })
        #expect(try await f.store.write { db in try db.requeue(sequence: b) } == false)
        #expect(try await f.store.write { db in try db.requeue(sequence: 999) } == false)
        // A dead reset lost its link (the token is not kept once terminal): a new reset is the way.
        #expect(try await f.row(c)?.link == nil)
        #expect(try await f.store.write { db in try db.requeue(sequence: c) } == false)
        let again = try await f.row(a)
        #expect(again?.status == .pending)
        #expect(again?.attempts == 0)
        #expect(await worker.drain() == 1)
        #expect(f.delivery.delivered == [b, a])
    }
}
