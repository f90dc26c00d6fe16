import Media
import Testing

/// RTP packets, packetizer, RTCP reports, jitter buffer and RFC 4733 events.
@Suite("RTP and RTCP")
struct RtpTests {
    @Test("Serialize and parse round trip; CSRC, extension and padding are skipped")
    func packetRoundTrip() throws {
        let packet = RtpPacket(marker: true, payloadType: 111, sequenceNumber: 65_535, timestamp: 0xDEAD_BEEF, ssrc: 42, payload: [1, 2, 3])
        #expect(RtpPacket(parsing: packet.serialized()) == packet)
        // One CSRC, a one-word extension, 2 bytes of padding.
        var bytes: [UInt8] = [0x80 | 0x20 | 0x10 | 0x01, 0x60, 0, 1, 0, 0, 0, 9, 0, 0, 0, 7]
        bytes += [0, 0, 0, 5] + [0xBE, 0xDE, 0, 1] + [1, 2, 3, 4] + [9, 9] + [0, 2]
        let parsed = try #require(RtpPacket(parsing: bytes))
        #expect(parsed.payload == [9, 9])
        #expect(parsed.payloadType == 0x60)
        #expect(RtpPacket(parsing: Array(bytes[0..<14])) == nil)
    }

    @Test("The packetizer numbers packets and advances timestamps with wrap-around")
    func packetizer() {
        var packetizer = RtpPacketizer(ssrc: 7, sequenceNumber: 65_535, timestamp: UInt32.max - 100)
        let first = packetizer.packetize(payload: [0], payloadType: 0, samples: 160, marker: true)
        let second = packetizer.packetize(payload: [0, 0], payloadType: 0, samples: 160)
        #expect(first.sequenceNumber == 65_535 && second.sequenceNumber == 0)
        #expect(second.timestamp == first.timestamp &+ 160)
        #expect(packetizer.packetCount == 2 && packetizer.octetCount == 3)
    }

    @Test("SR and RR serialize and parse back, with negative cumulative loss")
    func reports() {
        let block = ReceptionReport(ssrc: 9, fractionLost: 25, cumulativeLost: -3, highestSequence: 70_000, jitter: 12, lastSR: 5, delaySinceLastSR: 6)
        let sr = RtcpReport.senderReport(ssrc: 1, ntpTimestamp: 0x0102_0304_0506_0708, rtpTimestamp: 99, packetCount: 10, octetCount: 1_600, blocks: [block])
        let rr = RtcpReport.receiverReport(ssrc: 2, blocks: [block, block])
        #expect(RtcpReport.parseCompound(sr.serialized() + rr.serialized()) == [sr, rr])
        #expect(RtcpReport.parseCompound(Array(sr.serialized().dropLast(4))) == [])
    }

    @Test("Reception statistics count loss across a sequence wrap")
    func statistics() {
        var stats = ReceptionStatistics(ssrc: 3, clockRate: 48_000)
        var sequence: UInt16 = 65_530
        for index in 0..<20 {
            if index != 8 && index != 9 { stats.record(sequence: sequence, timestamp: UInt32(index * 960), arrival: Double(index) * 0.02) }
            sequence &+= 1
        }
        let report = stats.makeReport()
        #expect(report.cumulativeLost == 2)
        #expect(report.highestSequence == 65_536 + 13)
        #expect(report.fractionLost == UInt8(2 * 256 / 20))
    }

    @Test("The jitter buffer reorders, drops duplicates and late packets, and reports losses")
    func jitterBuffer() {
        var buffer = JitterBuffer<Int>(playoutDelay: 3)
        #expect(buffer.insert(sequence: 101, payload: 101) == .accepted)
        #expect(buffer.insert(sequence: 100, payload: 100) == .accepted)
        #expect(buffer.pop() == nil) // still buffering
        #expect(buffer.insert(sequence: 100, payload: 100) == .duplicate)
        #expect(buffer.insert(sequence: 103, payload: 103) == .accepted)
        var played: [String] = []
        while let frame = buffer.pop() {
            switch frame {
            case .packet(let sequence, _): played.append("p\(sequence)")
            case .lost(let sequence, let next): played.append("l\(sequence)n\(next ?? -1)")
            }
        }
        #expect(played == ["p100", "p101", "l102n103", "p103"])
        #expect(buffer.insert(sequence: 102, payload: 102) == .late)
        #expect(buffer.duplicates == 1 && buffer.latePackets == 1 && buffer.lostFrames == 1)
    }

    @Test("The jitter buffer plays across the 16-bit sequence wrap")
    func jitterWrap() {
        var buffer = JitterBuffer<UInt16>(playoutDelay: 2)
        for sequence: UInt16 in [0, 65_535, 1] { buffer.insert(sequence: sequence, payload: sequence) }
        var order: [UInt16] = []
        while case .packet(let sequence, _)? = buffer.pop() { order.append(sequence) }
        #expect(order == [65_535, 0, 1])
    }

    @Test("RFC 4733: a digit becomes marker + growing durations + three end packets, received once")
    func dtmf() throws {
        let packets = try #require(DtmfSender.payloads(digit: "#", milliseconds: 100))
        #expect(packets.first?.marker == true)
        #expect(packets.count == 4 + 3)
        let events = packets.compactMap { TelephoneEvent(payload: $0.payload) }
        #expect(events.allSatisfy { $0.event == 11 })
        #expect(events.suffix(3).allSatisfy { $0.isEnd && $0.duration == 800 })
        var receiver = DtmfReceiver()
        let digits = packets.compactMap { receiver.receive(timestamp: 1_000, payload: $0.payload) }
        #expect(digits == ["#"])
        #expect(receiver.receive(timestamp: 2_000, payload: TelephoneEvent(event: 5, isEnd: false, duration: 160).payload) == "5")
        for character in "0123456789*#ABCD" {
            let code = try #require(TelephoneEvent.code(for: character))
            #expect(TelephoneEvent.digit(for: code) == character)
        }
    }
}
