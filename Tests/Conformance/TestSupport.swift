import EnvProtocol
import EnvTesting
import LoadGen
import NIOCore
import NIOWebSocket
import Testing

/// How long any single reply may take before a case fails (never hangs).
let replyTimeout: Duration = .seconds(15)

/// Opens a session on `endpoint` for the duration of `body`.
func withSession<Result>(
    _ endpoint: ServerEndpoint, _ body: (inout WebSocketConnection) async throws -> Result
) async throws -> Result {
    try await WebSocketConnection.withConnection(
        to: endpoint, configuration: .init(connectTimeout: .seconds(10), replyTimeout: replyTimeout), body)
}

extension WebSocketConnection {
    /// Sends `text` and returns the next message, parsed as JSON.
    mutating func request(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        try await send(text: text)
        return try await nextJSON(sourceLocation: sourceLocation)
    }

    /// Sends `text` and returns the reply when it is JSON text, else `nil` — without recording
    /// an issue, for strict-only cases whose verdict may be a warning.
    mutating func probe(_ text: String) async -> JSONValue? {
        guard !isClosed, (try? await send(text: text)) != nil,
            case .text(let reply)? = try? await receive()
        else { return nil }
        return try? JSONCoding.parse(reply)
    }

    /// The next message, which must be a JSON text frame.
    mutating func nextJSON(sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let event = try await receive()
        guard case .text(let text) = event else {
            Issue.record("expected a JSON text reply, got \(event)", sourceLocation: sourceLocation)
            throw ConformanceFailure.unexpectedEvent(event)
        }
        return try JSONCoding.parse(text)
    }

    /// Resets and returns the observation (`data.observation`), checking the reply type.
    mutating func reset(sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let reply = try await request(#"{"type":"reset","data":{}}"#, sourceLocation: sourceLocation)
        #expect(reply["type"] == "observation", "reset reply: \(reply)", sourceLocation: sourceLocation)
        return reply["data"]?["observation"] ?? .null
    }

    /// Steps with `wait` seconds and returns the observation.
    mutating func step(wait: Double = 0, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let reply = try await request(
            #"{"type":"step","data":{"wait_seconds":\#(wait)}}"#, sourceLocation: sourceLocation)
        #expect(reply["type"] == "observation", "step reply: \(reply)", sourceLocation: sourceLocation)
        return reply["data"]?["observation"] ?? .null
    }
}

enum ConformanceFailure: Error {
    case unexpectedEvent(WebSocketEvent)
    case notAccepted(String)
}

extension JSONValue {
    /// The `code` of an error reply.
    var errorCode: String? { self["data"]?["code"]?.stringValue }
}

/// Checks an error reply's type and code.
func expectError(
    _ reply: JSONValue, _ code: ErrorCode, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(reply["type"] == "error", "reply: \(reply)", sourceLocation: sourceLocation)
    #expect(reply.errorCode == code.rawValue, "reply: \(reply)", sourceLocation: sourceLocation)
    #expect(reply["data"]?["message"]?.stringValue != nil, "error has a message", sourceLocation: sourceLocation)
}

/// Records a strict-only case's verdict: a failure against any server, except a warning
/// against the Python reference (`OPENENV_PROFILE=reference`), whose known defects these are.
func expectStrict(
    _ condition: Bool, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard !condition else { return }
    if ConformanceTarget.isReferenceProfile {
        Issue.record("strict-only case not met by the reference (warning): \(what)", severity: .warning,
            sourceLocation: sourceLocation)
    } else {
        Issue.record("strict case failed: \(what)", sourceLocation: sourceLocation)
    }
}

/// A session of 12 lowercase hex characters.
func isSessionHash(_ value: JSONValue?) -> Bool {
    guard let text = value?.stringValue, text.count == 12 else { return false }
    return text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
}

/// Opens a session and checks it is admitted (its reset succeeds), retrying until `deadline`:
/// slot release after a disconnect is asynchronous on every server.
func expectSessionAdmitted(
    _ endpoint: ServerEndpoint, within deadline: Duration, sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let clock = ContinuousClock()
    let end = clock.now + deadline
    var lastReply = "nothing"
    while clock.now < end {
        do {
            let admitted = try await withSession(endpoint) { session in
                let reply = try await session.request(#"{"type":"reset","data":{}}"#)
                lastReply = "\(reply)"
                return reply["type"] == "observation"
            }
            if admitted { return }
        } catch {
            // A rejected session may be closed before our reset is even sent.
            lastReply = "\(error)"
        }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("no session admitted within \(deadline); last reply: \(lastReply)", sourceLocation: sourceLocation)
}

/// A frame as a client would send it.
func frame(_ opcode: WebSocketOpcode, _ bytes: [UInt8], fin: Bool = true) -> WebSocketFrame {
    WebSocketFrame(fin: fin, opcode: opcode, data: ByteBuffer(bytes: bytes))
}
