#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A sine tone as an audio source for a leg (issue 4 §1 "play an audio source"): 16-bit mono frames.
public struct ToneSource: AudioSource {
    /// Tone frequency in Hz.
    public let frequency: Double
    /// Default output sample rate.
    public let sampleRate: Int
    /// Peak amplitude.
    public let amplitude: Double
    private var phase: Double = 0

    /// Creates a tone source.
    public init(frequency: Double, sampleRate: Int = 48_000, amplitude: Double = 8_000) {
        self.frequency = frequency
        self.sampleRate = sampleRate
        self.amplitude = amplitude
    }

    /// The next `count` samples at the default rate, phase-continuous across calls.
    public mutating func nextFrame(count: Int) -> [Int16] {
        nextFrame(count: count, sampleRate: sampleRate) ?? []
    }

    /// The next `count` samples at `rate`, phase-continuous across calls; tones never end.
    public mutating func nextFrame(count: Int, sampleRate rate: Int) -> [Int16]? {
        let step = 2 * Double.pi * frequency / Double(rate)
        var frame = [Int16](repeating: 0, count: count)
        for index in 0..<count {
            frame[index] = Int16(amplitude * sin(phase))
            phase += step
            if phase > 2 * Double.pi { phase -= 2 * Double.pi }
        }
        return frame
    }
}
