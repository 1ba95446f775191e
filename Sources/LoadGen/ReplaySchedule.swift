import EnvProtocol
package import NIOCore

/// What `run --profile replay` sends and when: each recorded WebSocket session of a
/// ``Trace``, `scale` times, starting at its recorded start ÷ `speed`, its messages encoded
/// once, as recorded. The think gaps are kept: a message is due its recorded gap ÷ `speed`
/// after the reply to the one before it, as the trainer sent it once it had thought about that
/// reply; a session's first message (and one after a message that had no reply) is due at its
/// recorded offset from the session's start ÷ `speed`. The run starts with the first
/// session: the proxy's wait for the client to connect is not replayed. Session `i` of the run
/// (its request id) replays `sessions[i]`; they are in start order, as a run starts them.
public struct ReplaySchedule: Sendable, Equatable {
    /// How a message is judged and counted.
    package enum Kind: Sendable, Equatable {
        /// Answered by an observation; starts an episode.
        case reset
        /// A step, answered by an observation.
        case step
        /// An MCP message (`tools/call`…), answered by a JSON-RPC result; counted as a step.
        case tool
        /// Anything else (`state`…): any reply that is not an error; not a step.
        case other
        /// The polite close: the session ends.
        case close

        init(type: String?) {
            switch type {
            case "reset": self = .reset
            case "step": self = .step
            case "mcp": self = .tool
            case "close": self = .close
            default: self = .other
            }
        }

        var isStep: Bool { self == .step || self == .tool }
    }

    package struct Message: Sendable, Equatable {
        package var kind: Kind
        /// When it is due, from the session's (scheduled) start, if the message before it had
        /// no reply.
        package var offset: TimeAmount
        /// When it is due, from the reply to the message before it (the think gap).
        package var gap: TimeAmount?
        package var bytes: ByteBuffer
    }

    package struct Session: Sendable, Equatable {
        /// Seconds from the run's start.
        package var start: Double
        package var messages: [Message]

        /// Whether the step at `index` is the first of its episode.
        func startsEpisode(_ index: Int) -> Bool {
            for message in messages[..<index].reversed() {
                if message.kind.isStep { return false }
                if message.kind == .reset { return true }
            }
            return true
        }

        /// Whether the step at `index` is the last of its episode (no step follows before the
        /// next reset or the close).
        func endsEpisode(_ index: Int) -> Bool {
            for message in messages[(index + 1)...] {
                if message.kind.isStep { return false }
                if message.kind == .reset || message.kind == .close { return true }
            }
            return true
        }
    }

    package let sessions: [Session]
    /// Sessions in the trace (before scaling) and binary messages left out.
    public let recordedSessions: Int
    public let skippedBinaryMessages: Int

    /// - Parameters:
    ///   - speed: time compression: 2 replays twice as fast (> 0).
    ///   - scale: each recorded session this many times (≥ 1).
    public init(_ trace: Trace.Document, speed: Double = 1, scale: Int = 1) {
        precondition(speed > 0 && scale >= 1, "a replay needs speed > 0 and scale ≥ 1")
        var skipped = 0
        var sessions: [Session] = []
        let first = trace.sessions.map(\.start).min() ?? 0
        for recorded in trace.sessions {
            let messages = recorded.messages.indices.compactMap { index -> Message? in
                let message = recorded.messages[index]
                guard let text = message.text else {
                    skipped += 1
                    return nil
                }
                // The reply to a message not replayed (binary) is no time to count from.
                let before = index > 0 ? recorded.messages[index - 1] : nil
                let replied = before.flatMap { before in before.text == nil ? nil : before.latency.map { before.at + $0 } }
                return Message(
                    kind: Kind(type: message.type),
                    offset: Self.time(message.at / speed),
                    gap: replied.map { Self.time((message.at - $0) / speed) },
                    bytes: ByteBuffer(string: text)
                )
            }
            let session = Session(start: (recorded.start - first) / speed, messages: messages)
            sessions.append(contentsOf: repeatElement(session, count: scale))
        }
        self.sessions = sessions
        recordedSessions = trace.sessions.count
        skippedBinaryMessages = skipped
    }

    private static func time(_ seconds: Double) -> TimeAmount {
        .nanoseconds(Int64((min(max(0, seconds), 86_400) * 1e9).rounded()))
    }

    /// Sessions the run starts: recorded sessions × scale.
    public var count: Int { sessions.count }

    /// Steps the run sends (recorded steps × scale).
    public var steps: Int { sessions.map { $0.messages.count { $0.kind.isStep } }.reduce(0, +) }
}
