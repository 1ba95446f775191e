import BenchResults
import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import LoadGen
import Testing

/// One hostile body for `POST /reset` or `POST /step` and the status it must get.
struct HostileBody: Sendable, CustomTestStringConvertible {
    let path: String
    let name: String
    let bytes: @Sendable () -> [UInt8]
    let status: Int

    var testDescription: String { "\(path) \(name) → \(status)" }

    init(_ path: String, _ name: String, _ status: Int, bytes: @escaping @Sendable () -> [UInt8]) {
        self.path = path
        self.name = name
        self.bytes = bytes
        self.status = status
    }

    init(_ path: String, _ name: String, text: @autoclosure @escaping @Sendable () -> String, _ status: Int) {
        self.init(path, name, status) { Array(text().utf8) }
    }

    static func step(_ name: String, action: String, _ status: Int) -> HostileBody {
        HostileBody("/step", name, text: #"{"action":\#(action)}"#, status)
    }

    static func reset(_ name: String, _ body: String, _ status: Int) -> HostileBody {
        HostileBody("/reset", name, text: body, status)
    }
}

extension HostileBody {
    static let all: [HostileBody] =
        ["/reset", "/step"].flatMap { path in
            [
                HostileBody(path, "non-UTF-8 bytes", 422) { [0x7B, 0xFF, 0xFE, 0x7D] },
                HostileBody(path, "10 MB body", 413) { Array(repeating: 0x20, count: 10 << 20) },
                HostileBody(path, "10,000-level nested arrays", text: nested(10_000), 422),
                // Found by the fuzzer: a 510-level array decoded, and its 422 echo trapped the encoder.
                HostileBody(path, "510-level nested arrays", text: nested(510), 422),
                HostileBody(path, "whitespace only", text: "  \n", 422),
                HostileBody(path, "a JSON array", text: "[{}]", 422),
                HostileBody(path, "NaN literal", text: #"{"action":{"wait_seconds":NaN},"seed":NaN}"#, 422),
                HostileBody(path, "trailing garbage", text: "{} {}", 422),
            ]
        } + [
            HostileBody("/step", "empty body", text: "", 422),
            HostileBody("/reset", "empty body", text: "", 200),
            HostileBody.step("wait_seconds 1e400", action: #"{"wait_seconds":1e400}"#, 422),
            HostileBody.step("wait_seconds 1e308", action: #"{"wait_seconds":1e308}"#, 422),
            HostileBody.step("wait_seconds -0", action: #"{"wait_seconds":-0}"#, 200),
            HostileBody.step(#"wait_seconds "1""#, action: #"{"wait_seconds":"1"}"#, 422),
            HostileBody.step("Infinity literal", action: #"{"wait_seconds":Infinity}"#, 422),
            HostileBody.step("duplicate action keys", action: #"{"wait_seconds":0,"wait_seconds":1}"#, 422),
            HostileBody.step("10,000 keys in the action", action: manyKeys(10_000), 422),
            HostileBody("/step", "timeout_s 1e308", text: #"{"action":{},"timeout_s":1e308}"#, 200),
            HostileBody("/step", "timeout_s -0", text: #"{"action":{},"timeout_s":-0}"#, 422),
            HostileBody.reset("seed 1e308", #"{"seed":1e308}"#, 422),
            HostileBody.reset("seed a 40-digit integer", #"{"seed":1234567890123456789012345678901234567890}"#, 422),
            HostileBody.reset("seed -0", #"{"seed":-0}"#, 200),
            HostileBody.reset("10,000 extra keys", manyKeys(10_000), 200),
            HostileBody.reset("duplicate seed keys", #"{"seed":1,"seed":2}"#, 422),
            HostileBody.reset("episode_id of 300 characters", #"{"episode_id":"\#(String(repeating: "e", count: 300))"}"#, 422),
        ]
}

/// The HTTP simulation endpoints under hostile bodies: each gets a FastAPI-style JSON answer
/// (`422 {"detail": [...]}`, `413`), never a crash, and the server keeps serving.
@Suite("Hostile HTTP bodies", .serialized, .timeLimit(.minutes(5)))
struct HTTPHostileInputTests {
    @Test("each hostile body gets its status and a JSON body, and the server keeps serving", arguments: HostileBody.all)
    func hostile(_ input: HostileBody) async throws {
        try await withTestServer { endpoint, _ in
            let reply = try await HTTPProbe.post(endpoint, input.path, bytes: input.bytes())
            #expect(reply.status == input.status, "\(reply.body.prefix(500))")
            #expect(reply.json != nil, "answer is JSON: \(reply.body.prefix(200))")
            if input.status == 422 {
                #expect(reply.json?["detail"]?.arrayValue?.isEmpty == false, "\(reply.body.prefix(500))")
            }
            try await expectServing(endpoint)
        }
    }
}
