import BenchResults
import EnvClient
import NIOSSL

/// Hold mode: N WebSocket sessions open at once, each resetting and then stepping every
/// interval for a duration — the steady state of a trainer that keeps its environments.
///
/// It answers "how many sessions does the server *hold*", which a burst (open, step once,
/// close) does not.
public struct HoldRun: Sendable {
    public var endpoints: [ServerEndpoint]
    public var sessions: Int
    public var duration: Duration
    public var stepInterval: Duration
    public var timeout: Duration
    public var hardware: String
    public var tls: TLSConfiguration?
    /// Counts every session's start and end, for a live display (default none).
    public var progress: RunProgress?

    public init(
        endpoints: [ServerEndpoint], sessions: Int, duration: Duration, stepInterval: Duration = .seconds(1),
        timeout: Duration = .seconds(60), hardware: String = "cpu-basic", tls: TLSConfiguration? = nil,
        progress: RunProgress? = nil
    ) {
        precondition(!endpoints.isEmpty, "a hold run needs a server")
        self.endpoints = endpoints
        self.sessions = sessions
        self.duration = duration
        self.stepInterval = stepInterval
        self.timeout = timeout
        self.hardware = hardware
        self.tls = tls
        self.progress = progress
    }

    /// What a hold run found.
    public struct Outcome: Sendable {
        /// One row per session: `step_latency` is the mean of its steps; success means every
        /// step was answered.
        public var results: [SessionResult]
        public var wallTime: Double
        /// Most sessions that were open (reset done, not yet closed) at the same moment.
        public var peakHeldSessions: Int
        public var stepsAnswered: Int
        public var stepsAttempted: Int
    }

    public func run() async -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + duration
        let sessions = await withTaskGroup(of: HeldSession.self, returning: [HeldSession].self) { group in
            for id in 0..<self.sessions {
                let endpoint = endpoints[id % endpoints.count]
                group.addTask { await hold(id: id, endpoint: endpoint, until: end, clock: clock, origin: start) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }.sorted { $0.row.requestID < $1.row.requestID }
        return Outcome(
            results: sessions.map(\.row), wallTime: (clock.now - start).seconds,
            peakHeldSessions: Self.peakOverlap(sessions.compactMap(\.heldInterval)),
            stepsAnswered: sessions.map(\.stepsAnswered).reduce(0, +),
            stepsAttempted: sessions.map(\.stepsAttempted).reduce(0, +))
    }

    private struct HeldSession: Sendable {
        var row: SessionResult
        var heldInterval: ClosedRange<Double>?
        var stepsAnswered = 0
        var stepsAttempted = 0
    }

    private func hold(
        id: Int, endpoint: ServerEndpoint, until end: ContinuousClock.Instant, clock: ContinuousClock,
        origin: ContinuousClock.Instant
    ) async -> HeldSession {
        let driver = SessionDriver(
            mode: .ws, wait: 0, timeout: timeout, batchSize: sessions, hardware: hardware, tls: tls, progress: progress)
        var heldInterval: ClosedRange<Double>?
        var stepsAnswered = 0
        var stepsAttempted = 0
        let row = await driver.webSocketRow(requestID: id, endpoint: endpoint) { connection, row in
            let heldFrom = (clock.now - origin).seconds
            var stepTotal = 0.0
            var next = clock.now
            while next < end {
                try await Task.sleep(until: next)
                let mark = clock.now
                stepsAttempted += 1
                let observation = try await connection.observation(answering: #"{"type":"step","data":{}}"#)
                stepTotal += (clock.now - mark).seconds
                stepsAnswered += 1
                try row.record(observation)
                // Ticks missed while a reply was late are skipped, not made up in a burst: the
                // server sees the offered cadence, and the run ends on time even when overloaded.
                next += stepInterval
                let now = clock.now
                while next < now { next += stepInterval }
            }
            // Held until the end even when the next tick would fall after it.
            try await Task.sleep(until: end)
            heldInterval = heldFrom...(clock.now - origin).seconds
            row.stepLatency = stepsAnswered > 0 ? stepTotal / Double(stepsAnswered) : 0
        }
        return HeldSession(
            row: row, heldInterval: heldInterval, stepsAnswered: stepsAnswered, stepsAttempted: stepsAttempted)
    }

    /// The largest number of intervals that overlap at one instant.
    package static func peakOverlap(_ intervals: [ClosedRange<Double>]) -> Int {
        // Sweep over start and end times; at equal times starts come first, so touching
        // intervals count as overlapping.
        var events: [(time: Double, change: Int)] = []
        for interval in intervals {
            events.append((interval.lowerBound, 1))
            events.append((interval.upperBound, -1))
        }
        events.sort { lhs, rhs in lhs.time == rhs.time ? lhs.change > rhs.change : lhs.time < rhs.time }
        var open = 0
        var peak = 0
        for event in events {
            open += event.change
            peak = max(peak, open)
        }
        return peak
    }
}
