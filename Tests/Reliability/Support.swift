import AsyncHTTPClient
import EnvProtocol
import EnvServer
import EnvTesting
import Foundation
import LoadGen
import NIOCore
import NIOWebSocket
import Testing

/// How long any single reply may take before a case fails (never hangs).
let replyTimeout: Duration = .seconds(30)

/// Opens a session on `endpoint` for the duration of `body`.
func withSession<Result>(
    _ endpoint: ServerEndpoint, _ body: (inout WebSocketConnection) async throws -> Result
) async throws -> Result {
    try await WebSocketConnection.withConnection(
        to: endpoint, configuration: .init(connectTimeout: .seconds(10), replyTimeout: replyTimeout), body)
}

extension WebSocketConnection {
    /// Sends `text` and returns the next message as JSON; anything else fails the case.
    mutating func request(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        try await send(text: text)
        return try await nextJSON(sourceLocation: sourceLocation)
    }

    /// The next event, which must be a JSON text message.
    mutating func nextJSON(sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let event = try await receive()
        guard case .text(let text) = event else {
            Issue.record("expected a JSON text reply, got \(event)", sourceLocation: sourceLocation)
            throw UnexpectedEvent(event: event)
        }
        return try JSONCoding.parse(text)
    }

    /// The close code the server ends with, skipping any messages before it; `nil` when the
    /// socket ended without a close frame.
    mutating func closeCode() async throws -> UInt16? {
        while true {
            switch try await receive() {
            case .close(let code, _): return code
            default: continue
            }
        }
    }

    /// Checks the session still works: a reset is answered with an observation.
    mutating func expectAlive(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let reply = try await request(#"{"type":"reset","data":{}}"#, sourceLocation: sourceLocation)
        #expect(reply["type"] == "observation", "session kept after the hostile input: \(reply)", sourceLocation: sourceLocation)
    }
}

struct UnexpectedEvent: Error {
    let event: WebSocketEvent
}

extension JSONValue {
    /// The `code` of an error reply.
    var errorCode: String? { self["data"]?["code"]?.stringValue }
}

/// Checks that a fresh session on `endpoint` is admitted and served: what every hostile case
/// verifies afterwards, so one client's bad input can never take the server down for others.
func expectServing(_ endpoint: ServerEndpoint, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    try await withSession(endpoint) { session in
        try await session.expectAlive(sourceLocation: sourceLocation)
        let step = try await session.request(#"{"type":"step","data":{"wait_seconds":0}}"#)
        #expect(step["data"]?["observation"]?["step_count"] == 1, "\(step)", sourceLocation: sourceLocation)
    }
    let health = try await HTTPProbe.get(endpoint, "/health")
    #expect(health.status == 200, sourceLocation: sourceLocation)
}

/// A frame as a client would send it (the connection masks it).
func frame(_ opcode: WebSocketOpcode, _ bytes: [UInt8], fin: Bool = true) -> WebSocketFrame {
    WebSocketFrame(fin: fin, opcode: opcode, data: ByteBuffer(bytes: bytes))
}

/// One HTTP answer as the hostile-body cases check it.
struct PostReply: Sendable {
    let status: Int
    let body: String
    /// The body as JSON, or `nil` when it is not JSON.
    var json: JSONValue? { try? JSONCoding.parse(body) }
}

/// POSTs an arbitrary (possibly non-UTF-8) body as `application/json`.
func post(_ endpoint: ServerEndpoint, _ path: String, bytes: [UInt8]) async throws -> PostReply {
    var request = HTTPClientRequest(url: endpoint.httpURL + path)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(ByteBuffer(bytes: bytes))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
    let body = try await response.body.collect(upTo: 64 << 20)
    return PostReply(status: Int(response.status.code), body: String(buffer: body))
}

/// This process's resident set size in bytes (`VmRSS` of /proc/self/status), or `nil` where
/// there is no procfs: memory checks are then skipped, never invented.
func residentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return nil }
    let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    return kilobytes.map { $0 * 1024 }
}

/// Runs `body` `repetitions` times and checks resident memory grew by less than `bound` from
/// after the first run (which warms allocator arenas) to after the last: a per-input leak of
/// the big inputs these cases send would exceed it. A generous bound, not a performance check.
func expectNoLeak(
    repetitions: Int, bound: Int = 96 << 20, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async throws {
    try await body()
    let baseline = residentBytes()
    for _ in 1..<repetitions { try await body() }
    guard let baseline, let after = residentBytes() else { return }
    #expect(
        after - baseline < bound,
        "resident memory grew \((after - baseline) >> 20) MB over \(repetitions - 1) repetitions",
        sourceLocation: sourceLocation)
}

/// `depth` nested arrays around `inner`.
func nested(_ depth: Int, _ inner: String = "0") -> String {
    String(repeating: "[", count: depth) + inner + String(repeating: "]", count: depth)
}

/// `{"a":{"a":…{}…}}`: `depth` objects around an empty one.
func nestedObjects(_ depth: Int) -> String {
    String(repeating: #"{"a":"#, count: depth) + "{}" + String(repeating: "}", count: depth)
}

/// An object with `count` distinct keys.
func manyKeys(_ count: Int) -> String {
    "{" + (0..<count).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"
}

/// The load-heavy suites (floods, 1,000 connections, 10× overload) run on their own, as
/// Scaling does, so their load cannot make other suites' timing checks flaky: selected by a
/// `--filter` naming them (or `ReliabilityTests`) or `OPENENV_RELIABILITY_LOAD=1`
/// (`ci/reliability-load`).
enum ReliabilityLoad {
    static let isSelected: Bool = {
        let arguments = CommandLine.arguments
        let filters = zip(arguments, arguments.dropFirst()).filter { $0.0 == "--filter" }.map(\.1)
        return filters.contains { $0.contains("ReliabilityTests") || $0.contains("Overload") || $0.contains("Flood") }
            || ProcessInfo.processInfo.environment["OPENENV_RELIABILITY_LOAD"] == "1"
    }()

    static let note: Comment = "load-heavy: run on its own with swift test --filter ReliabilityTests (or ci/reliability-load)"
}
