/// ContactID → pool slot, the one lookup of every contact event. An open-addressing table with linear
/// probing and backward-shift deletion: no tombstones, no per-lookup SipHash (the ids come from the server,
/// never from a customer, so hash flooding is not a concern here). The bucket is the id's low bits folded
/// with its higher bits: ids handed out by a counter (the server's) land in neighbouring buckets, so the
/// contacts in flight share a few cache lines instead of one miss per lookup in a table of megabytes.
/// Grows at half full; `reserveCapacity` sizes it up front so steady-state routing does not allocate.
struct ContactIndex {
    /// Key and slot side by side, so a lookup touches one cache line; slot `nilIndex` marks an empty
    /// bucket (no pool slot is ever `nilIndex`).
    private struct Entry { var key: ContactID; var slot: UInt32 }
    private var entries: [Entry] = []
    private var bits: UInt64 = 0
    private(set) var count = 0

    init() {}

    private var capacity: Int { entries.count }

    @inline(__always) private static func bucket(_ key: ContactID, bits: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: key ^ (key >> bits) ^ (key >> (2 &* bits))) & mask
    }
    @inline(__always) private func bucket(_ key: ContactID) -> Int {
        Self.bucket(key, bits: bits, mask: capacity &- 1)
    }

    /// Makes room for `n` entries without growing.
    mutating func reserveCapacity(_ n: Int) {
        var size = 8
        while size < 2 * n { size <<= 1 }
        if size > capacity { rehash(to: size) }
    }

    /// The slot of `key`, or nil; setting nil removes it.
    subscript(key: ContactID) -> UInt32? {
        get {
            guard capacity > 0 else { return nil }
            let mask = capacity - 1
            return entries.withUnsafeBufferPointer { e in
                var i = bucket(key)
                while e[i].slot != nilIndex {
                    if e[i].key == key { return e[i].slot }
                    i = (i + 1) & mask
                }
                return nil
            }
        }
        set {
            if let value = newValue { insert(key, value) } else { removeValue(forKey: key) }
        }
    }

    private mutating func insert(_ key: ContactID, _ value: UInt32) {
        if 2 * (count + 1) > capacity { rehash(to: max(8, capacity * 2)) }
        let mask = capacity - 1
        let b = bucket(key)
        let added: Bool = entries.withUnsafeMutableBufferPointer { e in
            var i = b
            while e[i].slot != nilIndex {
                if e[i].key == key { e[i].slot = value; return false }
                i = (i + 1) & mask
            }
            e[i] = Entry(key: key, slot: value)
            return true
        }
        if added { count += 1 }
    }

    /// Removes `key`; returns its slot if it was present.
    @discardableResult
    mutating func removeValue(forKey key: ContactID) -> UInt32? {
        guard capacity > 0 else { return nil }
        let mask = capacity - 1
        let b = bucket(key)
        let bits = self.bits
        let removed: UInt32? = entries.withUnsafeMutableBufferPointer { e in
            var i = b
            while e[i].slot != nilIndex, e[i].key != key { i = (i + 1) & mask }
            guard e[i].slot != nilIndex else { return nil }
            let old = e[i].slot
            // Backward shift: pull later entries of the probe run into the hole when their home allows it.
            var hole = i
            var j = (i + 1) & mask
            while e[j].slot != nilIndex {
                let home = Self.bucket(e[j].key, bits: bits, mask: mask)
                // Entry j may move to `hole` if its home is not in the cyclic range (hole, j].
                if (j &- home) & mask >= (j &- hole) & mask {
                    e[hole] = e[j]
                    hole = j
                }
                j = (j + 1) & mask
            }
            e[hole].slot = nilIndex
            return old
        }
        if removed != nil { count -= 1 }
        return removed
    }

    private mutating func rehash(to size: Int) {
        let old = entries
        entries = [Entry](repeating: Entry(key: 0, slot: nilIndex), count: size)
        bits = UInt64(size.trailingZeroBitCount)
        count = 0
        for e in old where e.slot != nilIndex { insert(e.key, e.slot) }
    }
}
