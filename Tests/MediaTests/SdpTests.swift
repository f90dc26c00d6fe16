import Foundation
import Media
import Testing

/// SDP offer/answer against real browser and aiortc captures (RFC 8866, JSEP RFC 8829).
@Suite("SDP")
struct SdpTests {
    static func fixture(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "sdp", subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test("Chromium's offer: credentials, fingerprint, Opus 111 with FEC, UDP candidates only", arguments: ["chromium-offer"])
    func chromiumOffer(name: String) throws {
        let offer = try RemoteAudioDescription(SessionDescription(parsing: Self.fixture(name)))
        #expect(offer.ice == IceCredentials(ufrag: "NN5v", password: "AFp34qEU5V6puadN/JIweYz/"))
        #expect(offer.fingerprint.digest.count == 32)
        #expect(offer.fingerprint.digest.first == 0xB4)
        #expect(offer.setup == .actpass)
        #expect(offer.rtcpMux)
        #expect(offer.mid == "0")
        #expect(offer.candidates.count == 2) // the TCP candidates on port 9 are skipped
        #expect(offer.candidates.contains(SocketAddressValue(ip: [192, 0, 2, 2], port: 36_001)))
        #expect(offer.formats.first == PayloadFormat(payloadType: 111, codec: .opus, clockRate: 48_000, channels: 2, parameters: "minptime=10;useinbandfec=1"))
        #expect(offer.formats.map(\.payloadType) == [111, 0, 8, 110, 126])
    }

    @Test("Firefox's offer: session-level fingerprint, component 2 ignored, Opus as 109")
    func firefoxOffer() throws {
        let offer = try RemoteAudioDescription(SessionDescription(parsing: Self.fixture("firefox-offer")))
        #expect(offer.ice.ufrag == "682beef2")
        #expect(offer.fingerprint.digest.first == 0x3B)
        #expect(offer.candidates.count == 2)
        #expect(offer.formats.first?.payloadType == 109)
        #expect(offer.formats.contains { $0.codec == .telephoneEvent && $0.payloadType == 101 })
    }

    @Test("aiortc's offer: several fingerprints, the SHA-256 one is used; IPv6 candidate parsed")
    func aiortcOffer() throws {
        let offer = try RemoteAudioDescription(SessionDescription(parsing: Self.fixture("aiortc-offer")))
        #expect(offer.fingerprint.algorithm == "sha-256")
        #expect(offer.fingerprint.digest.first == 0x86)
        #expect(offer.candidates.contains(try #require(SocketAddressValue(host: "fd00::2", port: 56_691))))
        #expect(offer.formats.map(\.codec) == [.opus, .pcmu])
    }

    @Test("Answers keep the offer's payload types, add ice-lite, FEC, rtcp-mux; the answer parses back", arguments: ["chromium-offer", "firefox-offer", "aiortc-offer"])
    func answerRoundTrip(name: String) throws {
        let certificate = try DtlsCertificate()
        let endpoint = MediaEndpoint(certificate: certificate, candidates: [
            SocketAddressValue(ip: [127, 0, 0, 1], port: 4_000), try #require(SocketAddressValue(host: "::1", port: 4_000)),
        ])
        let (session, answerText) = try endpoint.answer(offer: Self.fixture(name), now: 0)
        let parsed = try SessionDescription(parsing: answerText)
        #expect(parsed.value("ice-lite") != nil)
        let answer = try RemoteAudioDescription(parsed)
        let offer = try RemoteAudioDescription(SessionDescription(parsing: Self.fixture(name)))
        #expect(answer.iceLite)
        #expect(answer.ice == session.ice.local)
        #expect(answer.fingerprint == certificate.fingerprint)
        #expect(answer.setup == .active)
        #expect(answer.rtcpMux)
        #expect(answer.candidates.count == 2)
        #expect(answer.formats.first?.codec == .opus)
        #expect(answer.formats.first?.payloadType == offer.formats.first?.payloadType)
        #expect(answer.formats.first?.parameters?.contains("useinbandfec=1") == true)
        #expect(Set(answer.formats.map(\.payloadType)).isSubset(of: Set(offer.formats.map(\.payloadType))))
    }

    @Test("Our offer offers Opus, PCMU, PCMA and telephone-event with actpass")
    func ownOffer() throws {
        let endpoint = MediaEndpoint(certificate: try DtlsCertificate(), candidates: [SocketAddressValue(ip: [10, 0, 0, 1], port: 5_004)])
        let offer = try RemoteAudioDescription(SessionDescription(parsing: endpoint.makeSession(now: 0).createOffer()))
        #expect(offer.setup == .actpass)
        #expect(offer.formats.map(\.codec) == [.opus, .pcmu, .pcma, .telephoneEvent, .telephoneEvent])
    }

    @Test("Setup negotiation follows RFC 8842")
    func setupRules() {
        #expect(LocalAudioDescription.answerSetup(for: .actpass) == .active)
        #expect(LocalAudioDescription.answerSetup(for: .actpass, preferred: .passive) == .passive)
        #expect(LocalAudioDescription.answerSetup(for: .active) == .passive)
        #expect(LocalAudioDescription.answerSetup(for: .passive) == .active)
    }

    @Test("Offers without credentials, fingerprint or a common codec are refused")
    func refusals() throws {
        let base = try Self.fixture("aiortc-offer")
        let noPwd = base.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("a=ice-pwd") }.joined(separator: "\r\n")
        #expect(throws: SdpError.missingIceCredentials) { try RemoteAudioDescription(SessionDescription(parsing: noPwd)) }
        let noPrint = base.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("a=fingerprint:sha-256") }.joined(separator: "\r\n")
        #expect(throws: SdpError.missingFingerprint) { try RemoteAudioDescription(SessionDescription(parsing: noPrint)) }
        let video = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
        #expect(throws: SdpError.noAudio) { try RemoteAudioDescription(SessionDescription(parsing: video)) }
        let g722 = base.replacingOccurrences(of: "m=audio 48419 UDP/TLS/RTP/SAVPF 96 0", with: "m=audio 48419 UDP/TLS/RTP/SAVPF 9")
            + "a=rtpmap:9 G722/8000\r\n"
        let offer = try RemoteAudioDescription(SessionDescription(parsing: g722))
        #expect(throws: SdpError.noCommonCodec) { try LocalAudioDescription.answerFormats(for: offer) }
    }
}
