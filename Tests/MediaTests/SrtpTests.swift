import Media
import Testing

/// SRTP/SRTCP through libsrtp2 (RFC 3711, RFC 7714): round trips, replay and tamper detection.
@Suite("SRTP")
struct SrtpTests {
    static func pair(_ profile: SrtpProfile) throws -> (SrtpSession, SrtpSession) {
        let length = profile.keyLength + profile.saltLength
        let a = (0..<length).map { UInt8($0) }
        let b = (0..<length).map { UInt8(200 - $0) }
        return (try SrtpSession(keys: SrtpKeyingMaterial(profile: profile, localMasterKey: a, remoteMasterKey: b)),
                try SrtpSession(keys: SrtpKeyingMaterial(profile: profile, localMasterKey: b, remoteMasterKey: a)))
    }

    static func packet(_ sequence: UInt16) -> [UInt8] {
        RtpPacket(payloadType: 111, sequenceNumber: sequence, timestamp: UInt32(sequence) * 960, ssrc: 0xCAFE,
                  payload: (0..<160).map { UInt8(truncatingIfNeeded: $0 &+ Int(sequence)) }).serialized()
    }

    @Test("Protect then unprotect returns the packet; ciphertext differs", arguments: SrtpProfile.allCases)
    func roundTrip(profile: SrtpProfile) throws {
        let (sender, receiver) = try Self.pair(profile)
        for sequence in UInt16(1)...50 {
            let plain = Self.packet(sequence)
            var wire = plain
            try sender.protectRTP(&wire)
            #expect(wire.count == plain.count + (profile == .aeadAes128Gcm ? 16 : 10))
            #expect(Array(wire[12..<28]) != Array(plain[12..<28]))
            try receiver.unprotectRTP(&wire)
            #expect(wire == plain)
        }
    }

    @Test("A replayed packet is dropped and counted", arguments: SrtpProfile.allCases)
    func replay(profile: SrtpProfile) throws {
        let (sender, receiver) = try Self.pair(profile)
        var wire = Self.packet(7)
        try sender.protectRTP(&wire)
        var first = wire
        try receiver.unprotectRTP(&first)
        var again = wire
        #expect(throws: SrtpError.replayed) { try receiver.unprotectRTP(&again) }
        #expect(receiver.replayedCount == 1)
    }

    @Test("A tampered packet fails authentication and is counted", arguments: SrtpProfile.allCases)
    func tamper(profile: SrtpProfile) throws {
        let (sender, receiver) = try Self.pair(profile)
        var wire = Self.packet(9)
        try sender.protectRTP(&wire)
        wire[20] ^= 0x01
        #expect(throws: SrtpError.authenticationFailed) { try receiver.unprotectRTP(&wire) }
        #expect(receiver.authenticationFailureCount == 1)
    }

    @Test("SRTCP round trip", arguments: SrtpProfile.allCases)
    func rtcp(profile: SrtpProfile) throws {
        let (sender, receiver) = try Self.pair(profile)
        let report = RtcpReport.receiverReport(ssrc: 0xCAFE, blocks: []).serialized()
        var wire = report
        try sender.protectRTCP(&wire)
        #expect(wire != report)
        try receiver.unprotectRTCP(&wire)
        #expect(wire == report)
    }
}
