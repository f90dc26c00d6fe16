/// G.711 µ-law and A-law (ITU-T G.711; RTP payloads PCMU/PCMA, RFC 3551 §4.5.14).
public enum G711 {
    /// Encodes one linear sample to µ-law.
    public static func muLaw(_ sample: Int16) -> UInt8 {
        let bias = 0x84
        var value = Int(sample)
        let sign = value < 0 ? 0x80 : 0
        if value < 0 { value = -value }
        value = min(value, 32_635) + bias
        var exponent = 7
        var mask = 0x4000
        while exponent > 0 && value & mask == 0 {
            exponent -= 1
            mask >>= 1
        }
        let mantissa = (value >> (exponent + 3)) & 0x0F
        return UInt8(~(sign | exponent << 4 | mantissa) & 0xFF)
    }

    /// Decodes one µ-law byte.
    public static func linear(muLaw byte: UInt8) -> Int16 {
        let value = Int(~byte)
        let exponent = (value >> 4) & 0x07
        let mantissa = value & 0x0F
        let magnitude = ((mantissa << 3) + 0x84) << exponent
        return Int16(value & 0x80 != 0 ? 0x84 - magnitude : magnitude - 0x84)
    }

    /// Encodes one linear sample to A-law.
    public static func aLaw(_ sample: Int16) -> UInt8 {
        var value = Int(sample) >> 3 // 13-bit magnitude domain
        let sign = value >= 0 ? 0x80 : 0
        if value < 0 { value = -value - 1 }
        value = min(value, 0x0FFF)
        var exponent = 0
        if value >= 0x20 {
            exponent = 1
            while exponent < 7 && value >= (0x20 << exponent) { exponent += 1 }
        }
        let mantissa = exponent == 0 ? (value >> 1) & 0x0F : (value >> exponent) & 0x0F
        return UInt8((sign | exponent << 4 | mantissa) ^ 0x55)
    }

    /// Decodes one A-law byte.
    public static func linear(aLaw byte: UInt8) -> Int16 {
        let value = Int(byte ^ 0x55)
        let exponent = (value >> 4) & 0x07
        let mantissa = value & 0x0F
        var magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1)
        if value & 0x80 == 0 { magnitude = -magnitude }
        return Int16(magnitude)
    }

    /// Encodes a frame to µ-law.
    public static func encodeMuLaw(_ pcm: [Int16]) -> [UInt8] { pcm.map(muLaw) }
    /// Decodes a µ-law frame.
    public static func decodeMuLaw(_ payload: [UInt8]) -> [Int16] { payload.map { linear(muLaw: $0) } }
    /// Encodes a frame to A-law.
    public static func encodeALaw(_ pcm: [Int16]) -> [UInt8] { pcm.map(aLaw) }
    /// Decodes an A-law frame.
    public static func decodeALaw(_ payload: [UInt8]) -> [Int16] { payload.map { linear(aLaw: $0) } }
}
