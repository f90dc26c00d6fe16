import Foundation
import Media
import NIOCore

/// The harness's media state, confined to the socket's event loop: one session, a tone sender, a recorder.
final class HarnessCore {
    private let options: HarnessOptions
    private let endpoint: MediaEndpoint
    private let channel: Channel
    private var session: MediaSession?
    private let encoder: OpusEncoder
    private let decoder: OpusDecoder
    private var tone: ToneSource
    private var packetizer: RtpPacketizer?
    private var recorded: [Int16] = []
    private var mediaStart: Double?
    private var framesSent = 0
    private var received = 0
    private var reception: ReceptionStatistics?
    private var lastReport = 0.0
    private var reportsSent = 0
    private var reportsReceived = 0
    private var otherPayload = 0

    private let carrierChannel: Channel?
    private var carrierRemote: SocketAddress?
    private var bridge: MediaBridge?
    private var toAgentBuffer = PacketBuffer()
    private var toCarrierBuffer = PacketBuffer()
    private var carrierReceived = 0
    private var agentSent = 0

    init(options: HarnessOptions, candidates: [SocketAddressValue], channel: Channel, carrierChannel: Channel?) throws {
        self.options = options
        self.channel = channel
        self.carrierChannel = carrierChannel
        self.endpoint = MediaEndpoint(certificate: try DtlsCertificate(), candidates: candidates, profiles: options.profiles)
        self.encoder = try OpusEncoder(sampleRate: 48_000)
        self.decoder = try OpusDecoder(sampleRate: 48_000)
        self.tone = ToneSource(frequency: options.toneFrequency)
    }

    static func now() -> Double { Double(NIODeadline.now().uptimeNanoseconds) / 1e9 }

    func answer(_ offer: String) throws -> String {
        let (session, answer) = try endpoint.answer(offer: offer, preferredSetup: options.setup, now: Self.now())
        self.session = session
        try makeBridge()
        return answer
    }

    private func makeBridge() throws {
        guard let carrier = options.carrier, let session else { return }
        let opusType = session.local.formats.first { $0.codec == .opus }?.payloadType ?? 111
        bridge = try MediaBridge(carrierCodec: carrier, carrierPayloadType: carrier == .pcma ? 8 : 0,
                                 opusPayloadType: opusType, agentSSRC: session.local.ssrc)
    }

    func receiveCarrier(_ bytes: [UInt8], from source: SocketAddress) {
        carrierRemote = source // symmetric RTP: answer where the carrier sends from
        guard bytes.withUnsafeBytes({ RtpHeader(parsing: $0) }) != nil else { return }
        carrierReceived += 1
        bytes.withUnsafeBytes { _ = bridge?.receiveFromCarrier(datagram: $0) }
    }

    func offer() -> String {
        let session = endpoint.makeSession(now: Self.now())
        self.session = session
        return session.createOffer()
    }

    func acceptAnswer(_ answer: String) throws {
        try session?.acceptAnswer(answer, now: Self.now())
        try makeBridge()
        flush()
    }

    func receive(_ bytes: [UInt8], from source: SocketAddressValue) {
        endpoint.handle(bytes, from: source, now: Self.now())
        flush()
    }

    func tick() {
        let now = Self.now()
        endpoint.handleTimeout(now: now)
        if let session, session.isConnected, let start = mediaStart, var packetizer {
            let opusType = session.local.formats.first { $0.codec == .opus }?.payloadType ?? 111
            let due = Int((now - start) / 0.02) + 1
            while framesSent < due, let bridge {
                let produced = bridge.tick(toAgent: &toAgentBuffer, toCarrier: &toCarrierBuffer)
                if produced.toAgent, session.send(&toAgentBuffer) { agentSent += 1 }
                if produced.toCarrier, let carrierRemote, let carrierChannel {
                    var buffer = carrierChannel.allocator.buffer(capacity: toCarrierBuffer.count)
                    toCarrierBuffer.withUnsafeBytes { _ = buffer.writeBytes($0) }
                    carrierChannel.writeAndFlush(AddressedEnvelope(remoteAddress: carrierRemote, data: buffer), promise: nil)
                }
                framesSent += 1
            }
            while framesSent < due {
                let pcm = tone.nextFrame(count: 960)
                if let payload = try? encoder.encode(pcm) {
                    session.send(packetizer.packetize(payload: payload, payloadType: opusType, samples: 960, marker: framesSent == 0))
                }
                framesSent += 1
            }
            self.packetizer = packetizer
        }
        if let session, session.isConnected, now - lastReport >= 1 {
            lastReport = now
            sendReport(session)
        }
        flush()
    }

    /// RFC 3550 §6.4: a sender report with a reception block for the peer's stream, once a second.
    private func sendReport(_ session: MediaSession) {
        let blocks = reception.map { stats -> [ReceptionReport] in
            var stats = stats
            defer { reception = stats }
            return [stats.makeReport()]
        } ?? []
        let seconds = Date().timeIntervalSince1970 + 2_208_988_800
        let ntp = UInt64(seconds) << 32 | UInt64((seconds - seconds.rounded(.down)) * 4_294_967_296)
        let report = RtcpReport.senderReport(ssrc: session.local.ssrc, ntpTimestamp: ntp, rtpTimestamp: packetizer?.timestamp ?? 0,
                                             packetCount: packetizer?.packetCount ?? 0, octetCount: packetizer?.octetCount ?? 0,
                                             blocks: blocks)
        if session.sendRTCP(report.serialized()) { reportsSent += 1 }
    }

    private func flush() {
        for (_, event) in endpoint.pollEvents() {
            switch event {
            case .selected(let address): emit("SELECTED \(address)")
            case .connected(let profile):
                emit("CONNECTED \(profile.rawValue)")
                mediaStart = Self.now()
                packetizer = RtpPacketizer(ssrc: session?.local.ssrc ?? 1)
            case .rtp(let packet):
                guard let session, session.local.formats.contains(where: { $0.codec == .opus && $0.payloadType == packet.payloadType }) else {
                    otherPayload += 1
                    continue
                }
                received += 1
                if reception == nil { reception = ReceptionStatistics(ssrc: packet.ssrc, clockRate: 48_000) }
                reception?.record(sequence: packet.sequenceNumber, timestamp: packet.timestamp, arrival: Self.now())
                if let bridge {
                    bridge.receiveFromAgent(packet)
                    continue
                }
                if let pcm = try? decoder.decode(packet.payload) { recorded += pcm }
            case .rtcp(let compound):
                reportsReceived += RtcpReport.parseCompound(compound).count
            case .failed(let reason): emit("FAILED \(reason)")
            case .expired: emit("EXPIRED")
            }
        }
        for transmit in endpoint.pollTransmits() {
            guard let address = try? SocketAddress(ipAddress: transmit.destination.host, port: Int(transmit.destination.port)) else { continue }
            var buffer = channel.allocator.buffer(capacity: transmit.bytes.count)
            buffer.writeBytes(transmit.bytes)
            channel.write(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
        }
        channel.flush()
    }

    func finish() -> String {
        if let path = options.record {
            let data = recorded.withUnsafeBufferPointer { Data(buffer: $0) }
            try? data.write(to: URL(fileURLWithPath: path))
        }
        let srtp = session?.srtp
        return "DONE rx=\(received) tx=\(framesSent) samples=\(recorded.count) dropped=\(endpoint.droppedCount)"
            + " replayed=\(srtp?.replayedCount ?? 0) forged=\(srtp?.authenticationFailureCount ?? 0) other=\(otherPayload) carrier_rx=\(carrierReceived) bridged_tx=\(agentSent) bridge_refused=\(bridge?.carrierRefused ?? -1) bridge_to_agent=\(bridge?.framesToAgent ?? -1)"
            + " rtcp_tx=\(reportsSent) rtcp_rx=\(reportsReceived)"
    }
}
