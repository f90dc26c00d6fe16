import Media
import Testing

/// The G.711 ⇄ Opus bridge and the audio sources played into legs.
@Suite("Bridge")
struct BridgeTests {
    @Test("PCMU from the carrier becomes Opus toward the agent, and Opus from the agent becomes PCMU, 20 ms each")
    func transcodesBothWays() throws {
        let bridge = try MediaBridge(carrierCodec: .pcmu, carrierPayloadType: 0, opusPayloadType: 111, agentSSRC: 5, carrierSSRC: 6)
        var carrierTone = ToneSource(frequency: 800, sampleRate: 8_000)
        var agentTone = ToneSource(frequency: 1_000, sampleRate: 8_000)
        let agentEncoder = try OpusEncoder(sampleRate: 8_000)
        let agentDecoder = try OpusDecoder(sampleRate: 8_000)
        var carrier = RtpPacketizer(ssrc: 1)
        var agent = RtpPacketizer(ssrc: 2)
        var heardByAgent: [Int16] = [], heardByCarrier: [Int16] = []
        for _ in 0..<50 {
            bridge.receiveFromCarrier(carrier.packetize(payload: G711.encodeMuLaw(carrierTone.nextFrame(count: 160)), payloadType: 0, samples: 160))
            bridge.receiveFromAgent(agent.packetize(payload: try agentEncoder.encode(agentTone.nextFrame(count: 160)), payloadType: 111, samples: 960))
            let output = bridge.tick()
            if let toAgent = output.toAgent {
                #expect(toAgent.payloadType == 111 && toAgent.ssrc == 5)
                heardByAgent += try agentDecoder.decode(toAgent.payload)
            }
            if let toCarrier = output.toCarrier {
                #expect(toCarrier.payloadType == 0 && toCarrier.payload.count == 160 && toCarrier.ssrc == 6)
                heardByCarrier += G711.decodeMuLaw(toCarrier.payload)
            }
        }
        #expect(heardByAgent.count >= 45 * 160)
        #expect(heardByCarrier.count >= 45 * 160)
        #expect(CodecTests.dominantFrequency(Array(heardByAgent.suffix(1_600)), rate: 8_000, range: 300...1_500) == 800)
        #expect(CodecTests.dominantFrequency(Array(heardByCarrier.suffix(1_600)), rate: 8_000, range: 300...1_500) == 1_000)
    }

    @Test("A tone played into the agent leg replaces the carrier audio; a WAV file plays and ends")
    func sources() throws {
        let bridge = try MediaBridge()
        bridge.play(ToneSource(frequency: 400, sampleRate: 8_000), toAgent: true)
        #expect(bridge.tick().toAgent != nil) // no carrier packet needed
        // 16-bit mono 8 kHz WAV with 320 samples: two frames.
        var wav: [UInt8] = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVE".utf8)
        wav += Array("fmt ".utf8) + [16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0]
        wav += Array("data".utf8) + [0x80, 0x02, 0, 0] + [UInt8](repeating: 0x11, count: 640)
        var source = try WavSource(bytes: wav)
        #expect(source.fileRate == 8_000)
        #expect(source.nextFrame(count: 160, sampleRate: 8_000)?.first == 0x1111)
        #expect(source.nextFrame(count: 160, sampleRate: 8_000) != nil)
        #expect(source.nextFrame(count: 160, sampleRate: 8_000) == nil)
        #expect(throws: WavError.notRiffWave) { try WavSource(bytes: [1, 2, 3]) }
    }
}

extension BridgeTests {
    @Test("Carrier packets that pile up before the agent leg connects are played, not lost")
    func backlog() throws {
        let bridge = try MediaBridge(carrierCodec: .pcmu, carrierPayloadType: 0, opusPayloadType: 96)
        var carrier = RtpPacketizer(ssrc: 1, sequenceNumber: 1_000, timestamp: 0)
        var tone = ToneSource(frequency: 800, sampleRate: 8_000)
        for _ in 0..<100 {
            bridge.receiveFromCarrier(carrier.packetize(payload: G711.encodeMuLaw(tone.nextFrame(count: 160)), payloadType: 0, samples: 160))
        }
        var produced = 0
        for _ in 0..<10 where bridge.tick().toAgent != nil { produced += 1 }
        #expect(produced == 10)
        #expect(bridge.carrierRefused == 100 - 64)
    }
}
