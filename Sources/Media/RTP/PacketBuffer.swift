/// A caller-owned, reusable datagram buffer: `count` bytes of packet inside fixed storage that always keeps
/// `SrtpSession.maxOverhead` bytes of room past the largest packet, so SRTP protection (RFC 3711 §3.3) can append
/// its tag in place and nothing is allocated or resized per packet. Create one per stream and reuse it.
public struct PacketBuffer: Sendable {
    private var storage: [UInt8]
    /// Bytes of the current packet, from the start of the storage.
    public private(set) var count: Int

    /// Creates an empty buffer for packets up to `maxPacket` bytes (plus the SRTP room).
    public init(maxPacket: Int = 1_500) {
        storage = [UInt8](repeating: 0, count: max(maxPacket, 12) + SrtpSession.maxOverhead)
        count = 0
    }

    /// Creates a buffer holding a copy of `bytes`.
    public init(copying bytes: some Collection<UInt8>) {
        self.init(maxPacket: max(bytes.count, 1_500))
        assign(bytes)
    }

    /// Largest packet the buffer holds, SRTP room excluded.
    public var maxPacket: Int { storage.count - SrtpSession.maxOverhead }

    /// Replaces the content with a copy of `bytes`; returns false (content emptied) if they do not fit.
    @discardableResult
    public mutating func assign(_ bytes: some Collection<UInt8>) -> Bool {
        guard bytes.count <= maxPacket else {
            count = 0
            return false
        }
        storage.withUnsafeMutableBufferPointer { buffer in
            _ = UnsafeMutableBufferPointer(rebasing: buffer[0..<bytes.count]).initialize(from: bytes)
        }
        count = bytes.count
        return true
    }

    /// A copy of the packet as an array (allocates; for callers off the hot path).
    public var bytes: [UInt8] { Array(storage[0..<count]) }

    /// Reads the packet's bytes in place.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Writes in place: `body` gets the whole storage (packet plus room) and returns the new packet length,
    /// which is clamped to the storage.
    public mutating func write(_ body: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows {
        let written = try storage.withUnsafeMutableBytes { try body($0) }
        count = min(max(written, 0), storage.count)
    }

    /// Gives `body` the whole storage and the current length, for in-place transforms such as SRTP.
    public mutating func withUnsafeMutableBytes<Result>(_ body: (UnsafeMutableRawBufferPointer, inout Int) throws -> Result) rethrows -> Result {
        var length = count
        defer { count = min(max(length, 0), storage.count) }
        return try storage.withUnsafeMutableBytes { try body($0, &length) }
    }
}
