/// One proxied WebSocket session as `record` sees it, as a value: the client's messages in,
/// the server's replies in, with the times the proxy saw them; out comes the session's
/// ``Trace/Session``. OpenEnv has one request in flight per session, so each reply answers the
/// oldest unanswered message; a reply with none waiting is counted as unsolicited.
package struct TraceSessionRecorder: Sendable {
    package private(set) var session: Trace.Session
    /// Indices of the messages still waiting for their reply, oldest first.
    private var waiting: [Int] = []

    /// - Parameter start: seconds from the recording's start to this session's.
    package init(id: Int, path: String, start: Double) {
        session = Trace.Session(id: id, path: path, start: start)
    }

    /// The client sent a message, `at` seconds after the recording's start. A close expects
    /// no reply.
    package mutating func sent(text: String?, bytes: Int, at: Double) {
        let message = Trace.Message(at: at - session.start, text: text, bytes: bytes)
        session.messages.append(message)
        if message.type != "close" { waiting.append(session.messages.count - 1) }
    }

    /// The server sent a message of `bytes`, `at` seconds after the recording's start.
    package mutating func replied(bytes: Int, at: Double) {
        guard !waiting.isEmpty else {
            session.unsolicited += 1
            return
        }
        let index = waiting.removeFirst()
        session.messages[index].replyBytes = bytes
        session.messages[index].latency = at - session.start - session.messages[index].at
    }

    /// The session ended `at` seconds after the recording's start.
    package mutating func ended(at: Double) {
        session.duration = at - session.start
    }
}
