public import EnvClient
public import EnvProtocol
import NIOCore
public import NIOWebSocket
public import Testing

/// How long any single reply may take before a case fails (never hangs).
public let defaultReplyTimeout: Duration = .seconds(30)

/// Opens a WebSocket session on `endpoint` for the duration of `body`.
///
/// A connection our client could not make (refused, unreachable: anything but a refused
/// upgrade or an unanswered one) is a ``HarnessError``, not a verdict on the server.
public func withSession<Result>(
    _ endpoint: ServerEndpoint,
    replyTimeout: Duration = defaultReplyTimeout,
    _ body: (inout WebSocketConnection) async throws -> Result
) async throws -> Result {
    var connected = false
    do {
        return try await WebSocketConnection.withConnection(
            to: endpoint,
            configuration: .init(connectTimeout: .seconds(10), replyTimeout: replyTimeout)
        ) { connection in
            connected = true
            return try await body(&connection)
        }
    } catch  where !connected && !(error is WebSocketClientError) {
        throw HarnessError(action: "open a WebSocket to \(endpoint.webSocketURL)", cause: error)
    }
}

/// A reply that was not the JSON text message a case needed.
public struct UnexpectedEvent: Error, CustomStringConvertible {
    public let event: WebSocketEvent
    public var description: String { "expected a JSON text reply, got \(event)" }
}

extension WebSocketConnection {
    /// Sends `text` and returns the next message as JSON; anything else fails the case.
    public mutating func request(
        _ text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        do {
            try await send(text: text)
        } catch {
            throw NoReply(sent: text, cause: error)
        }
        return try await nextJSON(answering: text, sourceLocation: sourceLocation)
    }

    /// Sends `text` and returns the reply when it is JSON text, else `nil` — without recording
    /// an issue, for strict-only cases whose verdict may be a warning.
    public mutating func probe(_ text: String) async -> JSONValue? {
        guard !isClosed, (try? await send(text: text)) != nil,
            case .text(let reply)? = try? await receive()
        else { return nil }
        return try? JSONCoding.parse(reply)
    }

    /// The next message, which must be a JSON text frame; `sent`, the message it answers, is
    /// quoted when it is not (a close frame with its code, silence, a non-JSON text).
    public mutating func nextJSON(
        answering sent: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let event: WebSocketEvent
        do {
            event = try await receive()
        } catch {
            throw sent.map { NoReply(sent: $0, cause: error) } ?? error
        }
        let request = sent.map { "sent \(Exchange.excerpt($0, limit: 200)) → " } ?? ""
        guard case .text(let text) = event else {
            Issue.record(
                "rule: every message is answered with a JSON text message; \(request)got \(Exchange.describe(event))",
                sourceLocation: sourceLocation
            )
            throw UnexpectedEvent(event: event)
        }
        do {
            return try JSONCoding.parse(text)
        } catch {
            Issue.record(
                "rule: every message is answered with a JSON text message; \(request)got text that is not JSON: \(Exchange.excerpt(text))",
                sourceLocation: sourceLocation
            )
            throw error
        }
    }

    /// Resets and returns the observation (`data.observation`), checking the reply type and
    /// the observation against the served schema.
    public mutating func reset(sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        try await observation(answering: #"{"type":"reset","data":{}}"#, isReset: true, sourceLocation: sourceLocation)
    }

    /// Steps the benchmark environment with `wait` seconds and returns the observation.
    public mutating func step(wait: Double = 0, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        try await observation(
            answering: #"{"type":"step","data":{"wait_seconds":\#(wait)}}"#,
            isReset: false,
            sourceLocation: sourceLocation
        )
    }

    /// Steps with the environment's valid action (``EnvironmentUnderTest/action``) and returns
    /// the observation, checked against the served schema.
    public mutating func stepValid(sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let message = try await EnvironmentUnderTest.current().stepMessage()
        return try await observation(answering: message, isReset: false, sourceLocation: sourceLocation)
    }

    /// Asks for the state and returns it (`data`), checked against the served state schema.
    public mutating func state(sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let reply = try await request(#"{"type":"state"}"#, sourceLocation: sourceLocation)
        #expect(
            reply["type"] == "state",
            "rule: state is answered with a state; sent {\"type\":\"state\"} → \(Exchange.excerpt("\(reply)"))",
            sourceLocation: sourceLocation
        )
        let state = reply["data"] ?? .null
        await EnvironmentUnderTest.current().expectConforms(state: state, sourceLocation: sourceLocation)
        return state
    }

    private mutating func observation(
        answering message: String,
        isReset: Bool,
        sourceLocation: SourceLocation
    ) async throws -> JSONValue {
        let reply = try await request(message, sourceLocation: sourceLocation)
        #expect(
            reply["type"] == "observation",
            "rule: a \(isReset ? "reset" : "step") is answered with an observation; sent \(Exchange.excerpt(message, limit: 200)) → \(Exchange.excerpt("\(reply)"))",
            sourceLocation: sourceLocation
        )
        if let data = reply["data"], reply["type"] == "observation" {
            await EnvironmentUnderTest.current().expectConforms(envelope: data, isReset: isReset, sourceLocation: sourceLocation)
        }
        return reply["data"]?["observation"] ?? .null
    }

    /// The close code the server ends with, skipping any messages before it; `nil` when the
    /// socket ended without a close frame.
    public mutating func closeCode() async throws -> UInt16? {
        while true {
            if case .close(let code, _) = try await receive() { return code }
        }
    }

    /// Checks the session still works: a reset is answered with an observation.
    public mutating func expectAlive(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let reply = try await request(#"{"type":"reset","data":{}}"#, sourceLocation: sourceLocation)
        #expect(
            reply["type"] == "observation",
            "session kept after the hostile input: \(reply)",
            sourceLocation: sourceLocation
        )
    }
}

extension JSONValue {
    /// The `code` of an error reply.
    public var errorCode: String? { self["data"]?["code"]?.stringValue }
}

/// Checks an error reply's type and code.
public func expectError(_ reply: JSONValue, _ code: ErrorCode, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply["type"] == "error", "reply: \(reply)", sourceLocation: sourceLocation)
    #expect(reply.errorCode == code.rawValue, "reply: \(reply)", sourceLocation: sourceLocation)
    #expect(reply["data"]?["message"]?.stringValue != nil, "error has a message", sourceLocation: sourceLocation)
}

/// Records a strict-only case's verdict: a failure against any server, except a warning
/// against the Python reference (`OPENENV_PROFILE=reference`), whose known defects these are.
public func expectStrict(_ condition: Bool, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard !condition else { return }
    if ServerUnderTest.isReferenceProfile {
        Issue.record(
            "strict-only case not met by the reference (warning): \(what)",
            severity: .warning,
            sourceLocation: sourceLocation
        )
    } else {
        Issue.record("strict case failed: \(what)", sourceLocation: sourceLocation)
    }
}

/// Opens a session and checks it is admitted (its reset succeeds), retrying until `deadline`:
/// slot release after a disconnect is asynchronous on every server.
public func expectSessionAdmitted(
    _ endpoint: ServerEndpoint,
    within deadline: Duration,
    rule: String = "a freed slot admits a new session",
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let end = ContinuousClock.now + deadline
    var lastReply = "nothing"
    while ContinuousClock.now < end {
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
    Issue.record(
        "rule: \(rule); sessions opened with a reset, retried every 100 ms for \(deadline): none admitted; last reply: \(Exchange.excerpt(lastReply))",
        sourceLocation: sourceLocation
    )
}

/// Polls `condition` until it holds, failing after `limit` (slot release is asynchronous).
public func waitUntil(
    _ limit: Duration = .seconds(30),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () -> Bool
) async throws {
    let end = ContinuousClock.now + limit
    while !condition() {
        guard ContinuousClock.now < end else {
            Issue.record("condition not met within \(limit)", sourceLocation: sourceLocation)
            return
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// A frame as a client would send it (the connection masks it).
public func frame(_ opcode: WebSocketOpcode, _ bytes: [UInt8], fin: Bool = true) -> WebSocketFrame {
    WebSocketFrame(fin: fin, opcode: opcode, data: ByteBuffer(bytes: bytes))
}
