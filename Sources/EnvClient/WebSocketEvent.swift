/// What a client sees arrive on a WebSocket, one complete message or control event at a time.
public enum WebSocketEvent: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
    case pong([UInt8])
    /// The server closed; `code` is absent when its close frame carried none.
    case close(code: UInt16?, reason: String)
}
