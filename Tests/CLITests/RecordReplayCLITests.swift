import BenchResults
import EnvClient
import EnvProtocol
import EnvTesting
import Foundation
import HTTPTypes
import HummingbirdWSClient
import LoadGen
import Logging
import Synchronization
import Testing

/// `openenv-bench record` and `run --profile replay` as a user runs them: the built binary
/// proxies sessions to our server and writes their trace, then replays it against the server.
@Suite("openenv-bench record and replay", .serialized, .timeLimit(.minutes(3)))
struct RecordReplayCLITests {
    static let secret = "s3cr3t-token-never-written"

    /// Sends `messages` over one WebSocket through `proxy` with secrets in its upgrade headers,
    /// a think time before each, then closes; returns the replies' sizes.
    func session(_ proxy: ServerEndpoint, _ messages: [String]) async throws -> [Int] {
        let sizes = Sizes()
        try await WebSocketClient.connect(
            url: proxy.webSocketURL,
            configuration: .init(additionalHeaders: [.authorization: "Bearer \(Self.secret)", .cookie: "session=\(Self.secret)"]),
            logger: Logger(label: "record-test")
        ) { inbound, outbound, _ in
            var replies = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            for message in messages {
                try await Task.sleep(for: .milliseconds(20))
                try await outbound.write(.text(message))
                guard case .text(let reply) = try await replies.next() else { throw CancellationError() }
                sizes.append(reply.utf8.count)
            }
            try await outbound.write(.text(#"{"type":"close"}"#))
        }
        return sizes.values
    }

    @Test(
        "record: the trace holds each session's messages with monotonic offsets and the replies' sizes, and no secret; replay: the same sessions and steps, each --scale times"
    )
    func recordAndReplay() async throws {
        try await withTestServer { endpoint, _ in
            let directory = temporaryDirectory()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let trace = directory.appendingPathComponent("trace.jsonl")
            let recorder = try LaunchedProcess(
                "openenv-bench",
                ["record", "--upstream", endpoint.httpURL, "--listen", "127.0.0.1:0", "-o", trace.path]
            )
            let ready = try await recorder.readyLines(1)[0]
            #expect(ready.port > 0 && ready.host == "127.0.0.1")
            let proxy = try ServerEndpoint(parsing: ready.url)
            let step = #"{"type":"step","data":{"wait_seconds":0.01}}"#
            let sessions = [
                [#"{"type":"reset","data":{}}"#, step, step, #"{"type":"reset","data":{}}"#, step],
                [#"{"type":"reset","data":{}}"#, step, #"{"type":"state"}"#],
            ]
            var replySizes: [[Int]] = []
            for messages in sessions { replySizes.append(try await session(proxy, messages)) }
            let health = try await HTTPProbe.get(proxy, "/health?api_key=\(Self.secret)")
            #expect(health.status == 200, "HTTP requests pass through: \(health.body)")
            recorder.send(SIGINT)
            #expect(try await recorder.waitForExit(within: .seconds(20)) == 0, "\(recorder.output)")

            let text = try String(contentsOf: trace, encoding: .utf8)
            #expect(!text.contains(Self.secret), "no header or query value is written")
            let document = try Trace.Document(parsing: text)
            #expect(document.header.upstream == endpoint.httpURL && document.header.version == Trace.version)
            try #require(document.sessions.count == 2, "\(text)")
            #expect(document.sessions[0].start < document.sessions[1].start)
            for (recorded, (sent, sizes)) in zip(document.sessions, zip(sessions, replySizes)) {
                #expect(recorded.path == "/ws")
                #expect(recorded.messages.compactMap(\.text) == sent + [#"{"type":"close"}"#])
                #expect(recorded.messages.map(\.bytes) == (sent + [#"{"type":"close"}"#]).map(\.utf8.count))
                #expect(recorded.messages.dropLast().compactMap(\.replyBytes) == sizes, "every reply's size")
                #expect(recorded.messages.last?.replyBytes == nil, "a close is not answered")
                let offsets = recorded.messages.map(\.at)
                #expect(offsets.first ?? -1 >= 0 && zip(offsets, offsets.dropFirst()).allSatisfy { $0 < $1 }, "\(offsets)")
                #expect(recorded.messages.dropLast().allSatisfy { ($0.latency ?? 0) > 0 })
                #expect(recorded.duration >= offsets.last ?? 0)
            }
            #expect(document.requests.map(\.path) == ["/health"] && document.requests.first?.status == 200)

            let replay = try await ProfileCLITests().profile(["--url", endpoint.httpURL, "--profile", "replay", "--replay", trace.path])
            defer { try? FileManager.default.removeItem(at: replay.directory) }
            #expect(replay.status == 0, "\(replay.output)")
            #expect(replay.rows.count == 2 && replay.rows.allSatisfy(\.success), "one row per recorded session")
            #expect(replay.rows.allSatisfy { $0.waitRequested == 0 }, "the trace's messages, no wait of ours")
            #expect(replay.measures["steps_answered"] == 4 && replay.measures["steps_sent"] == 4 && replay.measures["episodes"] == 3)
            #expect(try IntervalLog.measures(replay.log, window: 10).total.stepsAnswered == 4)

            let scaled = try await ProfileCLITests().profile(
                ["--url", endpoint.httpURL, "--profile", "replay", "--replay", trace.path, "--scale", "3", "--speed", "4"]
            )
            defer { try? FileManager.default.removeItem(at: scaled.directory) }
            #expect(scaled.status == 0, "\(scaled.output)")
            #expect(scaled.rows.count == 6 && scaled.rows.allSatisfy(\.success) && Set(scaled.rows.map(\.requestID)).count == 6)
            #expect(scaled.measures["steps_answered"] == 12 && scaled.measures["episodes"] == 9)
        }
    }

    @Test("SIGTERM with a session open: the proxy exits 0 and writes the open session")
    func stopWithSessionOpen() async throws {
        try await withTestServer { endpoint, _ in
            let trace = temporaryDirectory().appendingPathExtension("jsonl")
            defer { try? FileManager.default.removeItem(at: trace) }
            let recorder = try LaunchedProcess(
                "openenv-bench",
                ["record", "--upstream", endpoint.httpURL, "--listen", "127.0.0.1:0", "-o", trace.path]
            )
            let proxy = try ServerEndpoint(parsing: try await recorder.readyLines(1)[0].url)
            let (answered, answer) = AsyncStream<Void>.makeStream()
            let held = Task {
                try await WebSocketClient.connect(url: proxy.webSocketURL, logger: Logger(label: "record-test")) { inbound, outbound, _ in
                    var replies = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    try await outbound.write(.text(#"{"type":"reset","data":{}}"#))
                    _ = try await replies.next()
                    answer.yield()
                    while try await replies.next() != nil {}
                }
            }
            defer { held.cancel() }
            for await _ in answered { break }
            recorder.send(SIGTERM)
            #expect(try await recorder.waitForExit(within: .seconds(20)) == 0, "\(recorder.output)")
            let document = try Trace.Document(parsing: try String(contentsOf: trace, encoding: .utf8))
            #expect(document.sessions.count == 1 && document.sessions.first?.messages.count == 1)
            #expect(document.sessions.first?.messages.first?.replyBytes ?? 0 > 0)
        }
    }

    @Test(
        "bad record and replay flags are usage errors (exit 64) naming the flag",
        arguments: [
            (["record", "--upstream", "ftp://x", "-o", "/tmp/t"], "--upstream"),
            (["record", "--upstream", "http://127.0.0.1:1", "--listen", "nohost", "-o", "/tmp/t"], "--listen"),
            (["run", "--profile", "replay"], "--replay"),
            (["run", "--profile", "pool", "--duration", "1", "--replay", "t"], "--profile replay"),
            (["run", "--profile", "replay", "--replay", "t", "--speed", "0"], "--speed"),
            (["run", "--profile", "replay", "--replay", "t", "--scale", "0"], "--scale"),
        ]
    )
    func badFlags(arguments: [String], flag: String) async throws {
        let (status, output) = try await LaunchedProcess.run("openenv-bench", arguments)
        #expect(status == 64, "\(output)")
        #expect(output.contains(flag), "\(output)")
    }

    @Test("a file that is not a trace: exit 1, naming the line, and no row")
    func notATrace() async throws {
        let file = temporaryDirectory().appendingPathExtension("jsonl")
        try #"{"format":"openenv-trace","version":99,"upstream":"u","recorded_at":"t","tool":"x"}"#.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try await LaunchedProcess.run("openenv-bench", ["run", "--profile", "replay", "--replay", file.path])
        #expect(status == 1 && output.contains("trace line 1") && output.contains("version 99"), "\(output)")
    }
}

/// Reply sizes collected inside a WebSocket client's handler.
private final class Sizes: Sendable {
    private let storage = Mutex<[Int]>([])
    func append(_ size: Int) { storage.withLock { $0.append(size) } }
    var values: [Int] { storage.withLock { $0 } }
}
