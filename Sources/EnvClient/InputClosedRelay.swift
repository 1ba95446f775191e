import NIOCore

/// Holds back the "server closed its side" event until the WebSocket upgrade has delivered the
/// frames that came with it.
///
/// A server that rejects a session (CAPACITY_REACHED) sends its 101, its error, its close frame
/// and FIN in one go. If the EOF reaches the HTTP response decoder while it still holds the
/// frames that followed the 101, the frames are lost; if it reaches the end of the pipeline before
/// the async channel that reads frames is installed, the reader waits forever. Sitting in front
/// of the HTTP handlers, this relay replays the EOF only once the upgrade is complete.
final class InputClosedRelay: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private var isReleased = false
    private var heldInputClosed = false
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event, !isReleased {
            heldInputClosed = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Called once the upgrade has completed and replayed its buffered frames.
    func release() {
        isReleased = true
        if heldInputClosed {
            heldInputClosed = false
            context?.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
    }
}
