public import AsyncHTTPClient
public import BenchResults
public import EnvClient
import EnvProtocol
import NIOCore
import NIOHTTP1
public import NIOSSL

/// Runs one session — connect, reset, the ``Workload``'s steps, close — and reports it as
/// exactly one ``SessionResult``, whatever happens.
///
/// WebSocket sessions of every load pattern run on the event loops (``LoadSessionHandler``);
/// HTTP mode uses async tasks.
public struct SessionDriver: Sendable {
    public var mode: LoadMode
    /// The benchmark step's `wait_seconds` (0 for other workloads).
    public var wait: Double {
        get { workload.benchmarkWait ?? 0 }
        set { workload = workload.waiting(newValue) }
    }
    /// Limit for the connect and for each reply; a timed-out session's socket is dropped.
    public var timeout: Duration
    public var batchSize: Int
    public var hardware: String
    public var tls: TLSConfiguration?
    /// Counts every session's start and end as it happens, for a live display (default none).
    public var progress: RunProgress?
    /// What each session sends after its reset (default: the benchmark's wait step).
    public var workload: Workload
    /// Seeds the think times and backoffs: the same seed draws the same ones.
    public var seed: UInt64

    public init(
        mode: LoadMode,
        wait: Double,
        timeout: Duration,
        batchSize: Int,
        hardware: String,
        tls: TLSConfiguration? = nil,
        progress: RunProgress? = nil,
        workload: Workload = .benchmark,
        seed: UInt64 = 0
    ) {
        self.workload = workload.waiting(wait)
        self.seed = seed
        self.mode = mode
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
        requestID: Int,
        endpoint: ServerEndpoint,
        http: HTTPClient?,
        scheduledStart: ContinuousClock.Instant? = nil
    ) async -> SessionResult {
        switch mode {
        case .ws:
            var schedule: (@Sendable (Int) -> ContinuousClock.Instant)?
            if let scheduledStart { schedule = { @Sendable _ in scheduledStart } }
            let (rows, _) = await runWebSocketSessions(count: 1, firstID: requestID, endpoints: [endpoint], schedule: schedule)
            // Cancelled before it started: the session still has its row.
            return rows.first ?? interruptedRow(requestID: requestID)
        case .http:
            return await row(requestID: requestID, scheduledStart: scheduledStart) { row, _ in
                try await httpSession(endpoint, http, &row)
            }
        }
    }

    /// A session's row as it starts: what every row of this driver's sessions shares.
    private func newRow(requestID: Int) -> SessionResult {
        SessionResult(requestID: requestID, mode: mode, timestamp: Timestamp.now(), waitRequested: wait, batchSize: batchSize, hardware: hardware)
    }

    private func interruptedRow(requestID: Int) -> SessionResult {
        var row = newRow(requestID: requestID)
        row.errorType = .interrupted
        row.errorMessage = "run interrupted"
        return row
    }

    /// What every session shares: one row, timed from the (scheduled) start; a failure is
    /// classified, and its phase latencies are 0, as in the seed — only its total is kept.
    private func row(
        requestID: Int,
        scheduledStart: ContinuousClock.Instant?,
        _ body: (inout SessionResult, ContinuousClock.Instant) async throws -> Void
    ) async -> SessionResult {
        var row = newRow(requestID: requestID)
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
        progress?.sessionEnded(row)
        return row
    }

    private func httpSession(_ endpoint: ServerEndpoint, _ client: HTTPClient?, _ row: inout SessionResult) async throws {
        guard let client else { preconditionFailure("HTTP mode needs an HTTP client") }
        var mark = ContinuousClock.now
        _ = try await post(client, endpoint.httpURL + "/reset", body: nil)
        row.resetLatency = (ContinuousClock.now - mark).seconds
        mark = ContinuousClock.now
        for index in 0..<workload.steps {
            let (path, body) = workload.httpRequest(step: index)
            let reply = try await post(client, endpoint.httpURL + path, body: body)
            if workload.readsObservations {
                try row.record(reply["observation"] ?? .null, strict: workload.isBenchmark)
            } else {
                try ReplyJudge.toolResponse(reply)
            }
        }
        row.stepLatency = (ContinuousClock.now - mark).seconds
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
