/// The receive jitter buffer of `JitterBuffer` (RFC 3550 §10 playout: reorder by sequence number, drop duplicates
/// and late packets, report losses for concealment or Opus FEC) for byte payloads kept in preallocated slots,
/// so the per-frame media path inserts and plays without allocating. Slot = sequence number modulo capacity.
public struct SlotJitterBuffer: Sendable {
    /// What one playout tick yields; payload bytes are read with `withPayload(slot:_:)`.
    public enum Frame: Sendable, Equatable {
        /// The expected packet, in `slot`.
        case packet(sequence: UInt16, slot: Int)
        /// The expected packet is missing; `nextSlot` holds the following one if it is already here (for FEC).
        case lost(sequence: UInt16, nextSlot: Int?)
    }

    /// Why an insert was refused (shared with `JitterBuffer`).
    public typealias InsertResult = JitterInsertResult

    /// Packets held before playout starts (and after an underrun).
    public let playoutDelay: Int
    /// Most packets held (and farthest ahead of playout a packet may be).
    public let capacity: Int
    /// Largest payload a slot holds; larger ones are refused as overflow.
    public let maxPayload: Int
    private var storage: [UInt8]
    private var lengths: [Int]
    private var sequences: [UInt16]
    private var occupied: [Bool]
    private var nextSequence: UInt16?
    private var playing = false
    private var started = false
    /// Number of packets held.
    public private(set) var count = 0
    /// Packets refused as duplicates.
    public private(set) var duplicates = 0
    /// Packets that arrived after their playout time.
    public private(set) var latePackets = 0
    /// Frames reported lost.
    public private(set) var lostFrames = 0

    /// Creates a buffer; `playoutDelay` frames of 20 ms are held before playing.
    public init(playoutDelay: Int = 3, capacity: Int = 16, maxPayload: Int = 1_280) {
        self.playoutDelay = max(1, playoutDelay)
        self.capacity = max(capacity, self.playoutDelay + 1)
        self.maxPayload = max(1, maxPayload)
        storage = [UInt8](repeating: 0, count: self.capacity * self.maxPayload)
        lengths = [Int](repeating: 0, count: self.capacity)
        sequences = [UInt16](repeating: 0, count: self.capacity)
        occupied = [Bool](repeating: false, count: self.capacity)
    }

    private func slot(_ sequence: UInt16) -> Int { Int(sequence) % capacity }

    private func holds(_ sequence: UInt16) -> Int? {
        let index = slot(sequence)
        return occupied[index] && sequences[index] == sequence ? index : nil
    }

    /// Inserts a packet's payload (copied into its slot).
    @discardableResult
    public mutating func insert(sequence: UInt16, payload: UnsafeRawBufferPointer) -> InsertResult {
        if started, let next = nextSequence, Int16(bitPattern: sequence &- next) < 0 {
            latePackets += 1
            return .late
        }
        let index = slot(sequence)
        if occupied[index] {
            guard sequences[index] != sequence else {
                duplicates += 1
                return .duplicate
            }
            return .overflow
        }
        if let next = nextSequence, Int(Int16(bitPattern: sequence &- next)) >= capacity { return .overflow }
        guard payload.count <= maxPayload, count < capacity else { return .overflow }
        let start = index * maxPayload
        storage.withUnsafeMutableBytes { bytes in
            UnsafeMutableRawBufferPointer(rebasing: bytes[start..<start + payload.count]).copyMemory(from: payload)
        }
        lengths[index] = payload.count
        sequences[index] = sequence
        occupied[index] = true
        count += 1
        if !started, nextSequence.map({ Int16(bitPattern: sequence &- $0) < 0 }) ?? true {
            nextSequence = sequence // Before playout, the earliest packet seen is where playout starts.
        }
        return .accepted
    }

    /// One playout tick (every 20 ms): the next frame, or nil while buffering. A returned slot stays readable
    /// until the next `insert`.
    public mutating func pop() -> Frame? {
        guard let next = nextSequence else { return nil }
        if !playing {
            guard count >= playoutDelay else { return nil }
            playing = true
            started = true
        }
        guard count > 0 else {
            playing = false // underrun: rebuffer
            return nil
        }
        nextSequence = next &+ 1
        if let index = holds(next) {
            occupied[index] = false
            count -= 1
            return .packet(sequence: next, slot: index)
        }
        lostFrames += 1
        return .lost(sequence: next, nextSlot: holds(next &+ 1))
    }

    /// Reads the payload stored in `slot` in place.
    public func withPayload<Result>(slot: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let index = min(max(slot, 0), capacity - 1)
        let start = index * maxPayload
        return try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<start + lengths[index]])) }
    }
}
