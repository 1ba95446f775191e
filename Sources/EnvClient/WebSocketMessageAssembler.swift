import NIOCore
import NIOWebSocket

/// Joins a message's data frames (text or binary, then continuations) into one event; both
/// client paths (``WebSocketConnection`` and the event codec the load generator's handlers
/// use) read messages through it, so they cannot disagree on what a message is.
struct WebSocketMessageAssembler {
    private var fragments: (opcode: WebSocketOpcode, data: ByteBuffer)?

    /// Adds a text, binary or continuation frame; returns the message when `frame` ends it.
    mutating func add(_ frame: WebSocketFrame) -> WebSocketEvent? {
        var data = frame.unmaskedData
        if var partial = fragments {
            partial.data.writeBuffer(&data)
            fragments = partial
        } else {
            fragments = (frame.opcode, data)
        }
        guard frame.fin, let message = fragments else { return nil }
        fragments = nil
        return message.opcode == .binary ? .binary(Array(buffer: message.data)) : .text(String(buffer: message.data))
    }
}
