import Media
import NIOCore

/// Thin NIO handler: moves datagrams from the socket into the harness core (the logic lives in `Media`).
final class MediaDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let core: NIOLoopBoundBox<HarnessCore?>
    private let isCarrier: Bool

    init(core: NIOLoopBoundBox<HarnessCore?>, isCarrier: Bool = false) {
        self.core = core
        self.isCarrier = isCarrier
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let host = envelope.remoteAddress.ipAddress, let port = envelope.remoteAddress.port,
              let source = SocketAddressValue(host: host, port: UInt16(truncatingIfNeeded: port)) else { return }
        let bytes = Array(envelope.data.readableBytesView)
        if isCarrier {
            core.value?.receiveCarrier(bytes, from: envelope.remoteAddress)
        } else {
            core.value?.receive(bytes, from: source)
        }
    }
}
