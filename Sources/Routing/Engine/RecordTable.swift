/// A growable table of router records (agents, queues, memberships, contacts, offers), indexed by compact
/// ids or pool slots.
///
/// The records live in a buffer owned by a class, so editing one is a write through a pointer: no
/// copy-on-write uniqueness check (with `Array`, an out-of-line runtime call on every mutation of a record,
/// about 60 per contact cycle) and no exclusivity check. Indexes are still checked (a bad index traps, as
/// with `Array`). Reference semantics: copies of a table share its records. `RouterCore` owns its tables;
/// the only copies of a core are the read-only views handed to an offer observer during a call.
struct RecordTable<Element>: RandomAccessCollection {
    /// The buffer; confined to the router's one thread like the rest of the core.
    final class Storage {
        /// `@exclusivity(unchecked)`: touched only through the table's accessors, by the router's one thread,
        /// never re-entered (see `Router.core`).
        @exclusivity(unchecked) var base: UnsafeMutablePointer<Element>
        @exclusivity(unchecked) var count = 0
        @exclusivity(unchecked) var capacity = 0

        init() { base = .allocate(capacity: 1) }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }

        /// Makes room for at least `minimum` records (doubling, so appends are amortized O(1)).
        func grow(to minimum: Int) {
            guard minimum > capacity else { return }
            let size = Swift.max(minimum, capacity * 2, 16)
            let fresh = UnsafeMutablePointer<Element>.allocate(capacity: size)
            fresh.moveInitialize(from: base, count: count)
            base.deallocate()
            base = fresh
            capacity = size
        }
    }

    let storage = Storage()

    init() {}

    var startIndex: Int { 0 }
    var endIndex: Int { storage.count }

    @inline(__always) private func check(_ i: Int) {
        precondition(UInt(bitPattern: i) < UInt(bitPattern: storage.count), "router record index out of range")
    }

    subscript(i: Int) -> Element {
        _read {
            check(i)
            yield storage.base[i]
        }
        nonmutating _modify {
            check(i)
            yield &storage.base[i]
        }
    }

    /// Appends a record.
    func append(_ element: Element) {
        if storage.count == storage.capacity { storage.grow(to: storage.count + 1) }
        (storage.base + storage.count).initialize(to: element)
        storage.count += 1
    }

    /// Appends records.
    func append(contentsOf elements: some Sequence<Element>) {
        for e in elements { append(e) }
    }

    /// Makes room for `n` records without growing.
    func reserveCapacity(_ n: Int) { storage.grow(to: n) }

    /// The records as a buffer, for reads of several records in one pass.
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// The records as a mutable buffer, for edits of several records in one pass.
    func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
    }
}
