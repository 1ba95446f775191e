import NIOSSL

/// A sweep: requests-grid × wait-grid × repetitions, for one or more modes, with a pause
/// between runs — the seed benchmark's grid.
public struct SweepPlan: Sendable {
    public var endpoints: [ServerEndpoint]
    /// The URL written in the `url` column.
    public var url: String
    public var modes: [LoadMode]
    public var requestsGrid: [Int]
    public var waitGrid: [Double]
    public var repetitions: Int
    public var timeout: Duration
    public var hardware: String
    public var pause: Duration
    public var tls: TLSConfiguration?

    public init(
        endpoints: [ServerEndpoint], url: String, modes: [LoadMode] = [.ws], requestsGrid: [Int], waitGrid: [Double],
        repetitions: Int = 1, timeout: Duration = .seconds(120), hardware: String = "cpu-basic",
        pause: Duration = .milliseconds(500), tls: TLSConfiguration? = nil
    ) {
        self.endpoints = endpoints
        self.url = url
        self.modes = modes
        self.requestsGrid = requestsGrid
        self.waitGrid = waitGrid
        self.repetitions = repetitions
        self.timeout = timeout
        self.hardware = hardware
        self.pause = pause
        self.tls = tls
    }

    /// Every run of the sweep, in the seed's order: batch size, then wait, then repetition.
    public var runs: [(mode: LoadMode, sessions: Int, wait: Double, repetition: Int)] {
        requestsGrid.flatMap { sessions in
            waitGrid.flatMap { wait in
                (1...repetitions).flatMap { repetition in
                    modes.map { (mode: $0, sessions: sessions, wait: wait, repetition: repetition) }
                }
            }
        }
    }

    /// Runs the sweep; `onRun` sees each run as soon as it is finished (and written).
    ///
    /// - Throws: only when results cannot be written.
    @discardableResult
    public func run(
        writer: ResultsWriter?,
        onRun: (_ index: Int, _ total: Int, _ summary: RunSummary, _ results: [SessionResult]) -> Void = { _, _, _, _ in }
    ) async throws -> [RunSummary] {
        let runs = self.runs
        var summaries: [RunSummary] = []
        for (index, run) in runs.enumerated() {
            if index > 0 { try await Task.sleep(for: pause) }
            let driver = SessionDriver(
                mode: run.mode, wait: run.wait, timeout: timeout, batchSize: run.sessions, hardware: hardware, tls: tls)
            let (results, wallTime) = await Burst(endpoints: endpoints, sessions: run.sessions, driver: driver).run()
            let summary = RunSummary(
                results: results, mode: run.mode, url: url, numRequests: run.sessions, waitSeconds: run.wait,
                repetition: run.repetition, totalWallTime: wallTime, hardware: hardware)
            try writer?.append(results: results, summary: summary)
            summaries.append(summary)
            onRun(index + 1, runs.count, summary, results)
        }
        return summaries
    }
}
