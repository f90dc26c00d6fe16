import Media

/// Command-line options of the harness.
struct HarnessOptions: Sendable {
    enum Mode: String, Sendable { case answer, offer }

    var mode: Mode = .answer
    var bindHost = "127.0.0.1"
    var port = 0
    var advertise: [String] = []
    var profiles: [SrtpProfile] = SrtpProfile.allCases
    var setup: DtlsSetup = .active
    var toneFrequency = 440.0
    var record: String?
    var duration = 6.0
    /// `pcmu` or `pcma`: bridge a plain RTP carrier leg (second UDP port) to the WebRTC session.
    var carrier: AudioCodec?

    init(arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { throw HarnessError.usage("missing value for \(flag)") }
            switch flag {
            case "--mode":
                guard let mode = Mode(rawValue: value) else { throw HarnessError.usage("mode answer|offer") }
                self.mode = mode
            case "--bind": bindHost = value
            case "--port": port = Int(value) ?? 0
            case "--advertise": advertise.append(value)
            case "--srtp":
                switch value {
                case "gcm": profiles = [.aeadAes128Gcm]
                case "cm": profiles = [.aes128CmSha1_80]
                default: profiles = SrtpProfile.allCases
                }
            case "--setup":
                guard let setup = DtlsSetup(rawValue: value) else { throw HarnessError.usage("setup active|passive") }
                self.setup = setup
            case "--tone": toneFrequency = Double(value) ?? 440
            case "--record": record = value
            case "--duration": duration = Double(value) ?? 6
            case "--carrier":
                guard value == "pcmu" || value == "pcma" else { throw HarnessError.usage("carrier pcmu|pcma") }
                carrier = value == "pcmu" ? .pcmu : .pcma
            default: throw HarnessError.usage("unknown flag \(flag)")
            }
        }
        if advertise.isEmpty { advertise = [bindHost] }
    }
}
