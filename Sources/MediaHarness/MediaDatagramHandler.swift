import Media
import NIOCore

/// Thin NIO handler: moves datagrams from the socket into the harness core (the logic lives in `Media`).
final class MediaDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let core: NIOLoopBoundBox<HarnessCore?>

    init(core: NIOLoopBoundBox<HarnessCore?>) {
        self.core = core
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let host = envelope.remoteAddress.ipAddress, let port = envelope.remoteAddress.port,
              let source = SocketAddressValue(host: host, port: UInt16(truncatingIfNeeded: port)) else { return }
        core.value?.receive(Array(envelope.data.readableBytesView), from: source)
    }
}
