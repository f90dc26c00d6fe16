import Benchmark
import Media

/// Media benchmarks, each beside its raw-library reference in the same run (issue 4 §4).
/// Run: `cd Benchmarks && swift package --allow-writing-to-package-directory benchmark --target MediaBenchmarks`
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 3,
                                           scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 1_000_000)

    for profile in SrtpProfile.allCases {
        Benchmark("SRTP protect+unprotect 160 B \(profile.rawValue) ours") { benchmark in
            let keys = SrtpFixtures.keys(profile)
            guard let sender = try? SrtpSession(keys: keys.0), let receiver = try? SrtpSession(keys: keys.1) else { return }
            let plain = SrtpFixtures.plainPacket()
            var packet = PacketBuffer(maxPacket: 256)
            var sequence: UInt16 = 0
            var failures = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                sequence &+= 1
                SrtpFixtures.reset(&packet, from: plain, sequence: sequence)
                if (try? sender.protectRTP(&packet)) == nil { failures += 1 }
                if (try? receiver.unprotectRTP(&packet)) == nil { failures += 1 }
                blackHole(packet.count)
            }
            benchmark.stopMeasurement()
            if failures > 0 { print("ours: \(failures) failed calls") }
        }
        Benchmark("SRTP protect+unprotect 160 B \(profile.rawValue) raw libsrtp2") { benchmark in
            guard let raw = RawSrtp(profile: profile) else { return }
            benchmark.startMeasurement()
            blackHole(raw.run(iterations: benchmark.scaledIterations.count))
            benchmark.stopMeasurement()
            if raw.failures > 0 { print("raw libsrtp2: \(raw.failures) failed calls") }
        }
    }

    Benchmark("Opus encode 20 ms 48 kHz ours") { benchmark in
        guard let encoder = try? OpusEncoder(sampleRate: 48_000, settings: OpusSettings(complexity: 5)) else { return }
        var tone = ToneSource(frequency: 440)
        let frame = tone.nextFrame(count: 960)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole((try? encoder.encode(frame))?.count) }
    }
    Benchmark("Opus encode 20 ms 48 kHz raw libopus") { benchmark in
        var tone = ToneSource(frequency: 440)
        guard let raw = RawOpus(sampleRate: 48_000, frame: tone.nextFrame(count: 960)) else { return }
        benchmark.startMeasurement()
        blackHole(raw.encode(iterations: benchmark.scaledIterations.count))
    }

    let handshakes = Benchmark.Configuration(metrics: [.wallClock, .throughput], warmupIterations: 2,
                                             scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 10_000)
    Benchmark("DTLS handshakes ours (two in-process endpoints)", configuration: handshakes) { benchmark in
        guard let clientCertificate = try? DtlsCertificate(), let serverCertificate = try? DtlsCertificate() else { return }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(DtlsLoop.handshake(clientCertificate, serverCertificate))
        }
    }
    Benchmark("DTLS handshakes bare OpenSSL loop", configuration: handshakes) { benchmark in
        guard let raw = RawDtls() else { return }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(raw.handshake()) }
    }

    // One sample = 1,000 consecutive 20 ms frames of one call (a warm encoder, the jitter buffer playing).
    // Malloc counts: ours allocates only inside libsrtp2 (its NSS AES-GCM backend, same count as raw libsrtp2).
    let calls = Benchmark.Configuration(metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 1,
                                        scalingFactor: .kilo, maxDuration: .seconds(5), maxIterations: 100_000)
    // Ours on the bound's frames (the "same frames"): the headline ratio. The continuous-tone run shows
    // how much the Opus work itself moves with the audio content.
    Benchmark("Transcoded call 20 ms both directions ours (G.711 RTP <-> Opus SRTP, c5, FEC)", configuration: calls) { benchmark in
        guard let call = BridgedCall(frames: benchmark.scaledIterations.count, content: .boundFrames) else { return }
        benchmark.startMeasurement()
        blackHole(call.run())
    }
    Benchmark("Transcoded call 20 ms both directions ours, continuous tones (info)", configuration: calls) { benchmark in
        guard let call = BridgedCall(frames: benchmark.scaledIterations.count, content: .continuousTones) else { return }
        benchmark.startMeasurement()
        blackHole(call.run())
    }
    Benchmark("Transcoded call 20 ms both directions bare libopus, continuous tones (info)", configuration: calls) { benchmark in
        guard let raw = RawOpusContinuous(frames: benchmark.scaledIterations.count) else { return }
        benchmark.startMeasurement()
        blackHole(raw.run())
    }
    Benchmark("Transcoded call 20 ms both directions bound (bare libopus encode+decode, c5, FEC)", configuration: calls) { benchmark in
        var tone = ToneSource(frequency: 440, sampleRate: 8_000)
        guard let raw = RawOpus(sampleRate: 8_000, frame: tone.nextFrame(count: 160)) else { return }
        benchmark.startMeasurement()
        blackHole(raw.encodeDecode(iterations: benchmark.scaledIterations.count))
    }

    // Paired runs: ours and the reference in alternating blocks in one process (Paired.swift). Their
    // ratio_x1000 p50 is the figure for the targets; the separate benchmarks above give the absolute
    // figures and malloc counts but run one after the other, so their ratio carries the machine's drift.
    for profile in SrtpProfile.allCases {
        Benchmark("Paired: SRTP protect+unprotect 160 B \(profile.rawValue), ours vs raw libsrtp2",
                  configuration: PairedMetrics.configuration()) { benchmark in
            guard let ours = OurSrtp(profile: profile) else { return print("\(benchmark.name): our SRTP session failed") }
            guard let raw = RawSrtp(profile: profile) else { return print("\(benchmark.name): raw libsrtp2 session failed") }
            measurePaired(benchmark, operations: 2_000, ours: { blackHole(ours.run(iterations: $0)) },
                          reference: { blackHole(raw.run(iterations: $0)) })
            if ours.failures > 0 || raw.failures > 0 { print("failed calls: ours \(ours.failures), raw \(raw.failures)") }
        }
    }
    Benchmark("Paired: Opus encode 20 ms 48 kHz c5 FEC, ours vs raw libopus", configuration: PairedMetrics.configuration()) { benchmark in
        var tone = ToneSource(frequency: 440)
        let frame = tone.nextFrame(count: 960)
        guard let ours = OurOpus(sampleRate: 48_000, frame: frame), let raw = RawOpus(sampleRate: 48_000, frame: frame) else { return }
        measurePaired(benchmark, operations: 50, ours: { blackHole(ours.encode(iterations: $0)) },
                      reference: { blackHole(raw.encode(iterations: $0)) })
    }
    Benchmark("Paired: DTLS 1.2 handshakes, ours (two in-process endpoints) vs bare OpenSSL loop",
              configuration: PairedMetrics.configuration()) { benchmark in
        guard let clientCertificate = try? DtlsCertificate(), let serverCertificate = try? DtlsCertificate(),
              let raw = RawDtls() else { return }
        measurePaired(benchmark, operations: 5, ours: { n in
            for _ in 0..<n { blackHole(DtlsLoop.handshake(clientCertificate, serverCertificate)) }
        }, reference: { n in
            for _ in 0..<n { blackHole(raw.handshake()) }
        })
    }
    // The transcoded call: per 20 ms frame one PCMU packet in and one SRTP Opus packet in, both directions out
    // (c5, FEC), on the bound's frames, against the bound (bare libopus encode + decode of the same frames).
    let framesPerBlock = 100, maximumPairs = 300
    Benchmark("Paired: transcoded call 20 ms both directions, ours (G.711 RTP <-> Opus SRTP) vs bound (bare libopus encode+decode)",
              configuration: PairedMetrics.configuration()) { benchmark in
        let frames = framesPerBlock * (maximumPairs + 2)
        var tone = ToneSource(frequency: 440, sampleRate: 8_000)
        guard let call = BridgedCall(frames: frames, content: .boundFrames),
              let raw = RawOpus(sampleRate: 8_000, frame: tone.nextFrame(count: 160)) else { return }
        measurePaired(benchmark, operations: framesPerBlock, maximumPairs: maximumPairs,
                      ours: { blackHole(call.run(next: $0)) }, reference: { blackHole(raw.encodeDecode(iterations: $0)) })
    }
    Benchmark("Paired: transcoded call, continuous tones (info), ours vs bare libopus on the same audio",
              configuration: PairedMetrics.configuration()) { benchmark in
        let frames = framesPerBlock * (maximumPairs + 2)
        guard let call = BridgedCall(frames: frames, content: .continuousTones),
              let raw = RawOpusContinuous(frames: frames) else { return }
        measurePaired(benchmark, operations: framesPerBlock, maximumPairs: maximumPairs,
                      ours: { blackHole(call.run(next: $0)) }, reference: { blackHole(raw.run(next: $0)) })
    }
}
