import Atomics

/// A bounded lock-free multi-producer ring (Dmitry Vyukov's bounded MPMC queue, as in crossbeam's
/// `array_queue.rs`): one sequence number per slot, head and tail on separate 128-byte lines
/// (crossbeam `cache_padded.rs`). `submit` never blocks: a full ring hands the element back (issue 3 §3).
///
/// `@unchecked Sendable` is safe because a slot's element is written only by the producer whose CAS on
/// `tail` claimed that position, published by a releasing store of the slot's sequence, and read only by
/// the consumer whose CAS on `head` claimed the position after an acquiring load saw that sequence; the
/// consumer hands the slot back with a releasing store of `position + capacity`. No element is ever read
/// or written by two threads without that happens-before edge.
public final class EventRing<Element: Sendable>: @unchecked Sendable {
    private let capacity: Int
    private let mask: Int
    private let sequences: UnsafeMutablePointer<Int.AtomicRepresentation>
    private let elements: UnsafeMutablePointer<Element>
    /// head at byte 0, tail at byte 128: different cache lines (and adjacent-line prefetch pairs).
    private let counters: UnsafeMutableRawPointer
    private static var padding: Int { 128 }

    /// A ring holding `capacity` elements, rounded up to a power of two (at least 2).
    public init(capacity requested: Int) {
        var size = 2
        while size < requested { size <<= 1 }
        capacity = size
        mask = size - 1
        sequences = .allocate(capacity: size)
        for i in 0..<size { (sequences + i).initialize(to: Int.AtomicRepresentation(i)) }
        elements = .allocate(capacity: size)
        counters = .allocate(byteCount: 3 * Self.padding, alignment: Self.padding)
        counters.bindMemory(to: Int.AtomicRepresentation.self, capacity: 1).initialize(to: Int.AtomicRepresentation(0))
        (counters + Self.padding).bindMemory(to: Int.AtomicRepresentation.self, capacity: 1).initialize(to: Int.AtomicRepresentation(0))
    }

    deinit {
        while poll() != nil {}
        sequences.deinitialize(count: capacity)
        sequences.deallocate()
        elements.deallocate()
        counters.deallocate()
    }

    /// Number of slots.
    public var slotCount: Int { capacity }

    @inline(__always) private var head: UnsafeAtomic<Int> {
        UnsafeAtomic(at: counters.assumingMemoryBound(to: Int.AtomicRepresentation.self))
    }
    @inline(__always) private var tail: UnsafeAtomic<Int> {
        UnsafeAtomic(at: (counters + Self.padding).assumingMemoryBound(to: Int.AtomicRepresentation.self))
    }
    @inline(__always) private func sequence(_ index: Int) -> UnsafeAtomic<Int> {
        UnsafeAtomic(at: sequences + index)
    }

    /// Adds an element; returns it back when the ring is full (backpressure: the caller answers "busy").
    /// Lock-free; callable from any thread.
    public func submit(_ element: consuming Element) -> Element? {
        var position = tail.load(ordering: .relaxed)
        while true {
            let index = position & mask
            let seq = sequence(index).load(ordering: .acquiring)
            let diff = seq &- position
            if diff == 0 {
                let (exchanged, original) = tail.weakCompareExchange(
                    expected: position, desired: position &+ 1, successOrdering: .relaxed, failureOrdering: .relaxed)
                if exchanged {
                    (elements + index).initialize(to: element)
                    sequence(index).store(position &+ 1, ordering: .releasing)
                    return nil
                }
                position = original
            } else if diff < 0 {
                return element
            } else {
                position = tail.load(ordering: .relaxed)
            }
        }
    }

    /// Removes the oldest element, or nil when empty. Safe from several consumers, though a shard uses one.
    public func poll() -> Element? {
        var position = head.load(ordering: .relaxed)
        while true {
            let index = position & mask
            let seq = sequence(index).load(ordering: .acquiring)
            let diff = seq &- (position &+ 1)
            if diff == 0 {
                let (exchanged, original) = head.weakCompareExchange(
                    expected: position, desired: position &+ 1, successOrdering: .relaxed, failureOrdering: .relaxed)
                if exchanged {
                    let element = (elements + index).move()
                    sequence(index).store(position &+ capacity, ordering: .releasing)
                    return element
                }
                position = original
            } else if diff < 0 {
                return nil
            } else {
                position = head.load(ordering: .relaxed)
            }
        }
    }
}
