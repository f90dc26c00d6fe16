/// RFC 4733 §2.3 telephone-event payload: event, end bit, volume, duration.
public struct TelephoneEvent: Sendable, Equatable {
    /// Event code: 0-9 digits, 10 `*`, 11 `#`, 12-15 A-D (RFC 4733 §3.2).
    public var event: UInt8
    /// E bit: last packets of the event.
    public var isEnd: Bool
    /// Power level in -dBm0 (0...63).
    public var volume: UInt8
    /// Duration so far in timestamp units.
    public var duration: UInt16

    /// Creates an event payload.
    public init(event: UInt8, isEnd: Bool, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume
        self.duration = duration
    }

    /// Parses a 4-byte payload.
    public init?(payload: [UInt8]) {
        guard payload.count >= 4, payload[0] <= 16 else { return nil }
        event = payload[0]
        isEnd = payload[1] & 0x80 != 0
        volume = payload[1] & 0x3F
        duration = UInt16(payload[2]) << 8 | UInt16(payload[3])
    }

    /// The 4-byte payload.
    public var payload: [UInt8] {
        [event, (isEnd ? 0x80 : 0) | (volume & 0x3F)] + duration.bigEndianBytes
    }

    /// Maps a DTMF character to its event code.
    public static func code(for digit: Character) -> UInt8? {
        switch digit {
        case "0"..."9": digit.asciiValue.map { $0 - 48 }
        case "*": 10
        case "#": 11
        case "A"..."D": digit.asciiValue.map { $0 - 65 + 12 }
        default: nil
        }
    }

    /// Maps an event code to its DTMF character.
    public static func digit(for code: UInt8) -> Character? {
        switch code {
        case 0...9: Character(UnicodeScalar(48 + code))
        case 10: "*"
        case 11: "#"
        case 12...15: Character(UnicodeScalar(65 + code - 12))
        default: nil
        }
    }
}

/// Sends one DTMF digit as RFC 4733 packets (§2.5.1): same timestamp, growing duration every 20 ms,
/// marker on the first, three end packets.
public struct DtmfSender: Sendable {
    /// Builds the payloads of one digit lasting `milliseconds` at `clockRate`; each element is (marker, payload).
    public static func payloads(digit: Character, milliseconds: Int = 100, clockRate: Int = 8_000) -> [(marker: Bool, payload: [UInt8])]? {
        guard let code = TelephoneEvent.code(for: digit) else { return nil }
        let step = clockRate / 50
        let total = max(step, milliseconds * clockRate / 1_000)
        var out: [(marker: Bool, payload: [UInt8])] = []
        var duration = step
        while duration < total {
            out.append((out.isEmpty, TelephoneEvent(event: code, isEnd: false, duration: UInt16(clamping: duration)).payload))
            duration += step
        }
        let end = TelephoneEvent(event: code, isEnd: true, duration: UInt16(clamping: total)).payload
        for _ in 0..<3 { out.append((out.isEmpty, end)) }
        return out
    }
}

/// Turns received telephone-event packets into digits, once per event (RFC 4733 §2.5.2): an event is
/// identified by its RTP timestamp; retransmitted end packets are ignored.
public struct DtmfReceiver: Sendable {
    private var lastTimestamp: UInt32?

    /// Creates a receiver.
    public init() {}

    /// Returns the digit when a packet starts a new event.
    public mutating func receive(timestamp: UInt32, payload: [UInt8]) -> Character? {
        guard let event = TelephoneEvent(payload: payload), timestamp != lastTimestamp else { return nil }
        lastTimestamp = timestamp
        return TelephoneEvent.digit(for: event.event)
    }
}
