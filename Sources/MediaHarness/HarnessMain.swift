import Foundation
import Media
import NIOCore
import NIOPosix

/// Test harness for the interop tests: one media session on a NIO UDP socket, SDP exchanged over stdin/stdout.
///
/// Protocol: prints `PORT <n>`; in `answer` mode reads an offer (lines up to `END`) and prints
/// `ANSWER`, the SDP, `END`; in `offer` mode prints `OFFER`, the SDP, `END` and reads the answer.
/// Then prints events (`SELECTED`, `CONNECTED <profile>`, `FAILED <reason>`, `EXPIRED`) and, after
/// `--duration` seconds, `DONE rx=<packets> tx=<packets>` and exits, writing decoded audio to `--record`.
@main
struct HarnessMain {
    static func main() async throws {
        let options = try HarnessOptions(arguments: Array(CommandLine.arguments.dropFirst()))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let box = NIOLoopBoundBox.makeEmptyBox(valueType: HarnessCore.self, eventLoop: loop)
        let channel = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MediaDatagramHandler(core: box))
                }
            }
            .bind(host: options.bindHost, port: options.port).get()
        guard let port = channel.localAddress?.port else { throw HarnessError.usage("socket has no port") }
        var carrierChannel: Channel?
        if options.carrier != nil {
            carrierChannel = try await DatagramBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(MediaDatagramHandler(core: box, isCarrier: true))
                    }
                }
                .bind(host: options.bindHost, port: 0).get()
        }
        let candidates = options.advertise.compactMap { SocketAddressValue(host: $0, port: UInt16(port)) }
        try await loop.submit {
            box.value = try HarnessCore(options: options, candidates: candidates, channel: channel, carrierChannel: carrierChannel)
        }.get()
        emit("PORT \(port)")
        if let carrierPort = carrierChannel?.localAddress?.port { emit("RTP_PORT \(carrierPort)") }

        switch options.mode {
        case .answer:
            let offer = readSDP()
            let answer = try await loop.submit { try box.value?.answer(offer) ?? "" }.get()
            emit("ANSWER\n" + answer.replacingOccurrences(of: "\r\n", with: "\n") + "END")
        case .offer:
            let offer = try await loop.submit { box.value?.offer() ?? "" }.get()
            emit("OFFER\n" + offer.replacingOccurrences(of: "\r\n", with: "\n") + "END")
            let answer = readSDP()
            try await loop.submit { try box.value?.acceptAnswer(answer) }.get()
        }

        let ticker = loop.scheduleRepeatedTask(initialDelay: .milliseconds(5), delay: .milliseconds(5)) { _ in
            box.value?.tick()
        }
        try await Task.sleep(for: .seconds(options.duration))
        ticker.cancel()
        let summary = try await loop.submit { box.value?.finish() ?? "" }.get()
        emit(summary)
        try await channel.close()
        try await carrierChannel?.close()
        try await group.shutdownGracefully()
    }

    static func readSDP() -> String {
        var lines: [String] = []
        while let line = readLine(), line != "END" { lines.append(line) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// Prints one protocol line and flushes.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

enum HarnessError: Error {
    case usage(String)
}
