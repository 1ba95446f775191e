import AsyncHTTPClient
import BenchResults
import EnvClient
import EnvProtocol
import NIOCore
import NIOSSL

/// Runs one session — connect, reset, the ``Workload``'s steps, close — and reports it as
/// exactly one ``SessionResult``, whatever happens.
///
/// Bursts and open-model runs drive WebSocket sessions on the event loops
/// (``WebSocketSession``); hold mode and HTTP mode use async tasks.
public struct SessionDriver: Sendable {
    public var mode: LoadMode
    public var wait: Double
    /// Limit for the connect and for each reply; a timed-out session's socket is dropped.
    public var timeout: Duration
    public var batchSize: Int
    public var hardware: String
    public var tls: TLSConfiguration?
    /// Counts every session's start and end as it happens, for a live display (default none).
    public var progress: RunProgress?
    /// What each session sends after its reset (default: the benchmark's wait step).
    public var workload: Workload

    public init(
        mode: LoadMode, wait: Double, timeout: Duration, batchSize: Int, hardware: String,
        tls: TLSConfiguration? = nil, progress: RunProgress? = nil, workload: Workload = .benchmark
    ) {
        self.workload = workload
        self.mode = mode
        self.wait = wait
        self.timeout = timeout
        self.batchSize = batchSize
        self.hardware = hardware
        self.tls = tls
        self.progress = progress
    }

    /// One session against `endpoint`. `http` is the client for HTTP mode.
    ///
    /// - Parameter scheduledStart: when an open-model run meant this session to start; its
    ///   connect and total latencies are measured from then, so a late start counts against the
    ///   server instead of hiding (no coordinated omission). Default: now.
    public func run(
        requestID: Int, endpoint: ServerEndpoint, http: HTTPClient?, scheduledStart: ContinuousClock.Instant? = nil
    ) async -> SessionResult {
        switch mode {
        case .ws:
            var schedule: (@Sendable (Int) -> ContinuousClock.Instant)?
            if let scheduledStart { schedule = { @Sendable _ in scheduledStart } }
            let rows = await runWebSocketSessions(count: 1, firstID: requestID, endpoints: [endpoint], schedule: schedule)
            // Cancelled before it started: the session still has its row.
            return rows.first ?? interruptedRow(requestID: requestID)
        case .http:
            return await row(requestID: requestID, scheduledStart: scheduledStart) { row, _ in
                try await httpSession(endpoint, http, &row)
            }
        }
    }

    /// One WebSocket session as an async task, as one row: connect and reset (timed), then
    /// `steps`, then a polite close. Hold mode steps for a duration this way.
    package func webSocketRow(
        requestID: Int, endpoint: ServerEndpoint, scheduledStart: ContinuousClock.Instant? = nil,
        steps: (inout WebSocketConnection, inout SessionResult) async throws -> Void
    ) async -> SessionResult {
        await row(requestID: requestID, scheduledStart: scheduledStart) { row, start in
            let configuration = WebSocketConnection.Configuration(connectTimeout: timeout, replyTimeout: timeout, tls: tls)
            try await WebSocketConnection.withConnection(to: endpoint, configuration: configuration) { connection in
                row.connectLatency = (ContinuousClock.now - start).seconds
                let mark = ContinuousClock.now
                _ = try await connection.observation(answering: #"{"type":"reset","data":{}}"#)
                row.resetLatency = (ContinuousClock.now - mark).seconds
                try await steps(&connection, &row)
                try await connection.closeExpectingNoMoreReplies(timeout: min(timeout, .seconds(5)))
            }
        }
    }

    private func interruptedRow(requestID: Int) -> SessionResult {
        var row = SessionResult(
            requestID: requestID, mode: mode, timestamp: Timestamp.now(), waitRequested: wait, batchSize: batchSize,
            hardware: hardware)
        row.errorType = .interrupted
        row.errorMessage = "run interrupted"
        return row
    }

    /// What every session shares: one row, timed from the (scheduled) start; a failure is
    /// classified, and its phase latencies are 0, as in the seed — only its total is kept.
    private func row(
        requestID: Int, scheduledStart: ContinuousClock.Instant?,
        _ body: (inout SessionResult, ContinuousClock.Instant) async throws -> Void
    ) async -> SessionResult {
        var row = SessionResult(
            requestID: requestID, mode: mode, timestamp: Timestamp.now(), waitRequested: wait,
            batchSize: batchSize, hardware: hardware)
        let start = scheduledStart ?? ContinuousClock.now
        progress?.sessionStarted(requestID, at: start)
        do {
            try await body(&row, start)
            row.success = true
        } catch {
            // A run stopped by SIGINT cancels its sessions: the ones in flight say so.
            let failure =
                Task.isCancelled
                ? SessionFailure(.interrupted, "run interrupted: \(error)")
                : SessionFailure.classify(error)
            row.errorType = failure.kind
            row.errorMessage = failure.message
            (row.connectLatency, row.resetLatency, row.stepLatency) = (0, 0, 0)
        }
        row.totalLatency = (ContinuousClock.now - start).seconds
        progress?.sessionEnded(requestID, success: row.success)
        return row
    }

    private func httpSession(_ endpoint: ServerEndpoint, _ client: HTTPClient?, _ row: inout SessionResult) async throws {
        guard let client else { preconditionFailure("HTTP mode needs an HTTP client") }
        var mark = ContinuousClock.now
        _ = try await post(client, endpoint.httpURL + "/reset", body: nil)
        row.resetLatency = (ContinuousClock.now - mark).seconds
        mark = ContinuousClock.now
        for index in 0..<workload.steps {
            let (path, body) = workload.httpRequest(step: index, wait: wait)
            let reply = try await post(client, endpoint.httpURL + path, body: body)
            if workload.readsObservations {
                try row.record(reply["observation"] ?? .null, strict: workload.isBenchmark)
            } else {
                try Self.judgeToolResponse(reply)
            }
        }
        row.stepLatency = (ContinuousClock.now - mark).seconds
    }

    /// A `tools/call` response must carry a result; a JSON-RPC error fails the session.
    static func judgeToolResponse(_ response: JSONValue) throws {
        if let error = response["error"] {
            throw SessionFailure(
                .mcpError, "JSON-RPC error \(error["code"].map { "\($0)" } ?? "?"): \(error["message"]?.stringValue ?? "\(error)")")
        }
        guard response["result"] != nil else {
            throw SessionFailure(.invalidReply, "not a JSON-RPC response: \(String(describing: response).prefix(300))")
        }
    }

    private func post(_ client: HTTPClient, _ url: String, body: String?) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        let text = String(buffer: bytes)
        guard (200..<300).contains(response.status.code) else {
            throw SessionFailure(.httpStatus, "HTTP \(response.status.code): \(text.prefix(300))")
        }
        do {
            return try JSONCoding.parse(text)
        } catch {
            throw SessionFailure(.invalidReply, "\(error): \(text.prefix(300))")
        }
    }
}

extension WebSocketConnection {
    /// Sends `message` and returns the observation of the `observation` reply.
    ///
    /// - Throws: ``SessionFailure`` with the server's code for an `error` reply,
    ///   `InvalidReply` for anything that is not an observation, `ClosedBeforeReply` on close.
    mutating func observation(answering message: String) async throws -> JSONValue {
        let event: WebSocketEvent
        do {
            try await send(text: message)
            event = try await receive()
        } catch let sendError {
            // The server may have spoken and closed before our request went out (an unsolicited
            // CAPACITY_REACHED): its buffered words explain the failure better than ours.
            guard !isTimedOut, let pending = try? await receive(timeout: .seconds(1)) else { throw sendError }
            event = pending
        }
        return try WebSocketSession.observation(event)
    }
}

extension WebSocketConnection {
    /// A polite goodbye: sends `close` and reads until the server's close frame.
    ///
    /// The close is not part of what a session is judged on (a server that drops the socket
    /// here still served it), with one exception: a text message arriving now answered no
    /// request, so every reply this session accepted may have been shifted by one.
    ///
    /// - Throws: ``SessionFailure`` `UnsolicitedReply`.
    mutating func closeExpectingNoMoreReplies(timeout: Duration) async throws {
        try? await send(text: #"{"type":"close"}"#)
        while let event = try? await receive(timeout: timeout) {
            switch event {
            case .text, .binary:
                throw SessionFailure(
                    .unsolicitedReply, "a message no request asked for: \(String(describing: event).prefix(300))")
            case .close:
                return
            case .pong:
                continue
            }
        }
    }
}
