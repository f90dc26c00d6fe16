/// Why a WAV file cannot be played.
public enum WavError: Error, Sendable, Equatable {
    case notRiffWave
    case unsupportedFormat
    case missingData
}

/// A 16-bit PCM WAV file (RIFF/WAVE, format 1) as an audio source; channels are mixed to mono and the
/// audio is resampled linearly to the rate the leg asks for.
public struct WavSource: AudioSource {
    /// Sample rate of the file.
    public let fileRate: Int
    /// Mono samples of the file.
    public let samples: [Int16]
    /// Whether playback restarts at the end.
    public var loops: Bool
    private var position: Double = 0

    /// Parses a WAV file's bytes.
    public init(bytes: [UInt8], loops: Bool = false) throws(WavError) {
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else { throw .notRiffWave }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        var offset = 12
        var channels = 0, rate = 0, bits = 0, format = 0
        var data: ArraySlice<UInt8>?
        while offset + 8 <= bytes.count {
            let size = u32(offset + 4)
            let body = offset + 8
            guard body + size <= bytes.count || bytes[offset..<(offset + 4)].elementsEqual("data".utf8) else { break }
            if bytes[offset..<(offset + 4)].elementsEqual("fmt ".utf8), size >= 16 {
                format = u16(body); channels = u16(body + 2); rate = u32(body + 4); bits = u16(body + 14)
            } else if bytes[offset..<(offset + 4)].elementsEqual("data".utf8) {
                data = bytes[body..<min(bytes.count, body + size)]
                break
            }
            offset = body + size + (size & 1)
        }
        guard format == 1, bits == 16, channels >= 1, (1_000...192_000).contains(rate) else { throw .unsupportedFormat }
        guard let data else { throw .missingData }
        var mono: [Int16] = []
        mono.reserveCapacity(data.count / (2 * channels))
        var index = data.startIndex
        while index + 2 * channels <= data.endIndex {
            var sum = 0
            for channel in 0..<channels {
                let at = index + 2 * channel
                sum += Int(Int16(bitPattern: UInt16(data[at]) | UInt16(data[at + 1]) << 8))
            }
            mono.append(Int16(sum / channels))
            index += 2 * channels
        }
        self.fileRate = rate
        self.samples = mono
        self.loops = loops
    }

    /// Next frame, linearly resampled; nil at the end unless looping.
    public mutating func nextFrame(count: Int, sampleRate: Int) -> [Int16]? {
        guard !samples.isEmpty else { return nil }
        let step = Double(fileRate) / Double(sampleRate)
        var frame = [Int16](repeating: 0, count: count)
        for index in 0..<count {
            if position >= Double(samples.count - 1) {
                guard loops else { return index == 0 ? nil : frame }
                position = 0
            }
            let base = Int(position)
            let fraction = position - Double(base)
            let next = min(base + 1, samples.count - 1)
            frame[index] = Int16(Double(samples[base]) * (1 - fraction) + Double(samples[next]) * fraction)
            position += step
        }
        return frame
    }
}
