import Media
import Testing

/// The allocation-free media path: table-driven G.711, in-place RTP headers, the slot jitter buffer,
/// SRTP on reusable buffers, and the bridge writing into caller buffers — each checked against the
/// array-based code it replaces on the hot path.
@Suite("In-place media path")
struct InPlaceTests {
    @Test("Table-driven G.711 frames equal the per-sample coder for every 16-bit sample and every byte")
    func g711Tables() {
        let everySample = (Int(Int16.min)...Int(Int16.max)).map { Int16($0) }
        #expect(G711.encodeMuLaw(everySample) == everySample.map(G711.muLaw))
        #expect(G711.encodeALaw(everySample) == everySample.map(G711.aLaw))
        let everyByte = (0...255).map { UInt8($0) }
        #expect(G711.decodeMuLaw(everyByte) == everyByte.map { G711.linear(muLaw: $0) })
        #expect(G711.decodeALaw(everyByte) == everyByte.map { G711.linear(aLaw: $0) })
        // G.191: µ-law depends on the top 14 bits only, negative values by one's complement.
        #expect(G711.muLaw(-4) == G711.muLaw(-1) && G711.muLaw(-5) != G711.muLaw(-4))
    }

    @Test("RtpHeader parses what RtpPacket parses and writes what RtpPacket serializes")
    func header() throws {
        var bytes: [UInt8] = [0x80 | 0x20 | 0x10 | 0x01, 0xE0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 7]
        bytes += [0, 0, 0, 5] + [0xBE, 0xDE, 0, 1] + [1, 2, 3, 4] + [9, 9] + [0, 2]
        let header = try #require(bytes.withUnsafeBytes { RtpHeader(parsing: $0) })
        #expect(header.marker && header.payloadType == 0x60 && header.sequenceNumber == 1 && header.ssrc == 7)
        #expect(Array(bytes[header.payloadOffset..<header.payloadEnd]) == [9, 9])
        #expect(Array(bytes[0..<14]).withUnsafeBytes { RtpHeader(parsing: $0) } == nil)
        let packet = RtpPacket(marker: true, payloadType: 111, sequenceNumber: 65_535, timestamp: 0xDEAD_BEEF, ssrc: 42, payload: [1, 2, 3])
        var written = [UInt8](repeating: 0, count: 15)
        written.withUnsafeMutableBytes { bytes in
            RtpHeader(marker: true, payloadType: 111, sequenceNumber: 65_535, timestamp: 0xDEAD_BEEF, ssrc: 42).write(into: bytes)
        }
        written[12...] = [1, 2, 3]
        #expect(written == packet.serialized())
    }

    @Test("The slot jitter buffer plays the same frames as JitterBuffer for random arrival orders", arguments: [1, 2, 3, 4])
    func slotBufferMatches(seed: UInt64) {
        var random = SplitMix(seed: seed)
        var reference = JitterBuffer<[UInt8]>(playoutDelay: 2, capacity: 16)
        var slots = SlotJitterBuffer(playoutDelay: 2, capacity: 16, maxPayload: 4)
        var sequence: UInt16 = 65_500 // crosses the wrap
        var pending: [UInt16] = []
        for _ in 0..<2_000 {
            if random.next() % 10 != 0 { pending.append(sequence) } // 10 % lost
            if random.next() % 20 == 0, let last = pending.last { pending.append(last) } // duplicates
            sequence &+= 1
            if random.next() % 3 == 0 { pending.shuffle(using: &random) } // reordering
            while pending.count > Int(random.next() % 3) {
                let arrived = pending.removeFirst()
                let bytes: [UInt8] = [UInt8(arrived >> 8), UInt8(arrived & 0xFF)]
                let result = bytes.withUnsafeBytes { slots.insert(sequence: arrived, payload: $0) }
                let expected = reference.insert(sequence: arrived, payload: bytes)
                #expect(result == expected)
            }
            let expected = reference.pop()
            let got = slots.pop()
            switch (expected, got) {
            case (nil, nil): break
            case let (.packet(a, payload)?, .packet(b, slot)?):
                #expect(a == b)
                #expect(slots.withPayload(slot: slot) { Array($0) } == payload)
            case let (.lost(a, next)?, .lost(b, nextSlot)?):
                #expect(a == b && (next == nil) == (nextSlot == nil))
            default:
                Issue.record("frames differ: \(String(describing: expected)) vs \(String(describing: got))")
            }
        }
        #expect(slots.duplicates == reference.duplicates && slots.latePackets == reference.latePackets)
        #expect(slots.lostFrames == reference.lostFrames && slots.count == reference.count)
        let big = [UInt8](repeating: 0, count: 5)
        #expect(big.withUnsafeBytes { slots.insert(sequence: sequence &+ 1, payload: $0) } == .overflow)
    }

    @Test("SRTP on a reusable buffer: protect and unprotect in place, both profiles; replay and tamper counted",
          arguments: SrtpProfile.allCases)
    func srtpInPlace(profile: SrtpProfile) throws {
        let length = profile.keyLength + profile.saltLength
        let a = (0..<length).map { UInt8($0) }, b = (0..<length).map { UInt8(200 - $0) }
        let sender = try SrtpSession(keys: SrtpKeyingMaterial(profile: profile, localMasterKey: a, remoteMasterKey: b))
        let receiver = try SrtpSession(keys: SrtpKeyingMaterial(profile: profile, localMasterKey: b, remoteMasterKey: a))
        let plain = RtpPacket(payloadType: 0, sequenceNumber: 7, timestamp: 1, ssrc: 9, payload: (0..<160).map { UInt8($0) }).serialized()
        var buffer = PacketBuffer(maxPacket: 200)
        let fits = buffer.assign(plain)
        #expect(fits)
        try sender.protectRTP(&buffer)
        #expect(buffer.count == plain.count + (profile == .aeadAes128Gcm ? 16 : 10))
        #expect(buffer.bytes != plain)
        var arrayCopy = buffer.bytes
        let wire = buffer.bytes
        try receiver.unprotectRTP(&buffer)
        #expect(buffer.bytes == plain)
        // The array API and the buffer API interoperate.
        #expect(throws: SrtpError.replayed) { try receiver.unprotectRTP(&arrayCopy) }
        var tampered = PacketBuffer(copying: wire)
        tampered.write { bytes in
            bytes[40] ^= 1
            return wire.count
        }
        #expect(throws: SrtpError.replayed) { try receiver.unprotectRTP(&tampered) } // seq 7 already seen
        #expect(receiver.replayedCount == 2)
        var next = RtpPacket(payloadType: 0, sequenceNumber: 8, timestamp: 2, ssrc: 9, payload: [1]).serialized()
        try sender.protectRTP(&next)
        next[13] ^= 0xFF
        var forged = PacketBuffer(copying: next)
        #expect(throws: SrtpError.authenticationFailed) { try receiver.unprotectRTP(&forged) }
        #expect(receiver.authenticationFailureCount == 1)
        // A buffer with no room for the tag is refused, not overrun.
        var full = [UInt8](plain)
        #expect(throws: SrtpError.malformed) {
            _ = try full.withUnsafeMutableBytes { try sender.protectRTP($0, length: plain.count) }
        }
    }
}

extension InPlaceTests {
    @Test("The bridge through datagrams and reusable buffers, PCMU and PCMA: both legs hear the other's tone",
          arguments: [AudioCodec.pcmu, .pcma])
    func bridgeInPlace(codec: AudioCodec) throws {
        let carrierType: UInt8 = codec == .pcma ? 8 : 0
        let bridge = try MediaBridge(carrierCodec: codec, carrierPayloadType: carrierType, opusPayloadType: 111, agentSSRC: 5, carrierSSRC: 6)
        var carrierTone = ToneSource(frequency: 800, sampleRate: 8_000)
        var agentTone = ToneSource(frequency: 1_000, sampleRate: 8_000)
        let agentEncoder = try OpusEncoder(sampleRate: 8_000)
        let agentDecoder = try OpusDecoder(sampleRate: 8_000)
        var carrier = RtpPacketizer(ssrc: 1)
        var agent = RtpPacketizer(ssrc: 2)
        var toAgent = PacketBuffer(), toCarrier = PacketBuffer()
        var heardByAgent: [Int16] = [], heardByCarrier: [Int16] = []
        for frame in 0..<50 {
            let pcm = carrierTone.nextFrame(count: 160)
            let payload = codec == .pcma ? G711.encodeALaw(pcm) : G711.encodeMuLaw(pcm)
            let carrierWire = carrier.packetize(payload: payload, payloadType: carrierType, samples: 160).serialized()
            #expect(carrierWire.withUnsafeBytes { bridge.receiveFromCarrier(datagram: $0) })
            let agentWire = agent.packetize(payload: try agentEncoder.encode(agentTone.nextFrame(count: 160)), payloadType: 111, samples: 960).serialized()
            #expect(agentWire.withUnsafeBytes { bridge.receiveFromAgent(datagram: $0) })
            #expect(!carrierWire.withUnsafeBytes { bridge.receiveFromAgent(datagram: $0) }) // wrong payload type
            let produced = bridge.tick(toAgent: &toAgent, toCarrier: &toCarrier)
            #expect(produced.toAgent == (frame >= 1) && produced.toCarrier == (frame >= 1)) // playout delay 2
            if produced.toAgent {
                let packet = try #require(RtpPacket(parsing: toAgent.bytes))
                #expect(packet.payloadType == 111 && packet.ssrc == 5)
                heardByAgent += try agentDecoder.decode(packet.payload)
            }
            if produced.toCarrier {
                let packet = try #require(RtpPacket(parsing: toCarrier.bytes))
                #expect(packet.payloadType == carrierType && packet.payload.count == 160 && packet.ssrc == 6)
                heardByCarrier += codec == .pcma ? G711.decodeALaw(packet.payload) : G711.decodeMuLaw(packet.payload)
            }
        }
        #expect(bridge.framesToAgent == 49 && bridge.framesToCarrier == 49)
        #expect(CodecTests.dominantFrequency(Array(heardByAgent.suffix(1_600)), rate: 8_000, range: 300...1_500) == 800)
        #expect(CodecTests.dominantFrequency(Array(heardByCarrier.suffix(1_600)), rate: 8_000, range: 300...1_500) == 1_000)
    }
}

/// A small deterministic generator so a failing seed can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
