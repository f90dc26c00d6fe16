import Atomics
import CRoutingShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One router shard (issue 3 §3): a `Router` touched only by the shard's thread, fed by a bounded lock-free
/// ring that any thread may submit to, handing outputs to a `RoutingSink`. Drive it with `start(clock:)`
/// (its own thread) or, in tests, with `runOnce(now:)` from a single thread.
///
/// `@unchecked Sendable` is safe because producers touch only `ring` (itself thread-safe) and the atomic
/// `running` flag; `router` and `sink` are touched only by the one thread that runs `runOnce` — the shard's
/// own thread after `start`, or the test's thread when it is never started.
public final class Shard<Sink: RoutingSink>: @unchecked Sendable {
    /// The router state; read it only from the shard's thread (or when stopped).
    public let router: Router
    /// The output sink.
    public let sink: Sink
    @usableFromInline let ring: EventRing<ShardInput>
    /// Sleep and wake-up of the idle thread (`IdleStrategy.park`).
    @usableFromInline let parking = ShardParking()
    /// The longest one park may last (see `sleepBudget`); set before `start`. Tests raise it so that only a
    /// wake-up or a due timer ends a park.
    var maxParkNanoseconds: Int64 = 50_000_000
    private let batchSize: Int
    private let running = ManagedAtomic<Bool>(false)
    private var thread: pthread_t? = nil

    /// A shard around `router` with a ring of `ringCapacity` slots, draining up to `batchSize` per round.
    public init(router: Router, sink: Sink, ringCapacity: Int = 1 << 16, batchSize: Int = 256) {
        self.router = router
        self.sink = sink
        self.ring = EventRing(capacity: ringCapacity)
        self.batchSize = max(1, batchSize)
    }

    /// Submits an event; never blocks. Returns the event back when the ring is full (answer "busy").
    /// Inlinable: the caller's module sees that the accepted path returns nil (no Optional to destroy).
    @inlinable @inline(__always)
    public func submit(_ event: consuming RoutingEvent) -> RoutingEvent? {
        // Claim first: "full" is known before the event is wrapped, so neither path copies the enum.
        guard let position = ring.claim() else { return event }
        ring.publish(.event(event), at: position)
        parking.wakeIfParked()
        return nil
    }

    /// Submits a query; `reply` runs on the shard thread. Returns false when the ring is full.
    public func query(_ q: RoutingQuery, reply: @escaping @Sendable (RoutingAnswer) -> Void) -> Bool {
        guard ring.submit(.query(q, reply: reply)) == nil else { return false }
        parking.wakeIfParked()
        return true
    }

    /// Drains up to one batch at `now`, fires due timers, delivers outputs. Returns the inputs processed.
    /// Each event's outputs reach the sink, in order, before the next input is processed (an offer is not held
    /// back until the end of a batch).
    @discardableResult
    public func runOnce(now: RoutingInstant) -> Int {
        var processed = 0
        while processed < batchSize, let input = ring.poll() {
            processed += 1
            switch consume input {
            case .event(let e):
                router.handle(e, now: now)
                deliverOutputs(now)
            case .query(let q, let reply):
                router.handle(.tick, now: now)
                deliverOutputs(now)
                reply(answer(q))
            }
        }
        if processed == 0, let deadline = router.nextDeadline, deadline <= now {
            router.handle(.tick, now: now)
        }
        deliverOutputs(now)
        return processed
    }

    private func deliverOutputs(_ now: RoutingInstant) {
        let sink = self.sink
        router.drainOutputs { sink.deliver($0, now: now) }
    }

    private func answer(_ q: RoutingQuery) -> RoutingAnswer {
        switch q {
        case .queueStats(let id): .queueStats(router.stats(queue: id))
        case .agentState(let id): .agentState(router.state(agent: id))
        case .explain(let id): .explain(router.explain(contact: id))
        case .position(let id): .position(router.position(contact: id))
        }
    }

    /// Starts the shard's thread, reading `clock` once per batch. Returns false if already running.
    /// - Parameter cpu: pins the thread to this CPU (one shard per core); nil leaves placement to the
    ///   scheduler. A CPU the process may not use is ignored (the thread runs unpinned).
    public func start(clock: some RoutingClock, idle: IdleStrategy = .backoff(sleepMicroseconds: 20), cpu: Int? = nil) -> Bool {
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return false }
        if case .park = idle { parking.enabled.store(true, ordering: .releasing) }
        let box = Unmanaged.passRetained(ShardThreadBox { [self] in
            if let cpu { _ = pinCurrentThread(toCPU: cpu) }
            self.loop(clock: clock, idle: idle)
        })
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { raw in
            guard let raw else { return nil }
            let box = Unmanaged<ShardThreadBox>.fromOpaque(raw).takeRetainedValue()
            box.body()
            return nil
        }, box.toOpaque())
        if rc != 0 {
            box.release()
            running.store(false, ordering: .releasing)
            return false
        }
        thread = tid
        return true
    }

    /// Stops the shard's thread after its current batch and waits for it.
    public func stop() {
        guard running.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing).exchanged,
              let tid = thread else { return }
        parking.wake()
        pthread_join(tid, nil)
        thread = nil
    }

    private func loop(clock: some RoutingClock, idle: IdleStrategy) {
        var idleRounds = 0
        while running.load(ordering: .relaxed) {
            if runOnce(now: clock.now()) > 0 {
                idleRounds = 0
                continue
            }
            idleRounds += 1
            switch idle {
            case .spin:
                break
            case .yield:
                sched_yield()
            case .backoff(let micros):
                if idleRounds > 1_000 { usleep(micros) } else if idleRounds > 100 { sched_yield() }
            case .park:
                if idleRounds > 200 {
                    parking.park(atMost: sleepBudget(clock)) { !ring.hasElement && running.load(ordering: .relaxed) }
                } else if idleRounds > 50 {
                    sched_yield()
                }
            }
        }
    }
}

extension Shard {
    /// The longest a parked shard may sleep: until its next timer is due on `clock`, at most 50 ms (a clock
    /// that is not the monotonic one, e.g. a test's, may move without anyone submitting).
    func sleepBudget(_ clock: some RoutingClock) -> Int64 {
        let cap = maxParkNanoseconds
        guard let deadline = router.nextDeadline else { return cap }
        return max(0, min(cap, deadline.nanoseconds &- clock.now().nanoseconds))
    }
}

/// Carries the thread body across `pthread_create`.
private final class ShardThreadBox {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// Pins the calling thread to one CPU (`sched_setaffinity` on the thread itself). Returns false when the
/// CPU is out of range or not allowed for this process; the thread's placement is then unchanged.
@discardableResult
public func pinCurrentThread(toCPU cpu: Int) -> Bool {
    guard let c = Int32(exactly: cpu) else { return false }
    return sb_routing_pin_current_thread(c) == 0
}

/// Lets the calling thread run on every online CPU again (undoes `pinCurrentThread`).
@discardableResult
public func unpinCurrentThread() -> Bool { sb_routing_unpin_current_thread() == 0 }

/// The number of CPUs this process may run on (at least 1): how many shards "one per core" means.
public func allowedCPUCount() -> Int { Int(sb_routing_allowed_cpu_count()) }
