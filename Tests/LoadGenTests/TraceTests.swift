import EnvProtocol
import LoadGen
import NIOCore
import Testing

/// The trace `record` writes and `run --profile replay` reads: its lines, how the proxy pairs
/// messages with replies, and the replay's schedule under --speed and --scale.
@Suite("Trace and replay schedule")
struct TraceTests {
    static let header = Trace.Header(upstream: "http://127.0.0.1:1", recordedAt: "2026-12-05T00:00:00Z", tool: "test")

    static func message(_ type: String, at: Double, latency: Double? = 0.01) -> Trace.Message {
        let text = #"{"type":"\#(type)","data":{}}"#
        return Trace.Message(at: at, text: text, bytes: text.utf8.count, replyBytes: latency == nil ? nil : 40, latency: latency)
    }

    static func document(_ sessions: [Trace.Session], requests: [Trace.Request] = []) throws -> Trace.Document {
        let lines = [Trace.line(header)] + sessions.map(Trace.line) + requests.map(Trace.line)
        return try Trace.Document(parsing: lines.joined(separator: "\n") + "\n")
    }

    @Test("a trace reads back as written: header, sessions in start order, requests")
    func roundTrip() throws {
        let late = Trace.Session(id: 1, path: "/ws", start: 2, duration: 1, messages: [Self.message("reset", at: 0.1)])
        let messages = [Self.message("step", at: 0.2), Self.message("close", at: 0.5, latency: nil)]
        let early = Trace.Session(id: 0, path: "/ws", start: 1, duration: 3, messages: messages)
        let request = Trace.Request(method: "GET", path: "/health", start: 0.5, bytes: 0, status: 200, replyBytes: 20, latency: 0.001)
        let document = try Self.document([late, early], requests: [request])
        #expect(document.header == Self.header)
        #expect(document.sessions == [early, late])
        #expect(document.requests == [request])
        #expect(document.sessions[0].messages.map(\.type) == ["step", "close"])
    }

    @Test(
        "a file that is not a trace of this version is refused, naming the line",
        arguments: [
            ("", 1),
            (#"{"format":"openenv-trace","version":2,"upstream":"u","recorded_at":"t","tool":"x"}"#, 1),
            (#"{"format":"har","version":1,"upstream":"u","recorded_at":"t","tool":"x"}"#, 1),
            (Trace.line(TraceTests.header) + "\nnot json", 2),
            (Trace.line(TraceTests.header) + "\n" + #"{"kind":"frame"}"#, 2),
            (Trace.line(TraceTests.header) + "\n" + #"{"kind":"session","id":0}"#, 2),
        ]
    )
    func refused(text: String, line: Int) {
        #expect {
            try Trace.Document(parsing: text)
        } throws: { error in
            (error as? TraceError)?.line == line
        }
    }

    @Test("the proxy's view: each reply answers the oldest message; a close waits for none; a stray reply is counted")
    func recorder() {
        var recorder = TraceSessionRecorder(id: 4, path: "/ws", start: 10)
        recorder.sent(text: #"{"type":"reset"}"#, bytes: 16, at: 10.5)
        recorder.replied(bytes: 100, at: 10.75)
        recorder.sent(text: #"{"type":"step"}"#, bytes: 15, at: 11)
        recorder.sent(text: #"{"type":"close"}"#, bytes: 16, at: 11.25)
        recorder.replied(bytes: 120, at: 11.5)
        recorder.replied(bytes: 7, at: 11.75)
        recorder.ended(at: 12)
        let session = recorder.session
        #expect(session.messages.map(\.at) == [0.5, 1, 1.25])
        #expect(session.messages.map(\.replyBytes) == [100, 120, nil])
        #expect(session.messages.map(\.latency) == [0.25, 0.5, nil])
        #expect(session.unsolicited == 1 && session.duration == 2 && session.id == 4)
    }

    @Test("--speed divides starts, offsets and think gaps; --scale starts each session K times; the run starts with the first session")
    func schedule() throws {
        let first = Trace.Session(
            id: 0,
            path: "/ws",
            start: 3,
            messages: [
                Self.message("reset", at: 0.2, latency: 0.1),
                Self.message("step", at: 0.5, latency: 0.2),
                Self.message("state", at: 1.0, latency: 0.1),
                Self.message("close", at: 1.3, latency: nil),
            ]
        )
        var binary = Self.message("step", at: 0.1)
        binary.text = nil
        let second = Trace.Session(id: 1, path: "/ws", start: 5, messages: [binary, Self.message("reset", at: 0.3)])
        let schedule = ReplaySchedule(try Self.document([second, first]), speed: 2, scale: 3)
        #expect(schedule.count == 6 && schedule.recordedSessions == 2 && schedule.skippedBinaryMessages == 1)
        #expect(schedule.sessions.map(\.start) == [0, 0, 0, 1, 1, 1])
        #expect(schedule.steps == 3, "one step per copy of the first session; state is no step")
        let messages = schedule.sessions[0].messages
        #expect(messages.map(\.kind) == [.reset, .step, .other, .close])
        #expect(messages.map(\.offset) == [.milliseconds(100), .milliseconds(250), .milliseconds(500), .milliseconds(650)])
        // Gaps: from the reply before (at + latency) to the message, halved.
        #expect(messages.map(\.gap) == [nil, .milliseconds(100), .milliseconds(150), .milliseconds(100)])
        #expect(schedule.sessions[3].messages.map(\.gap) == [nil], "the message after a skipped one is due at its offset")
        #expect(String(buffer: messages[1].bytes) == #"{"type":"step","data":{}}"#)
    }
}
