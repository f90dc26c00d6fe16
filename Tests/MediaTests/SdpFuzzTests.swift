import Foundation
import Media
import Testing

/// SDP comes from browsers, SIP phones and carriers: malformed lines are refused with `malformedLine`,
/// random and mutated text never crashes the parser or the audio-description reader (issue 10 §3).
@Suite("SDP robustness")
struct SdpFuzzTests {
    @Test("Malformed m= lines are refused, never a crash", arguments: [
        "m=audio / RTP/AVP 0", "m=audio /9 RTP/AVP 0", "m=audio", "m=audio 9", "m= 9 RTP/AVP 0",
        "m=audio 99999999999999999999999 RTP/AVP 0", "m=audio -1 RTP/AVP 0", "m=audio 70000 RTP/AVP 0",
        "m=audio 9/ RTP/AVP 0", "m=audio 9/x RTP/AVP 0", "m=audio 9/0 RTP/AVP 0",
    ])
    func malformedMediaLines(line: String) {
        #expect(throws: SdpError.malformedLine(line)) { try SessionDescription(parsing: "v=0\r\n\(line)\r\n") }
    }

    @Test("A port with a count (RFC 8866 §5.14: <port>/<number of ports>) is read as its port")
    func portWithCount() throws {
        let sdp = try SessionDescription(parsing: "v=0\r\nm=audio 49170/2 RTP/AVP 0\r\n")
        #expect(sdp.media.first?.port == 49170)
    }

    @Test("1,000,000 mutated browser SDPs never crash the parser or the audio description")
    func mutatedSdps() throws {
        let sources = try ["chromium-offer", "chromium-answer", "firefox-offer", "firefox-answer", "aiortc-offer"]
            .map { Array(try SdpTests.fixture($0).utf8) }
        // Characters the grammar cares about, so mutations hit the parser's decisions.
        let alphabet = Array("m=ac/: 0123456789\r\n-;,.".utf8)
        var random = Xorshift(seed: 0x5D9)
        var parsed = 0, refused = 0
        for _ in 0..<1_000_000 {
            let source = sources[Int(random.next() % UInt64(sources.count))]
            // A window of the text (a few lines on average) keeps the suite fast and the mutations dense.
            let start = Int(random.next() % UInt64(source.count))
            let length = min(source.count - start, 16 + Int(random.next() % 240))
            var bytes = Array(source[start..<start + length])
            for _ in 0..<(1 + random.next() % 4) where !bytes.isEmpty {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 5 {
                case 0: bytes[at] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: at)
                case 3: bytes[at] = UInt8(truncatingIfNeeded: random.next())
                default: bytes.removeSubrange(at...)
                }
            }
            do {
                let sdp = try SessionDescription(parsing: String(decoding: bytes, as: UTF8.self))
                parsed += 1
                _ = try? RemoteAudioDescription(sdp)
            } catch {
                refused += 1
            }
        }
        #expect(parsed > 0 && refused > 0, "parsed \(parsed), refused \(refused)")
        #expect(parsed + refused == 1_000_000)
        // Whole offers still describe audio: the reader works on what survives.
        for source in sources {
            #expect((try? RemoteAudioDescription(SessionDescription(parsing: String(decoding: source, as: UTF8.self)))) != nil)
        }
    }
}
