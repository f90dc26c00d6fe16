import Foundation
import COpenSSL
import COpus
import CSRTP
import CMediaShims
import Testing

/// One call into each system library, so a missing or mislinked library fails here first.
@Suite("System libraries")
struct SystemLibrarySmokeTests {
    @Test("OpenSSL 3 is linked and reports its version")
    func openSSLVersion() {
        let version = String(cString: OpenSSL_version(Int32(OPENSSL_VERSION)))
        #expect(version.hasPrefix("OpenSSL 3."))
        #expect(OpenSSL_version_num() >= 0x3000_0000)
    }

    @Test("libsrtp2 initialises (srtp_init, once per process) and reports a 2.x version")
    func srtpInit() {
        // Media shares this process; srtp_init runs once through the shim, never concurrently, never shut down.
        #expect(sb_srtp_init_once() == Int32(srtp_err_status_ok.rawValue))
        let version = String(cString: srtp_get_version_string())
        #expect(version.contains("2."))
    }

    @Test("libopus reports its version and encodes one frame through the shims")
    func opusVersionAndEncode() throws {
        let version = String(cString: opus_get_version_string())
        #expect(version.hasPrefix("libopus 1."))
        var error: Int32 = 0
        let encoder = try #require(opus_encoder_create(48_000, 1, OPUS_APPLICATION_VOIP, &error))
        defer { opus_encoder_destroy(encoder) }
        #expect(error == OPUS_OK)
        #expect(sb_opus_encoder_set_bitrate(encoder, 32_000) == OPUS_OK)
        var bitrate: Int32 = 0
        #expect(sb_opus_encoder_get_bitrate(encoder, &bitrate) == OPUS_OK)
        #expect(bitrate == 32_000)
        let pcm = (0..<960).map { Int16(truncatingIfNeeded: Int(8_000 * sin(Double($0) * 2 * .pi * 440 / 48_000))) }
        var packet = [UInt8](repeating: 0, count: 1_500)
        let written = opus_encode(encoder, pcm, 960, &packet, 1_500)
        #expect(written > 0)
    }
}
