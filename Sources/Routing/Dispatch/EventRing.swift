import Atomics

/// A bounded lock-free multi-producer, single-consumer ring (Dmitry Vyukov's bounded queue, as in
/// crossbeam's `array_queue.rs`, with the consumer side reduced to one thread): one sequence number per
/// slot, stored beside the slot's element, and head and tail on separate 128-byte lines (crossbeam
/// `cache_padded.rs`). `submit` never blocks: a full ring hands the element back (issue 3 §3).
///
/// Each slot (sequence + element) starts on a cache line and is padded to whole lines: a producer on one
/// core and the consumer on another exchange one line per event (two when the element is larger than
/// 56 bytes), and neighbouring slots written by different threads never share a line.
///
/// The hot paths are `@inlinable` (with their storage `@usableFromInline`) so that a producer in another
/// module gets them specialized for its element type and inlined, not called through value witnesses.
///
/// `@unchecked Sendable` is safe because a slot's element is written only by the producer whose CAS on
/// `tail` claimed that position, published by a releasing store of the slot's sequence, and read only by
/// the one consumer, after an acquiring load saw that sequence; the consumer hands the slot back with a
/// releasing store of `position + capacity`. No element is ever read or written by two threads without
/// that happens-before edge.
public final class EventRing<Element: Sendable>: @unchecked Sendable {
    @usableFromInline let capacity: Int
    @usableFromInline let mask: Int
    /// `capacity` slots of `slotStride` bytes: the sequence at offset 0, the element at `elementOffset`.
    @usableFromInline let slots: UnsafeMutableRawPointer
    @usableFromInline let slotStride: Int
    @usableFromInline let elementOffset: Int
    /// head at byte 0, tail at byte 128: different cache lines (and adjacent-line prefetch pairs).
    @usableFromInline let counters: UnsafeMutableRawPointer
    @usableFromInline static var padding: Int { 128 }
    private static var lineSize: Int { 64 }

    /// A ring holding `capacity` elements, rounded up to a power of two (at least 2).
    public init(capacity requested: Int) {
        var size = 2
        while size < requested { size <<= 1 }
        capacity = size
        mask = size - 1
        let sequenceSize = MemoryLayout<Int.AtomicRepresentation>.stride
        let alignment = max(MemoryLayout<Element>.alignment, MemoryLayout<Int.AtomicRepresentation>.alignment)
        elementOffset = (sequenceSize + alignment - 1) / alignment * alignment
        let used = elementOffset + MemoryLayout<Element>.stride
        slotStride = (used + Self.lineSize - 1) / Self.lineSize * Self.lineSize
        slots = .allocate(byteCount: size * slotStride, alignment: max(Self.lineSize, alignment))
        for i in 0..<size {
            (slots + i * slotStride).bindMemory(to: Int.AtomicRepresentation.self, capacity: 1)
                .initialize(to: Int.AtomicRepresentation(i))
        }
        counters = .allocate(byteCount: 3 * Self.padding, alignment: Self.padding)
        counters.bindMemory(to: Int.AtomicRepresentation.self, capacity: 1).initialize(to: Int.AtomicRepresentation(0))
        (counters + Self.padding).bindMemory(to: Int.AtomicRepresentation.self, capacity: 1).initialize(to: Int.AtomicRepresentation(0))
    }

    deinit {
        while poll() != nil {}
        slots.deallocate()
        counters.deallocate()
    }

    /// Number of slots.
    public var slotCount: Int { capacity }

    @inlinable @inline(__always) var head: UnsafeAtomic<Int> {
        UnsafeAtomic(at: counters.assumingMemoryBound(to: Int.AtomicRepresentation.self))
    }
    @inlinable @inline(__always) var tail: UnsafeAtomic<Int> {
        UnsafeAtomic(at: (counters + Self.padding).assumingMemoryBound(to: Int.AtomicRepresentation.self))
    }
    @inlinable @inline(__always) func sequence(_ index: Int) -> UnsafeAtomic<Int> {
        UnsafeAtomic(at: (slots + index &* slotStride).assumingMemoryBound(to: Int.AtomicRepresentation.self))
    }
    @inlinable @inline(__always) func elementSlot(_ index: Int) -> UnsafeMutablePointer<Element> {
        (slots + index &* slotStride + elementOffset).assumingMemoryBound(to: Element.self)
    }

    /// Adds an element; returns it back when the ring is full (backpressure: the caller answers "busy").
    /// Lock-free; callable from any thread.
    @inlinable
    public func submit(_ element: consuming Element) -> Element? {
        guard let position = claim() else { return element }
        publish(element, at: position)
        return nil
    }

    /// Claims the next free position for one element, or nil when the ring is full. The claimer must then
    /// `publish` exactly one element at that position (the consumer waits for it; nothing else can take it).
    /// Split from `submit` so that a caller holding a large enum can learn "full" before building the element.
    @inlinable @inline(__always)
    public func claim() -> Int? {
        var position = tail.load(ordering: .relaxed)
        while true {
            let seq = sequence(position & mask).load(ordering: .acquiring)
            let diff = seq &- position
            if diff == 0 {
                let (exchanged, original) = tail.weakCompareExchange(
                    expected: position, desired: position &+ 1, successOrdering: .relaxed, failureOrdering: .relaxed)
                if exchanged { return position }
                position = original
            } else if diff < 0 {
                return nil
            } else {
                position = tail.load(ordering: .relaxed)
            }
        }
    }

    /// Stores the element of a position `claim` returned and hands it to the consumer.
    @inlinable @inline(__always)
    public func publish(_ element: consuming Element, at position: Int) {
        let index = position & mask
        elementSlot(index).initialize(to: element)
        sequence(index).store(position &+ 1, ordering: .releasing)
    }

    /// Whether the oldest position holds a published element (the consumer's look before it sleeps).
    public var hasElement: Bool {
        let position = head.load(ordering: .relaxed)
        return sequence(position & mask).load(ordering: .acquiring) == position &+ 1
    }

    /// Removes the oldest element, or nil when empty (or when the producer that claimed the oldest slot has
    /// not published it yet). One consumer at a time (a shard's thread): the head is the consumer's own
    /// counter, so taking an element is a load and two stores, no compare-and-swap. Handing the ring to
    /// another consumer thread needs a happens-before edge (thread start or join).
    @inlinable
    public func poll() -> Element? {
        let position = head.load(ordering: .relaxed)
        let index = position & mask
        guard sequence(index).load(ordering: .acquiring) == position &+ 1 else { return nil }
        let element = elementSlot(index).move()
        sequence(index).store(position &+ capacity, ordering: .releasing)
        head.store(position &+ 1, ordering: .relaxed)
        return element
    }
}
