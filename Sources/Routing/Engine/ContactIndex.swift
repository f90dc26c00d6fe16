/// ContactID → pool slot, the one lookup of every contact event. An open-addressing table with linear
/// probing kept in Robin Hood order (every probe run sorted by home bucket) and backward-shift deletion:
/// no tombstones, no per-lookup SipHash (the ids come from the server, never from a customer, so hash
/// flooding is not a concern here). The bucket is the id's low bits folded with its higher bits: ids handed
/// out by a counter (the server's) land in neighbouring buckets, so the contacts in flight share a few cache
/// lines instead of one miss per lookup in a table of megabytes.
///
/// Robin Hood order is what makes those neighbouring ids cheap to remove: counter ids sit in their home
/// buckets as one long run, and a deletion shifts back only the entries after it that are away from home,
/// stopping at the first one at home — O(1) here, where plain linear probing walked the whole run (as many
/// entries as contacts in flight). A lookup stops as soon as it has probed further than the entry it
/// looks at is from home.
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

    /// How far bucket `i` is from the home bucket of the key it holds.
    @inline(__always) private static func distance(_ key: ContactID, at i: Int, bits: UInt64, mask: Int) -> Int {
        (i &- bucket(key, bits: bits, mask: mask)) & mask
    }

    /// Makes room for `n` entries without growing.
    mutating func reserveCapacity(_ n: Int) {
        var size = 8
        while size < 2 * n { size <<= 1 }
        if size > capacity { rehash(to: size) }
    }

    /// The bucket holding `key`, or nil.
    @inline(__always) private static func find(_ key: ContactID, _ e: UnsafeBufferPointer<Entry>, bits: UInt64) -> Int? {
        let mask = e.count &- 1
        var i = Self.bucket(key, bits: bits, mask: mask)
        var probed = 0
        while e[i].slot != nilIndex {
            if e[i].key == key { return i }
            // Robin Hood order: past an entry closer to its home than we are to ours, the key cannot be.
            if Self.distance(e[i].key, at: i, bits: bits, mask: mask) < probed { return nil }
            i = (i &+ 1) & mask
            probed &+= 1
        }
        return nil
    }

    /// The slot of `key`, or nil; setting nil removes it.
    subscript(key: ContactID) -> UInt32? {
        get {
            guard capacity > 0 else { return nil }
            let bits = self.bits
            return entries.withUnsafeBufferPointer { e in Self.find(key, e, bits: bits).map { e[$0].slot } }
        }
        set {
            if let value = newValue { insert(key, value) } else { removeValue(forKey: key) }
        }
    }

    /// Sets `key`'s slot in one probe: until the probe passes an entry nearer its home than the key would
    /// be, the key may be there (then it is updated); from that entry on it is not, and the new entry takes
    /// that bucket, carrying the displaced one on ("rob the rich"). Runs stay sorted by home bucket.
    private mutating func insert(_ key: ContactID, _ value: UInt32) {
        if 2 * (count + 1) > capacity { rehash(to: max(8, capacity * 2)) }
        let mask = capacity - 1, bits = self.bits
        let added: Bool = entries.withUnsafeMutableBufferPointer { e in
            var carried = Entry(key: key, slot: value)
            var i = Self.bucket(key, bits: bits, mask: mask)
            var probed = 0
            var placing = false
            while e[i].slot != nilIndex {
                if !placing, e[i].key == key {
                    e[i].slot = value
                    return false
                }
                let resident = Self.distance(e[i].key, at: i, bits: bits, mask: mask)
                if resident < probed {
                    swap(&carried, &e[i])
                    probed = resident
                    placing = true
                }
                i = (i &+ 1) & mask
                probed &+= 1
            }
            e[i] = carried
            return true
        }
        if added { count += 1 }
    }

    /// Removes `key`; returns its slot if it was present.
    @discardableResult
    mutating func removeValue(forKey key: ContactID) -> UInt32? {
        guard capacity > 0 else { return nil }
        let mask = capacity - 1, bits = self.bits
        let removed: UInt32? = entries.withUnsafeMutableBufferPointer { e in
            guard let found = Self.find(key, UnsafeBufferPointer(e), bits: bits) else { return nil }
            let old = e[found].slot
            // Backward shift: pull each following entry that is away from home one bucket back, until an
            // empty bucket or an entry already at home.
            var hole = found
            var j = (found &+ 1) & mask
            while e[j].slot != nilIndex, Self.distance(e[j].key, at: j, bits: bits, mask: mask) > 0 {
                e[hole] = e[j]
                hole = j
                j = (j &+ 1) & mask
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
