import Testing
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
@testable import Routing

/// Issue 3 §3/§5: several producer threads push at least 1,000,000 events into one ring; the consumer sees
/// each exactly once, in per-producer order. Runs under ThreadSanitizer in CI.
@Suite struct EventRingTests {
    @Test func fullRingHandsTheElementBack() {
        let ring = EventRing<Int>(capacity: 4)
        for i in 0..<4 { #expect(ring.submit(i) == nil) }
        #expect(ring.submit(99) == 99)
        #expect(ring.poll() == 0)
        #expect(ring.submit(4) == nil)
        #expect((1...4).map { _ in ring.poll() } == [1, 2, 3, 4])
        #expect(ring.poll() == nil)
    }

    @Test func manyProducersOneConsumerExactlyOnceInOrder() throws {
        let producers = 4
        let perProducer = 250_000
        let ring = EventRing<UInt64>(capacity: 1 << 12)
        let full = Atomic<Int>(0)
        let threads = (0..<producers).map { p in
            TestThread {
                var i = 0
                while i < perProducer {
                    let value = UInt64(p) << 32 | UInt64(i)
                    if ring.submit(value) == nil { i += 1 } else { full.add(1, ordering: .relaxed); sched_yield() }
                }
            }
        }
        var next = [Int](repeating: 0, count: producers)
        var received = 0
        var outOfOrder = 0
        while received < producers * perProducer {
            guard let v = ring.poll() else { continue }
            let p = Int(v >> 32), i = Int(v & 0xFFFF_FFFF)
            if i != next[p] { outOfOrder += 1 }
            next[p] = i + 1
            received += 1
        }
        for t in threads { t.join() }
        #expect(outOfOrder == 0)
        #expect(next == [Int](repeating: perProducer, count: producers))
        #expect(ring.poll() == nil)
        #expect(received == 1_000_000)
    }
}

/// A pthread running a closure, for tests.
final class TestThread: @unchecked Sendable {
    // Safe: `thread` is written once in init before any other access and read only by `join` on the creating thread.
    private var thread = pthread_t()
    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body))
        pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
    }
    func join() { pthread_join(thread, nil) }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
