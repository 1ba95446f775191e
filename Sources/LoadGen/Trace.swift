import EnvProtocol
import Foundation

/// A recorded run's traffic (`openenv-bench record`), one JSON document per line: a header
/// naming the format and its version, then one line per WebSocket session as it ended and one
/// per plain HTTP request. A session keeps its start (seconds from the recording's start) and
/// every message the client sent, at its offset from the session's start, with the reply's
/// size and latency. No header, cookie or query string is ever written: only what a replay
/// needs, so a trace can be shared. docs/TRACE.md describes the format.
public enum Trace {
    /// The `format` of the header line.
    public static let format = "openenv-trace"
    /// The version this build writes and reads; a reader refuses another.
    public static let version = 1

    /// The first line.
    public struct Header: Codable, Sendable, Equatable {
        public var format = Trace.format
        public var version = Trace.version
        /// The server the traffic went to (scheme, host and port only).
        public var upstream: String
        /// When the recording started (ISO 8601, UTC).
        public var recordedAt: String
        public var tool: String

        public init(upstream: String, recordedAt: String, tool: String) {
            self.upstream = upstream
            self.recordedAt = recordedAt
            self.tool = tool
        }

        enum CodingKeys: String, CodingKey {
            case format, version, upstream, tool
            case recordedAt = "recorded_at"
        }
    }

    /// One message the client sent on a session, and the server's reply to it.
    public struct Message: Codable, Sendable, Equatable {
        /// Seconds from the session's start to the message.
        public var at: Double
        /// The message as sent; `nil` for a binary message (only its size is kept).
        public var text: String?
        public var bytes: Int
        /// The reply's size, and seconds from the message to it; `nil` when none came (a close).
        public var replyBytes: Int?
        public var latency: Double?

        public init(at: Double, text: String?, bytes: Int, replyBytes: Int? = nil, latency: Double? = nil) {
            self.at = at
            self.text = text
            self.bytes = bytes
            self.replyBytes = replyBytes
            self.latency = latency
        }

        /// The message's `type` (`reset`, `step`, `mcp`, `state`, `close`, …); `nil` if none.
        public var type: String? {
            text.flatMap { try? JSONCoding.parse($0) }?["type"]?.stringValue
        }

        enum CodingKeys: String, CodingKey {
            case at, text, bytes, latency
            case replyBytes = "reply_bytes"
        }
    }

    /// One WebSocket session.
    public struct Session: Codable, Sendable, Equatable {
        public var kind = "session"
        /// The recording's count of sessions when this one started (0-based).
        public var id: Int
        /// The upgrade's path, without its query.
        public var path: String
        /// Seconds from the recording's start to the session's (its upgrade).
        public var start: Double
        /// Seconds from the session's start to its end.
        public var duration: Double
        public var messages: [Message]
        /// Messages from the server that answered no message (pushed, or after a close).
        public var unsolicited: Int

        public init(id: Int, path: String, start: Double, duration: Double = 0, messages: [Message] = [], unsolicited: Int = 0) {
            self.id = id
            self.path = path
            self.start = start
            self.duration = duration
            self.messages = messages
            self.unsolicited = unsolicited
        }
    }

    /// One plain HTTP request (`/health`, `/schema`, HTTP-mode `/reset`…): kept for the record;
    /// a replay sends WebSocket sessions only.
    public struct Request: Codable, Sendable, Equatable {
        public var kind = "http"
        public var method: String
        /// The path, without its query.
        public var path: String
        public var start: Double
        public var bytes: Int
        public var status: Int
        public var replyBytes: Int
        public var latency: Double

        public init(method: String, path: String, start: Double, bytes: Int, status: Int, replyBytes: Int, latency: Double) {
            self.method = method
            self.path = path
            self.start = start
            self.bytes = bytes
            self.status = status
            self.replyBytes = replyBytes
            self.latency = latency
        }

        enum CodingKeys: String, CodingKey {
            case kind, method, path, start, bytes, status, latency
            case replyBytes = "reply_bytes"
        }
    }

    /// A whole trace, read back.
    public struct Document: Sendable, Equatable {
        public var header: Header
        /// In start order.
        public var sessions: [Session]
        public var requests: [Request]

        /// Parses a trace file's text.
        ///
        /// - Throws: ``TraceError`` naming the line that is not a trace line, or a header of
        ///   another format or version.
        public init(parsing text: String) throws(TraceError) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            guard let first = lines.first else { throw TraceError(line: 1, reason: "empty: no header line") }
            let header: Header = try Trace.decode(first, line: 1)
            guard header.format == Trace.format, header.version == Trace.version else {
                throw TraceError(
                    line: 1,
                    reason: "format \(header.format) version \(header.version); this build reads \(Trace.format) version \(Trace.version)"
                )
            }
            var sessions: [Session] = []
            var requests: [Request] = []
            for (index, line) in lines.enumerated().dropFirst() {
                let kind: Kind = try Trace.decode(line, line: index + 1)
                switch kind.kind {
                case "session": sessions.append(try Trace.decode(line, line: index + 1))
                case "http": requests.append(try Trace.decode(line, line: index + 1))
                default: throw TraceError(line: index + 1, reason: "unknown kind '\(kind.kind)' (session, http)")
                }
            }
            self.header = header
            self.sessions = sessions.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
            self.requests = requests
        }
    }

    /// One line of a trace file (no newline).
    public static func line(_ value: some Encodable) -> String {
        JSONCoding.encodeString(value)
    }

    private struct Kind: Decodable {
        var kind: String
    }

    private static func decode<Value: Decodable>(_ text: Substring, line: Int) throws(TraceError) -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        } catch {
            throw TraceError(line: line, reason: "not a trace line (\(error)): \(text.prefix(200))")
        }
    }
}

/// A trace file that cannot be read.
public struct TraceError: Error, Sendable, CustomStringConvertible {
    /// The line (1-based); 0 when the file itself could not be read.
    public let line: Int
    public let reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { line > 0 ? "trace line \(line): \(reason)" : "trace: \(reason)" }
}
