/// What a jitter buffer did with an inserted packet (not nested in the generic type, so checking it on the
/// per-frame path needs no generic metadata lookup).
public enum JitterInsertResult: Sendable, Equatable {
    case accepted, duplicate, late, overflow
}

/// A receive jitter buffer for 20 ms audio frames (RFC 3550 §10 playout): reorders by sequence number, drops
/// duplicates and late packets, and reports losses so the decoder can conceal them (or use Opus FEC).
public struct JitterBuffer<Payload: Sendable>: Sendable {
    /// What one playout tick yields.
    public enum Frame: Sendable {
        /// The expected packet.
        case packet(sequence: UInt16, payload: Payload)
        /// The expected packet is missing; `next` is the following one if it is already here (for FEC).
        case lost(sequence: UInt16, next: Payload?)
    }

    /// Why an insert was refused.
    public typealias InsertResult = JitterInsertResult

    /// Packets held before playout starts (and after an underrun).
    public let playoutDelay: Int
    /// Most packets held.
    public let capacity: Int
    private var slots: [UInt16: Payload] = [:]
    private var nextSequence: UInt16?
    private var playing = false
    private var started = false
    /// Packets refused as duplicates.
    public private(set) var duplicates = 0
    /// Packets that arrived after their playout time.
    public private(set) var latePackets = 0
    /// Frames reported lost.
    public private(set) var lostFrames = 0

    /// Creates a buffer; `playoutDelay` frames of 20 ms are held before playing.
    public init(playoutDelay: Int = 3, capacity: Int = 64) {
        self.playoutDelay = max(1, playoutDelay)
        self.capacity = max(capacity, playoutDelay + 1)
    }

    /// Number of packets held.
    public var count: Int { slots.count }

    /// Inserts a packet.
    @discardableResult
    public mutating func insert(sequence: UInt16, payload: Payload) -> InsertResult {
        if started, let next = nextSequence, Int16(bitPattern: sequence &- next) < 0 {
            latePackets += 1
            return .late
        }
        guard slots[sequence] == nil else {
            duplicates += 1
            return .duplicate
        }
        guard slots.count < capacity else { return .overflow }
        slots[sequence] = payload
        if !started, nextSequence.map({ Int16(bitPattern: sequence &- $0) < 0 }) ?? true {
            nextSequence = sequence // Before playout, the earliest packet seen is where playout starts.
        }
        return .accepted
    }

    /// One playout tick (every 20 ms): the next frame, or nil while buffering.
    public mutating func pop() -> Frame? {
        guard let next = nextSequence else { return nil }
        if !playing {
            guard slots.count >= playoutDelay else { return nil }
            playing = true
            started = true
        }
        guard !slots.isEmpty else {
            playing = false // underrun: rebuffer
            return nil
        }
        nextSequence = next &+ 1
        if let payload = slots.removeValue(forKey: next) {
            return .packet(sequence: next, payload: payload)
        }
        lostFrames += 1
        return .lost(sequence: next, next: slots[next &+ 1])
    }
}
