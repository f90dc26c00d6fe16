/// G.711 µ-law and A-law (ITU-T G.711; RTP payloads PCMU/PCMA, RFC 3551 §4.5.14).
///
/// The per-sample functions follow the ITU-T G.191 reference coder: µ-law quantises the 14 most significant
/// bits (negative values by their one's complement), A-law the 13 most significant bits. The frame functions
/// use tables built from them once per process: 16,384 entries for µ-law encode, 8,192 for A-law encode and
/// 256 for each decode, so a frame costs one load per sample and no branches.
public enum G711 {
    /// Encodes one linear sample to µ-law (G.191 `ulaw_compress`).
    public static func muLaw(_ sample: Int16) -> UInt8 {
        let shifted = Int(sample) >> 2 // 14-bit two's complement
        var magnitude = (shifted < 0 ? ~shifted : shifted) + 33
        magnitude = min(magnitude, 0x1FFF)
        var segment = 1
        var rest = magnitude >> 6
        while rest != 0 {
            segment += 1
            rest >>= 1
        }
        let high = 8 - segment
        let low = 0x0F - ((magnitude >> segment) & 0x0F)
        return UInt8(high << 4 | low | (shifted >= 0 ? 0x80 : 0))
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

    // Encode tables are indexed by the sample's top 14 (µ) or 13 (A) bits as an unsigned pattern.
    private static let muLawEncodeTable: [UInt8] = (0..<16_384).map { muLaw(Int16(truncatingIfNeeded: $0 << 2)) }
    private static let aLawEncodeTable: [UInt8] = (0..<8_192).map { aLaw(Int16(truncatingIfNeeded: $0 << 3)) }
    private static let muLawDecodeTable: [Int16] = (0...255).map { linear(muLaw: UInt8($0)) }
    private static let aLawDecodeTable: [Int16] = (0...255).map { linear(aLaw: UInt8($0)) }

    /// Encodes `pcm` into `output` (at least `pcm.count` bytes); returns the bytes written. No allocation.
    public static func encode(_ pcm: UnsafeBufferPointer<Int16>, law: AudioCodec, into output: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(pcm.count, output.count)
        let isALaw = law == .pcma
        let table = isALaw ? aLawEncodeTable : muLawEncodeTable
        let shift: UInt16 = isALaw ? 3 : 2
        table.withUnsafeBufferPointer { table in
            for index in 0..<count {
                output[index] = table[Int(UInt16(bitPattern: pcm[index]) &>> shift)]
            }
        }
        return count
    }

    /// Decodes `payload` into `output` (at least `payload.count` samples); returns the samples written. No allocation.
    public static func decode(_ payload: UnsafeRawBufferPointer, law: AudioCodec, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let count = min(payload.count, output.count)
        let table = law == .pcma ? aLawDecodeTable : muLawDecodeTable
        table.withUnsafeBufferPointer { table in
            for index in 0..<count { output[index] = table[Int(payload[index])] }
        }
        return count
    }

    /// Encodes a frame to µ-law.
    public static func encodeMuLaw(_ pcm: [Int16]) -> [UInt8] { encodeFrame(pcm, law: .pcmu) }
    /// Decodes a µ-law frame.
    public static func decodeMuLaw(_ payload: [UInt8]) -> [Int16] { decodeFrame(payload, law: .pcmu) }
    /// Encodes a frame to A-law.
    public static func encodeALaw(_ pcm: [Int16]) -> [UInt8] { encodeFrame(pcm, law: .pcma) }
    /// Decodes an A-law frame.
    public static func decodeALaw(_ payload: [UInt8]) -> [Int16] { decodeFrame(payload, law: .pcma) }

    private static func encodeFrame(_ pcm: [Int16], law: AudioCodec) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: pcm.count) { buffer, initialized in
            initialized = pcm.withUnsafeBufferPointer { encode($0, law: law, into: UnsafeMutableRawBufferPointer(buffer)) }
        }
    }

    private static func decodeFrame(_ payload: [UInt8], law: AudioCodec) -> [Int16] {
        [Int16](unsafeUninitializedCapacity: payload.count) { buffer, initialized in
            initialized = payload.withUnsafeBytes { decode($0, law: law, into: buffer) }
        }
    }
}
