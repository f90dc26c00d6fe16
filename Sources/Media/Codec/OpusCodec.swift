internal import COpus
internal import CMediaShims

/// Why a codec call failed.
public enum CodecError: Error, Sendable, Equatable {
    case create(Int32)
    case setting(Int32)
    case encode(Int32)
    case decode(Int32)
}

/// Encoder settings (RFC 6716 / RFC 7587 §3.1.3).
public struct OpusSettings: Sendable, Equatable {
    /// Target bitrate in bits per second.
    public var bitrate: Int32 = 32_000
    /// 0...10; 5 is a good trade for many calls per core.
    public var complexity: Int32 = 5
    /// In-band forward error correction (RFC 7587 §3.3).
    public var inbandFEC: Bool = true
    /// Expected packet loss in percent (drives FEC).
    public var expectedPacketLoss: Int32 = 5
    /// Discontinuous transmission.
    public var dtx: Bool = false

    /// Creates settings; defaults suit a contact-center voice call.
    public init(bitrate: Int32 = 32_000, complexity: Int32 = 5, inbandFEC: Bool = true, expectedPacketLoss: Int32 = 5, dtx: Bool = false) {
        self.bitrate = bitrate
        self.complexity = complexity
        self.inbandFEC = inbandFEC
        self.expectedPacketLoss = expectedPacketLoss
        self.dtx = dtx
    }
}

/// A mono libopus encoder at 48 kHz or 8 kHz input (RFC 6716), VOIP application.
public final class OpusEncoder {
    private let encoder: OpaquePointer
    /// Input sample rate.
    public let sampleRate: Int32
    private var output = [UInt8](repeating: 0, count: 1_500)

    /// Creates an encoder; `sampleRate` is 48000 for WebRTC audio or 8000 for telephony audio.
    public init(sampleRate: Int32 = 48_000, settings: OpusSettings = OpusSettings()) throws(CodecError) {
        var error: Int32 = 0
        guard let encoder = opus_encoder_create(sampleRate, 1, OPUS_APPLICATION_VOIP, &error), error == OPUS_OK else {
            throw .create(error)
        }
        self.encoder = encoder
        self.sampleRate = sampleRate
        try apply(settings)
    }

    deinit { opus_encoder_destroy(encoder) }

    /// Changes bitrate, complexity, FEC, expected loss and DTX.
    public func apply(_ settings: OpusSettings) throws(CodecError) {
        for status in [sb_opus_encoder_set_bitrate(encoder, settings.bitrate),
                       sb_opus_encoder_set_complexity(encoder, settings.complexity),
                       sb_opus_encoder_set_inband_fec(encoder, settings.inbandFEC ? 1 : 0),
                       sb_opus_encoder_set_packet_loss_perc(encoder, settings.expectedPacketLoss),
                       sb_opus_encoder_set_dtx(encoder, settings.dtx ? 1 : 0)] where status != OPUS_OK {
            throw .setting(status)
        }
    }

    /// Encodes one frame (e.g. 960 samples = 20 ms at 48 kHz) into an Opus packet.
    public func encode(_ pcm: [Int16]) throws(CodecError) -> [UInt8] {
        let capacity = Int32(output.count)
        let written = opus_encode(encoder, pcm, Int32(pcm.count), &output, capacity)
        guard written > 0 else { throw .encode(written) }
        return Array(output[0..<Int(written)])
    }

    /// Encodes one frame straight into `output` (e.g. a packet buffer past the RTP header); returns the bytes
    /// written. No allocation.
    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into output: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int {
        guard let samples = pcm.baseAddress, let data = output.baseAddress else { throw .encode(OPUS_BAD_ARG) }
        let written = opus_encode(encoder, samples, Int32(pcm.count), data.assumingMemoryBound(to: UInt8.self),
                                  Int32(clamping: output.count))
        guard written > 0 else { throw .encode(written) }
        return Int(written)
    }
}

/// A mono libopus decoder at 48 kHz or 8 kHz output; stereo streams are downmixed by libopus.
public final class OpusDecoder {
    private let decoder: OpaquePointer
    /// Output sample rate.
    public let sampleRate: Int32
    private var output: [Int16]

    /// Creates a decoder.
    public init(sampleRate: Int32 = 48_000) throws(CodecError) {
        var error: Int32 = 0
        guard let decoder = opus_decoder_create(sampleRate, 1, &error), error == OPUS_OK else { throw .create(error) }
        self.decoder = decoder
        self.sampleRate = sampleRate
        self.output = [Int16](repeating: 0, count: Int(sampleRate) * 120 / 1_000)
    }

    deinit { opus_decoder_destroy(decoder) }

    /// Decodes a packet; `packet == nil` runs packet-loss concealment for `lostSamples`, and `fec` decodes the
    /// FEC copy of the previous frame carried in this packet (RFC 7587 §3.3).
    public func decode(_ packet: [UInt8]?, lostSamples: Int = 0, fec: Bool = false) throws(CodecError) -> [Int16] {
        let frameSize = packet == nil || fec ? Int32(min(max(lostSamples, 1), output.count)) : Int32(output.count)
        let decoded: Int32
        if let packet {
            decoded = opus_decode(decoder, packet, Int32(packet.count), &output, frameSize, fec ? 1 : 0)
        } else {
            decoded = opus_decode(decoder, nil, 0, &output, frameSize, 0)
        }
        guard decoded >= 0 else { throw .decode(decoded) }
        return Array(output[0..<Int(decoded)])
    }

    /// Decodes into `output` without allocating; `packet == nil` conceals `lostSamples`, `fec` decodes the FEC copy
    /// of the previous frame (RFC 7587 §3.3). `output` should hold 120 ms for arbitrary packets. Returns samples.
    public func decode(_ packet: UnsafeRawBufferPointer?, into output: UnsafeMutableBufferPointer<Int16>,
                       lostSamples: Int = 0, fec: Bool = false) throws(CodecError) -> Int {
        guard let samples = output.baseAddress else { throw .decode(OPUS_BAD_ARG) }
        let frameSize = packet == nil || fec ? Int32(min(max(lostSamples, 1), output.count)) : Int32(clamping: output.count)
        let decoded: Int32
        if let packet, let data = packet.baseAddress, packet.count > 0 {
            decoded = opus_decode(decoder, data.assumingMemoryBound(to: UInt8.self), Int32(clamping: packet.count),
                                  samples, frameSize, fec ? 1 : 0)
        } else {
            decoded = opus_decode(decoder, nil, 0, samples, frameSize, 0)
        }
        guard decoded >= 0 else { throw .decode(decoded) }
        return Int(decoded)
    }
}
