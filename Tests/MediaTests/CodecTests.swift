import Foundation
import Media
import Testing

/// Opus through libopus and G.711 µ-law/A-law.
@Suite("Codecs")
struct CodecTests {
    /// Dominant frequency by a coarse DFT scan (1 Hz steps over a band) — enough to tell 440 from 1000.
    static func dominantFrequency(_ samples: [Int16], rate: Double, range: ClosedRange<Int>) -> Int {
        var best = (frequency: 0, power: 0.0)
        for frequency in stride(from: range.lowerBound, through: range.upperBound, by: 5) {
            var re = 0.0, im = 0.0
            for (index, sample) in samples.enumerated() {
                let angle = 2 * Double.pi * Double(frequency) * Double(index) / rate
                re += Double(sample) * cos(angle)
                im += Double(sample) * sin(angle)
            }
            let power = re * re + im * im
            if power > best.power { best = (frequency, power) }
        }
        return best.frequency
    }

    @Test("Opus at 48 kHz and 8 kHz: a 440 Hz tone survives encode and decode", arguments: [Int32(48_000), 8_000])
    func opusRoundTrip(rate: Int32) throws {
        let frame = Int(rate) / 50
        let encoder = try OpusEncoder(sampleRate: rate, settings: OpusSettings(bitrate: 24_000, complexity: 5, inbandFEC: true, expectedPacketLoss: 10, dtx: false))
        let decoder = try OpusDecoder(sampleRate: rate)
        var tone = ToneSource(frequency: 440, sampleRate: Int(rate))
        var decoded: [Int16] = []
        for _ in 0..<25 {
            let packet = try encoder.encode(tone.nextFrame(count: frame))
            #expect(packet.count > 1 && packet.count < 400)
            decoded += try decoder.decode(packet)
        }
        #expect(decoded.count == 25 * frame)
        let tail = Array(decoded.suffix(frame * 5))
        #expect(Self.dominantFrequency(tail, rate: Double(rate), range: 200...1_500) == 440)
    }

    @Test("Opus loss concealment and FEC decode return a full frame")
    func opusConcealment() throws {
        let encoder = try OpusEncoder()
        let decoder = try OpusDecoder()
        var tone = ToneSource(frequency: 300)
        let first = try encoder.encode(tone.nextFrame(count: 960))
        _ = try decoder.decode(first)
        let second = try encoder.encode(tone.nextFrame(count: 960))
        #expect(try decoder.decode(nil, lostSamples: 960).count == 960)
        #expect(try decoder.decode(second, lostSamples: 960, fec: true).count == 960)
        #expect(throws: CodecError.self) { try decoder.decode([0xFF, 0xFF, 0xFF]) }
    }

    @Test("Opus settings are applied (DTX shrinks silence)")
    func opusSettings() throws {
        let dtx = try OpusEncoder(settings: OpusSettings(dtx: true))
        var sizes: [Int] = []
        for _ in 0..<30 { sizes.append(try dtx.encode([Int16](repeating: 0, count: 960)).count) }
        #expect(sizes.suffix(10).allSatisfy { $0 <= 3 })
    }

    @Test("G.711 µ-law and A-law: reference code points and bounded round-trip error")
    func g711() {
        #expect(G711.muLaw(0) == 0xFF)
        #expect(G711.muLaw(-1) == 0x7F)
        #expect(G711.linear(muLaw: 0x00) == -32_124)
        #expect(G711.linear(muLaw: 0x80) == 32_124)
        #expect(G711.aLaw(0) == 0xD5)
        #expect(G711.linear(aLaw: 0xD5) == 8)
        #expect(G711.linear(aLaw: 0x55) == -8)
        #expect(G711.linear(aLaw: 0xAA) == 32_256)
        for sample in stride(from: -32_000, through: 32_000, by: 97) {
            let value = Int16(sample)
            let muError = abs(Int(G711.linear(muLaw: G711.muLaw(value))) - sample)
            let aError = abs(Int(G711.linear(aLaw: G711.aLaw(value))) - sample)
            #expect(muError <= max(8, abs(sample) / 16), "µ-law \(sample)")
            #expect(aError <= max(16, abs(sample) / 16), "A-law \(sample)")
        }
        for byte in UInt8.min...UInt8.max {
            #expect(G711.muLaw(G711.linear(muLaw: byte)) == byte || byte == 0x7F)
            #expect(G711.aLaw(G711.linear(aLaw: byte)) == byte)
        }
    }
}
