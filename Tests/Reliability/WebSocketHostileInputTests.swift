import BenchResults
import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import LoadGen
import NIOCore
import NIOWebSocket
import Testing

/// What a hostile frame must get from the server.
enum HostileOutcome: Sendable, Equatable {
    /// An error reply with this code, and the session stays open.
    case error(ErrorCode)
    /// An observation (the input was odd but valid), and the session stays open.
    case observation
    /// The server ends the session with this RFC 6455 close code.
    case close(UInt16)
}

/// One hostile WebSocket input: the frames a client sends and what the server must answer.
struct HostileFrames: Sendable, CustomTestStringConvertible {
    let name: String
    let frames: @Sendable () -> [WebSocketFrame]
    let outcome: HostileOutcome

    var testDescription: String { name }

    init(_ name: String, _ outcome: HostileOutcome, frames: @escaping @Sendable () -> [WebSocketFrame]) {
        self.name = name
        self.frames = frames
        self.outcome = outcome
    }

    /// A single text frame carrying `text`.
    init(_ name: String, text: @autoclosure @escaping @Sendable () -> String, _ outcome: HostileOutcome) {
        self.init(name, outcome) { [frame(.text, Array(text().utf8))] }
    }

    static func step(_ name: String, action: String, _ outcome: HostileOutcome) -> HostileFrames {
        HostileFrames(name, text: #"{"type":"step","data":\#(action)}"#, outcome)
    }
}

extension HostileFrames {
    static let tenMegabytes = 10 << 20

    static let all: [HostileFrames] = [
        // Not JSON at all.
        HostileFrames("empty text frame", text: "", .error(.invalidJSON)),
        HostileFrames("whitespace only", text: " \n\t ", .error(.invalidJSON)),
        HostileFrames("truncated object", text: #"{"type":"reset""#, .error(.invalidJSON)),
        HostileFrames("trailing garbage", text: #"{"type":"state"} x"#, .error(.invalidJSON)),
        HostileFrames("NUL byte", text: "\u{0}", .error(.invalidJSON)),
        HostileFrames.step("NaN literal", action: #"{"wait_seconds":NaN}"#, .error(.invalidJSON)),
        HostileFrames.step("Infinity literal", action: #"{"wait_seconds":Infinity}"#, .error(.invalidJSON)),
        HostileFrames.step("-Infinity literal", action: #"{"wait_seconds":-Infinity}"#, .error(.invalidJSON)),
        // Found by the fuzzer: deep input echoed in an error reply could not be encoded (a trap).
        HostileFrames("510-level nested arrays as the action", text: #"{"type":"step","data":\#(nested(510))}"#, .error(.invalidJSON)),
        HostileFrames("129-level nesting", text: #"{"type":"step","data":{"metadata":\#(nestedObjects(126))}}"#, .error(.invalidJSON)),
        HostileFrames("128-level nesting", text: #"{"type":"step","data":{"metadata":\#(nestedObjects(125))}}"#, .observation),
        HostileFrames("10,000-level nested arrays", text: #"{"type":"step","data":\#(nested(10_000))}"#, .error(.invalidJSON)),
        HostileFrames(
            "10,000-level nested objects",
            text: #"{"type":"step","data":"# + String(repeating: #"{"a":"#, count: 10_000) + "0"
                + String(repeating: "}", count: 10_001),
            .error(.invalidJSON)
        ),
        // Numbers at and beyond the edges of a Double.
        HostileFrames.step("wait_seconds 1e400 (overflows a Double)", action: #"{"wait_seconds":1e400}"#, .error(.invalidJSON)),
        HostileFrames.step("wait_seconds 1e308", action: #"{"wait_seconds":1e308}"#, .error(.validationError)),
        HostileFrames.step(
            "wait_seconds a 40-digit integer",
            action: #"{"wait_seconds":1234567890123456789012345678901234567890}"#,
            .error(.validationError)
        ),
        HostileFrames.step("wait_seconds 1e-400 (underflows to 0)", action: #"{"wait_seconds":1e-400}"#, .observation),
        HostileFrames.step("wait_seconds -0", action: #"{"wait_seconds":-0}"#, .observation),
        HostileFrames.step("wait_seconds -0.0", action: #"{"wait_seconds":-0.0}"#, .observation),
        HostileFrames.step(#"wait_seconds "1""#, action: #"{"wait_seconds":"1"}"#, .error(.validationError)),
        HostileFrames.step("wait_seconds true", action: #"{"wait_seconds":true}"#, .error(.validationError)),
        HostileFrames.step("wait_seconds null", action: #"{"wait_seconds":null}"#, .error(.validationError)),
        HostileFrames.step("wait_seconds -1e308", action: #"{"wait_seconds":-1e308}"#, .error(.validationError)),
        // Shapes a decoder may trip on.
        HostileFrames("duplicate type keys", text: #"{"type":"state","type":"bogus"}"#, .error(.invalidJSON)),
        HostileFrames.step("duplicate action keys", action: #"{"wait_seconds":0,"wait_seconds":1}"#, .error(.invalidJSON)),
        HostileFrames.step("10,000 keys in the action", action: manyKeys(10_000), .error(.validationError)),
        HostileFrames("10,000 top-level keys", text: String(manyKeys(10_000).dropLast()) + #","type":"state"}"#, .error(.validationError)),
        HostileFrames("a JSON array", text: "[1,2,3]", .error(.validationError)),
        HostileFrames("type is a huge number", text: #"{"type":1e300}"#, .error(.unknownType)),
        HostileFrames("type is an object", text: #"{"type":{"type":"reset"}}"#, .error(.unknownType)),
        HostileFrames.step("lone surrogate escape", action: #"{"\ud800":1}"#, .error(.invalidJSON)),
        HostileFrames("duplicate keys spelled differently", text: #"{"type":"state","t\u0079pe":"reset"}"#, .error(.invalidJSON)),
        HostileFrames.step("same key in two objects", action: #"{"metadata":{"a":1,"b":{"a":2}}}"#, .observation),
        HostileFrames.step("900 KB key", action: #"{"\#(String(repeating: "k", count: 900_000))":1}"#, .error(.validationError)),
        HostileFrames("mcp echoing a huge id", text: #"{"type":"mcp","data":{"jsonrpc":"2.0","id":1e300,"method":"x"}}"#, .observation),
        // Frame-level hostility.
        HostileFrames("binary frame", .error(.invalidJSON)) { [frame(.binary, Array(#"{"type":"reset"}"#.utf8))] },
        HostileFrames("empty binary frame", .error(.invalidJSON)) { [frame(.binary, [])] },
        HostileFrames("non-UTF-8 text", .close(1007)) { [frame(.text, [0x7B, 0xFF, 0xFE, 0x7D])] },
        HostileFrames("UTF-8-encoded surrogate", .close(1007)) { [frame(.text, [0x22, 0xED, 0xA0, 0x80, 0x22])] },
        HostileFrames("10 MB text frame", .close(1009)) { [frame(.text, Array(repeating: 0x20, count: tenMegabytes))] },
        HostileFrames("10 MB binary frame", .close(1009)) { [frame(.binary, Array(repeating: 0, count: tenMegabytes))] },
        HostileFrames("2 MB message in 2,000 fragments", .close(1009)) {
            [frame(.text, Array(repeating: 0x20, count: 1024), fin: false)]
                + (1..<2000).map { frame(.continuation, Array(repeating: 0x20, count: 1024), fin: $0 == 1999) }
        },
        HostileFrames("reset in 3 fragments", .observation) {
            [
                frame(.text, Array(#"{"type":"#.utf8), fin: false), frame(.continuation, Array(#""reset","#.utf8), fin: false),
                frame(.continuation, Array(#""data":{}}"#.utf8)),
            ]
        },
        HostileFrames("multi-byte character split across fragments", .observation) {
            let text = Array(#"{"type":"reset","data":{"note":"é"}}"#.utf8)
            let split = text.firstIndex(of: 0xC3)! + 1
            return [frame(.text, Array(text[..<split]), fin: false), frame(.continuation, Array(text[split...]))]
        },
        HostileFrames("continuation without a first fragment", .close(1002)) { [frame(.continuation, Array("{}".utf8))] },
        HostileFrames("text frame inside a fragmented message", .close(1002)) {
            [frame(.text, Array("{".utf8), fin: false), frame(.text, Array("}".utf8))]
        },
        HostileFrames("reserved opcode 0x3", .close(1002)) { [frame(WebSocketOpcode(encodedWebSocketOpcode: 0x3)!, [])] },
        HostileFrames("ping with a 200-byte payload", .close(1002)) { [frame(.ping, Array(repeating: 1, count: 200))] },
        HostileFrames("fragmented ping", .close(1002)) { [frame(.ping, [1], fin: false)] },
        HostileFrames("close with code 999", .close(1002)) {
            [frame(.connectionClose, [0x03, 0xE7])]
        },
        HostileFrames("close with a 1-byte payload", .close(1002)) { [frame(.connectionClose, [0x03])] },
    ]
}

/// PROTOCOL.md §3 and RFC 6455 under hostile frames: each input gets a structured error reply
/// (session kept) or the right close code, and the server keeps serving other sessions.
@Suite("Hostile WebSocket input", .serialized, .timeLimit(.minutes(5)))
struct WebSocketHostileInputTests {
    @Test("each hostile frame gets its answer and the server keeps serving", arguments: HostileFrames.all)
    func hostile(_ input: HostileFrames) async throws {
        try await withTestServer(ServerConfiguration(maxConcurrentEnvs: 4)) { endpoint, server in
            try await withSession(endpoint) { session in
                for frame in input.frames() {
                    do {
                        try await session.send(frame)
                    } catch {
                        // The server may close mid-input, once it has seen enough (a message over
                        // the limit): sending then fails, and its close frame is still read below.
                        guard case .close = input.outcome else { throw error }
                        break
                    }
                }
                switch input.outcome {
                case .error(let code):
                    let reply = try await session.nextJSON()
                    #expect(reply["type"] == "error", "\(reply)")
                    #expect(reply.errorCode == code.rawValue, "\(String(describing: reply).prefix(500))")
                    #expect(reply["data"]?["message"]?.stringValue != nil)
                    try await session.expectAlive()
                case .observation:
                    let reply = try await session.nextJSON()
                    #expect(["observation", "mcp"].contains(reply["type"]?.stringValue), "\(reply)")
                    try await session.expectAlive()
                case .close(let code):
                    #expect(try await session.closeCode() == code)
                }
            }
            try await expectServing(endpoint)
            // The slot of the hostile session is given back.
            try await waitUntil { server.slots.activeCount == 0 }
        }
    }

    @Test("-0 and tiny waits report a wait of 0")
    func negativeZero() async throws {
        try await withTestServer { endpoint, _ in
            try await withSession(endpoint) { session in
                for wait in ["-0", "-0.0", "1e-400"] {
                    let reply = try await session.request(#"{"type":"step","data":{"wait_seconds":\#(wait)}}"#)
                    #expect(reply["data"]?["observation"]?["waited_seconds"]?.numberValue == 0, "\(reply)")
                }
            }
        }
    }

    @Test("10,000 unknown action keys: the first 100 are reported and the rest counted, so the reply stays smaller than the message")
    func manyKeyIssues() async throws {
        try await withTestServer { endpoint, _ in
            try await withSession(endpoint) { session in
                let message = #"{"type":"step","data":\#(manyKeys(10_000))}"#
                try await session.send(text: message)
                guard case .text(let text) = try await session.receive() else {
                    Issue.record("expected a text reply")
                    return
                }
                let reply = try JSONCoding.parse(text)
                #expect(reply["data"]?["errors"]?.arrayValue?.count == ValidationFailure.reportedLimit)
                #expect(reply["data"]?["message"]?.stringValue?.hasSuffix("and 9900 more issues") == true, "\(reply)")
                #expect(text.utf8.count < message.utf8.count, "a \(message.utf8.count)-byte message got a \(text.utf8.count)-byte reply")
            }
        }
    }
}
