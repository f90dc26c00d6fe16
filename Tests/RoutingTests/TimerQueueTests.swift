import Testing
@testable import Routing

/// The router's timers (lanes for fixed durations beside a heap), checked against a plain list sorted by
/// (deadline, scheduling order): random schedules of both kinds, cancels and pops, with more distinct
/// durations than there are lanes and with "now" going back, which must not break deadline order.
@Suite struct TimerQueueTests {
    /// A reference timer: what `popDue` must return, in this order.
    private struct Expected: Equatable {
        var deadline: Int64
        var sequence: Int
        var target: UInt32
    }

    @Test(arguments: [3, 40])
    func firesInDeadlineThenSchedulingOrder(distinctDurations: Int) {
        var timers = TimerQueue()
        var reference: [TimerHandle: Expected] = [:]
        var live: [TimerHandle] = []   // reference's keys in a reproducible order
        var random = TestRandom(state: UInt64(distinctDurations))
        var now: Int64 = 1_000
        var sequence = 0
        for step in 0..<100_000 {
            let roll = random.below(100)
            if roll < 40 {
                // "now + a queue setting": few durations (lanes) or many (some fall back to the heap).
                let duration = Int64(1 + random.below(distinctDurations)) * 500
                let at = random.chance(2) ? now - 700 : now   // a clock that went back: still ordered
                let h = timers.schedule(after: duration, now: at, kind: .offerTimeout, target: UInt32(step))
                reference[h] = Expected(deadline: at + duration, sequence: sequence, target: UInt32(step))
                live.append(h)
                sequence += 1
            } else if roll < 55 {
                let deadline = now + Int64(random.below(20_000))
                let h = timers.schedule(at: deadline, kind: .tierWiden, target: UInt32(step))
                reference[h] = Expected(deadline: deadline, sequence: sequence, target: UInt32(step))
                live.append(h)
                sequence += 1
            } else if roll < 75, !live.isEmpty {
                let h = live.remove(at: random.below(live.count))
                timers.cancel(h)
                reference[h] = nil
                timers.cancel(h)   // twice: ignored
            } else {
                now += Int64(random.below(800))
                while let due = timers.popDue(now: now) {
                    let first = reference.min { ($0.value.deadline, $0.value.sequence) < ($1.value.deadline, $1.value.sequence) }
                    #expect(first?.value.target == due.target)
                    #expect(first?.value.deadline == due.deadline)
                    #expect(due.deadline <= now)
                    if let first {
                        reference[first.key] = nil
                        live.removeAll { $0 == first.key }
                    }
                }
                let next = reference.values.map(\.deadline).min()
                #expect(timers.nextDeadline == next)
                #expect(next.map { $0 > now } ?? true)
            }
            #expect(timers.count == reference.count)
        }
        timers.cancel(.none)
        #expect(timers.count == reference.count)
    }

    @Test func equalDeadlinesInLanesAndHeapFireInSchedulingOrder() {
        var timers = TimerQueue()
        let a = timers.schedule(after: 100, now: 0, kind: .offerTimeout, target: 1)
        _ = timers.schedule(at: 100, kind: .tierWiden, target: 2)
        _ = timers.schedule(after: 50, now: 50, kind: .wrapUpEnd, target: 3)
        _ = timers.schedule(after: 100, now: 0, kind: .offerTimeout, target: 4)
        timers.cancel(a)
        var fired: [UInt32] = []
        while let due = timers.popDue(now: 100) { fired.append(due.target) }
        #expect(fired == [2, 3, 4])
        #expect(timers.count == 0)
        #expect(timers.nextDeadline == nil)
    }
}
