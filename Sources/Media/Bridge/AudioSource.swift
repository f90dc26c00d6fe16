/// Something that produces 16-bit mono audio frames to play into a leg (issue 4 §1 bridge: tone or WAV file).
public protocol AudioSource: Sendable {
    /// The next `count` samples at `sampleRate`, or nil when the source has ended.
    mutating func nextFrame(count: Int, sampleRate: Int) -> [Int16]?
}
