import Atomics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lets an idle shard thread sleep until an event is submitted or its next timer is due (`IdleStrategy.park`),
/// instead of waking up every few hundred microseconds to find its ring empty (an idle server burned ~13 %
/// of a core that way on this host, where each timed sleep costs ~30 µs).
///
/// The hand-shake is the eventcount pattern (Dekker's two flags): the shard sets `parked`, issues a full
/// fence and looks at its ring once more before it waits; a producer publishes its element, issues a full
/// fence and then looks at `parked`. Whatever the interleaving, either the shard sees the element and does not
/// sleep, or the producer sees `parked` and signals — under the mutex the shard holds until it is waiting, so
/// the signal cannot fall between the shard's last look and its wait. Producers pay the fence only while the
/// shard was started with `.park` (`enabled`); a shard driven by `runOnce` or another strategy pays nothing.
///
/// `@unchecked Sendable` is safe because the flags are atomics and the mutex and condition variable are
/// only used through pthread calls, which are thread-safe; their storage is allocated once and never moves.
@usableFromInline
final class ShardParking: @unchecked Sendable {
    /// Set before the shard thread starts when it parks; producers skip the fence otherwise.
    @usableFromInline let enabled = ManagedAtomic<Bool>(false)
    /// True while the shard thread is about to wait or waiting.
    @usableFromInline let parked = ManagedAtomic<Bool>(false)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if canImport(Glibc)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Called by a producer after it published an element: wakes the shard if it is parked.
    @inlinable @inline(__always)
    func wakeIfParked() {
        guard enabled.load(ordering: .relaxed) else { return }
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        if parked.load(ordering: .relaxed) { wake() }
    }

    /// Signals the shard thread (also used by `stop`).
    @usableFromInline
    func wake() {
        pthread_mutex_lock(mutex)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Sleeps at most `nanoseconds` (monotonic clock), unless `idle()` — evaluated after `parked` is set and
    /// fenced — says there is work after all. Spurious and early wake-ups are fine: the caller polls again.
    func park(atMost nanoseconds: Int64, idle: () -> Bool) {
        pthread_mutex_lock(mutex)
        parked.store(true, ordering: .relaxed)
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        if idle(), nanoseconds > 0 {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let total = Int64(now.tv_nsec) + nanoseconds % 1_000_000_000
            var until = timespec()
            until.tv_sec = now.tv_sec + Int(nanoseconds / 1_000_000_000) + Int(total / 1_000_000_000)
            until.tv_nsec = Int(total % 1_000_000_000)
            _ = pthread_cond_timedwait(condition, mutex, &until)
        }
        parked.store(false, ordering: .relaxed)
        pthread_mutex_unlock(mutex)
    }
}
