public import BenchResults
public import EnvClient
import Foundation
public import NIOSSL

/// How a run offers load.
public enum LoadPattern: Sendable, Equatable {
    /// N sessions started together (the seed benchmark's only pattern).
    case burst
    /// Sessions arriving at `rate` per second for `duration`; N is rate × duration.
    case openModel(rate: Double, duration: Duration)
    /// N WebSocket sessions shaped like a trainer (``ProfileRun/Profile``) for `duration`.
    case profile(ProfileRun.Profile, duration: Duration)
    /// A recorded trace replayed (``ReplayRun``); N is its sessions × scale.
    case replay(ReplaySchedule)
}

/// One finished run as a sweep reports it.
public struct RunOutcome: Sendable {
    public var summary: RunSummary
    public var results: [SessionResult]
}

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
    public var pattern: LoadPattern
    /// What each session sends after its reset, and its think times.
    public var workload: Workload
    /// Seeds think times and backoffs.
    public var seed: UInt64
    /// The length of a profile run's measurement windows.
    public var window: Duration
    /// Whether each run records this process's CPU and peak RSS as the load generator's cost:
    /// not when the server runs in the same process (the embedded one), whose work it would count.
    public var measuresOwnCost: Bool

    public init(
        endpoints: [ServerEndpoint],
        url: String,
        modes: [LoadMode] = [.ws],
        requestsGrid: [Int],
        waitGrid: [Double],
        repetitions: Int = 1,
        timeout: Duration = .seconds(120),
        hardware: String = "cpu-basic",
        pause: Duration = .milliseconds(500),
        tls: TLSConfiguration? = nil,
        pattern: LoadPattern = .burst,
        workload: Workload = .benchmark,
        seed: UInt64 = 0,
        window: Duration = .seconds(10),
        measuresOwnCost: Bool = true
    ) {
        self.measuresOwnCost = measuresOwnCost
        self.workload = workload
        self.seed = seed
        self.window = window
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
        self.pattern = pattern
    }

    /// The batch sizes the sweep runs: the requests grid, except that an open-model run's size
    /// is its rate × duration and a replay's its sessions × scale (a grid would only repeat the same run).
    public var batchSizes: [Int] {
        if case .openModel(let rate, let duration) = pattern {
            return [OpenModelRun.sessions(arrivalRate: rate, duration: duration)]
        }
        if case .replay(let schedule) = pattern { return [schedule.count] }
        return requestsGrid
    }

    /// Every run of the sweep, in the seed's order: batch size, then wait, then repetition.
    public var runs: [(mode: LoadMode, sessions: Int, wait: Double, repetition: Int)] {
        batchSizes.flatMap { sessions in
            waitGrid.flatMap { wait in
                (1...repetitions).flatMap { repetition in
                    modes.map { (mode: $0, sessions: sessions, wait: wait, repetition: repetition) }
                }
            }
        }
    }

    /// The runs as `run-state.json` names them.
    public var runDescriptions: [String] {
        runs.map { "\($0.mode.rawValue) N=\($0.sessions) wait=\($0.wait) rep=\($0.repetition)" }
    }

    /// Runs the sweep; `onRunStart` gets each run's live ``RunProgress`` as it starts, and
    /// `onRun` sees each run as soon as it is finished (and written).
    ///
    /// With a writer, `run-state.json` tracks progress. When the task is cancelled (SIGINT),
    /// the run in progress stops starting sessions, its started sessions are written as rows
    /// (in-flight ones `Interrupted`) without a summary row, the state is marked incomplete,
    /// and ``SweepInterrupted`` is thrown; cancelled in the pause between runs, it throws
    /// ``SweepInterrupted`` with no interrupted run.
    ///
    /// ```swift
    /// let summaries = try await plan.run(writer: nil) { progress in
    ///     display.show(progress)                          // e.g. redraw progress.snapshot()
    /// } onRun: { index, total, outcome in
    ///     print(SweepReport.runLine(outcome.summary, index: index, total: total))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - resume: continue the sweep recorded in the writer's directory, skipping its
    ///     finished runs.
    ///   - onRunStart: called before each run's first session (default: nothing).
    ///   - onRun: called with the 1-based index of each finished run (default: nothing).
    /// - Returns: the summaries of every finished run, resumed ones included.
    /// - Throws: ``SweepInterrupted``; ``SweepStateError`` when `resume` finds a different
    ///   sweep; errors writing results.
    @discardableResult
    public func run(
        writer: ResultsWriter?,
        resume: Bool = false,
        onRunStart: (_ progress: RunProgress) -> Void = { _ in },
        onRun: (_ index: Int, _ total: Int, _ outcome: RunOutcome) -> Void = { _, _, _ in }
    ) async throws -> [RunSummary] {
        let runs = self.runs
        var state = SweepState(runs: runDescriptions, workload: workload.description)
        if resume, let writer, let saved = try SweepState.load(from: writer.directory) {
            guard saved.runs == state.runs else {
                throw SweepStateError(
                    path: writer.directory.path,
                    reason: "--resume: holds a different sweep (\(saved.runs.count) runs: \(saved.runs.prefix(3).joined(separator: ", "))…)"
                )
            }
            guard saved.sentWorkload == state.sentWorkload else {
                throw SweepStateError(
                    path: writer.directory.path,
                    reason: "--resume: holds a sweep of workload '\(saved.sentWorkload)', this run sends '\(state.sentWorkload)'"
                )
            }
            state = saved
            state.interruptedRun = nil
            // Killed while writing a run: cut that write back; the run is done again below.
            if let pending = state.pendingWrite {
                try writer.truncate(to: pending)
                state.pendingWrite = nil
            }
        }
        // Resumed: the finished runs' summaries count too, for the table and the threshold checks.
        var summaries: [RunSummary] = []
        if resume, let writer, !state.finished.isEmpty {
            summaries = Array(try RunSummary.read(resultsDirectory: writer.directory).suffix(state.finished.count))
        }
        var ranOne = false
        for (index, run) in runs.enumerated() where !state.finished.contains(index) {
            if ranOne {
                do {
                    try await Task.sleep(for: pause)
                } catch {
                    throw SweepInterrupted(
                        finishedRuns: state.finished.count,
                        totalRuns: runs.count,
                        interruptedRun: nil,
                        rowsWritten: 0,
                        summaries: summaries
                    )
                }
            }
            ranOne = true
            let progress = RunProgress(
                sessions: run.sessions,
                label: SweepReport.runLabel(
                    mode: run.mode,
                    sessions: run.sessions,
                    wait: run.wait,
                    repetition: run.repetition,
                    index: index + 1,
                    total: runs.count
                )
            )
            onRunStart(progress)
            let outcome = await self.run(
                mode: run.mode,
                sessions: run.sessions,
                wait: run.wait,
                repetition: run.repetition,
                progress: progress
            )
            if Task.isCancelled {
                if let writer {
                    try state.beginWrite(writer)
                    if let lines = try writer.append(rows: outcome.results) { state.partialRawLines.append(lines) }
                    state.interruptedRun = index
                    state.pendingWrite = nil
                    try state.save(to: writer.directory)
                }
                throw SweepInterrupted(
                    finishedRuns: state.finished.count,
                    totalRuns: runs.count,
                    interruptedRun: index,
                    rowsWritten: outcome.results.count,
                    summaries: summaries
                )
            }
            if let writer {
                try state.beginWrite(writer)
                try writer.append(results: outcome.results, summary: outcome.summary)
                if let measures = outcome.summary.measures {
                    try IntervalLog.write(measures, to: writer.directory, run: outcome.summary)
                }
            }
            state.finished.append(index)
            state.pendingWrite = nil
            if let writer { try state.save(to: writer.directory) }
            summaries.append(outcome.summary)
            onRun(index + 1, runs.count, outcome)
        }
        return summaries
    }

    private func run(
        mode: LoadMode,
        sessions: Int,
        wait: Double,
        repetition: Int,
        progress: RunProgress
    ) async -> RunOutcome {
        let driver = SessionDriver(
            mode: mode,
            wait: wait,
            timeout: timeout,
            batchSize: sessions,
            hardware: hardware,
            tls: tls,
            progress: progress,
            workload: workload,
            seed: seed
        )
        let results: [SessionResult]
        let wallTime: Double
        var measures: LoadMeasures?
        let usageBefore = ProcessUsage.current()
        switch pattern {
        case .burst:
            (results, wallTime) = await Burst(endpoints: endpoints, sessions: sessions, driver: driver).run()
        case .openModel(let rate, let duration):
            (results, wallTime) = await OpenModelRun(
                endpoints: endpoints,
                arrivalRate: rate,
                duration: duration,
                driver: driver
            ).run()
        case .profile(let profile, let duration):
            let outcome = await ProfileRun(
                endpoints: endpoints,
                sessions: sessions,
                profile: profile,
                duration: duration,
                window: window,
                driver: driver
            ).run()
            (results, wallTime, measures) = (outcome.results, outcome.wallTime, outcome.measures)
        case .replay(let schedule):
            let outcome = await ReplayRun(endpoints: endpoints, schedule: schedule, window: window, driver: driver).run()
            (results, wallTime, measures) = (outcome.results, outcome.wallTime, outcome.measures)
        }
        var summary = RunSummary(
            results: results,
            mode: mode,
            url: url,
            numRequests: results.count,
            waitSeconds: wait,
            repetition: repetition,
            totalWallTime: wallTime,
            hardware: hardware
        )
        summary.measures = measures
        if measuresOwnCost { summary.clientUsage = ProcessUsage.current().since(usageBefore) }
        return RunOutcome(summary: summary, results: results)
    }
}

/// A sweep stopped by cancellation (SIGINT) after writing what it had.
public struct SweepInterrupted: Error, CustomStringConvertible {
    public let finishedRuns: Int
    public let totalRuns: Int
    /// 0-based index of the run that was stopped; `nil` when the sweep stopped between runs.
    public let interruptedRun: Int?
    public let rowsWritten: Int
    /// The finished runs (resumed ones included), for the summary of an incomplete sweep.
    public let summaries: [RunSummary]

    public var description: String {
        guard let interruptedRun else {
            return "interrupted between runs: \(finishedRuns) of \(totalRuns) runs finished"
        }
        return "interrupted during run \(interruptedRun + 1)/\(totalRuns): \(finishedRuns) runs finished, "
            + "\(rowsWritten) rows of the interrupted run written"
    }
}

extension SweepState {
    /// Records where the writer's files end before a run is written, so a kill mid-write can be
    /// undone by `--resume`.
    mutating func beginWrite(_ writer: ResultsWriter) throws {
        try writer.dropTornTails()
        pendingWrite = writer.offsets()
        try save(to: writer.directory)
    }
}
