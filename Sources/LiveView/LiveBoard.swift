import BenchResults
import EnvProtocol
public import Foundation
import Histogram
public import LoadGen
import Synchronization

/// What the live view of `openenv-bench run --web` shows: the sweep's settings and each of its
/// runs as it goes. The sweep tells it when a run starts and ends; a sampler calls ``sample()``
/// about once a second. Readers (the page, `/metrics`) only see samples, so however often they
/// ask, the load generator is read at the sampler's pace.
public final class LiveBoard: Sendable {
    /// One run of the sweep.
    public struct Run: Sendable {
        /// The Prometheus `run` label: the sweep's start time and the run's number
        /// (`2026-12-05T14:20:00Z-1`).
        public let id: String
        /// The run as the progress line names it (`[1/1] [WS] N=2048, wait=1.0s, rep=1`).
        public let label: String
        /// The latest sample.
        public internal(set) var latest: LiveSample
        /// The charts' figures, one per window so far.
        public internal(set) var windows: [LiveWindow] = []
        /// The run's result lines once it finished; empty while it runs.
        public internal(set) var resultLines: [String] = []
        let progress: RunProgress
        /// The sum of the measures' windows that can no longer change (all but the last two:
        /// sessions record into the window of the moment), so a sample adds only the others.
        var settled = Run.presized()
        var settledCount = 0

        /// A window whose histograms already span an hour: adding windows to it (each sample)
        /// never resizes it, which would cost more than the adding.
        static func presized() -> LoadMeasures.Window {
            var window = LoadMeasures.Window()
            for histogram in [\LoadMeasures.Window.stepLatency, \.slotWait] {
                window[keyPath: histogram] = LoadMeasures.LatencyHistogram(
                    highestTrackableValue: 3_600_000_000,
                    numberOfSignificantValueDigits: .three
                )
                window[keyPath: histogram].autoResize = true
            }
            return window
        }
    }

    /// Seconds per window (the run's `--window`).
    public let window: Double
    private let sweepID: String
    private let state = Mutex<State>(State())

    private struct State {
        var settings: [String] = []
        var runs: [Run] = []
        /// Counts changes, so a rendering of the board can be reused until the next one.
        var generation = 0
    }

    /// - Parameters:
    ///   - window: seconds per window.
    ///   - startedAt: names the runs' `run` labels (default now).
    public init(window: Double, startedAt: Date = Date()) {
        self.window = window
        sweepID = Timestamp.format(startedAt).prefix(19) + "Z"
    }

    /// Every run so far, the one in progress last.
    public var runs: [Run] { state.withLock { $0.runs } }

    /// The settings and runs read at once, with their generation: it changes with every sample,
    /// run and setting, so equal generations show the same board.
    public func contents() -> (generation: Int, settings: [String], runs: [Run]) {
        state.withLock { ($0.generation, $0.settings, $0.runs) }
    }

    /// Adds lines describing the sweep (the command, its plan), shown above the runs.
    public func describe(_ lines: [String]) {
        state.withLock { state in
            state.settings += lines
            state.generation += 1
        }
    }

    /// The run counted by `progress` starts now.
    public func begin(_ progress: RunProgress) {
        state.withLock { state in
            let id = "\(sweepID)-\(state.runs.count + 1)"
            let empty = LiveSample(progress: progress.snapshot(), sessions: progress.tally.snapshot, measures: nil, total: .init())
            var run = Run(id: id, label: progress.label, latest: empty, progress: progress)
            Self.sample(&run, window: window)
            state.runs.append(run)
            state.generation += 1
        }
    }

    /// Samples the run in progress.
    public func sample() {
        state.withLock { state in
            guard let last = state.runs.indices.last, state.runs[last].resultLines.isEmpty else { return }
            Self.sample(&state.runs[last], window: window)
            state.generation += 1
        }
    }

    /// The run in progress ended with `lines` (its result line and what follows): a last sample,
    /// so the page and `/metrics` end on the run's own totals.
    public func finish(with lines: [String]) {
        state.withLock { state in
            guard let last = state.runs.indices.last else { return }
            Self.sample(&state.runs[last], window: window)
            state.runs[last].resultLines = lines
            state.generation += 1
        }
    }

    private static func sample(_ run: inout Run, window: Double) {
        let progress = run.progress.snapshot()
        let measures = run.progress.measures()
        let windows = measures?.windows ?? []
        while run.settledCount < windows.count - 2 {
            run.settled.add(windows[run.settledCount])
            run.settledCount += 1
        }
        let total = windows[run.settledCount...].reduce(into: run.settled) { $0.add($1) }
        let elapsed = progress.elapsed.seconds
        run.latest = LiveSample(progress: progress, sessions: run.progress.tally.snapshot, measures: measures, total: total)

        let length = measures?.window ?? window
        let current = max(0, Int(elapsed / length), windows.count - 1)
        while run.windows.count <= current {
            // Sessions open and failures so far carry over until sampled in the new window.
            var next = LiveWindow()
            (next.open, next.failed) = (run.windows.last?.open ?? 0, run.windows.last?.failed ?? [:])
            run.windows.append(next)
        }
        for index in max(0, windows.count - 2)..<windows.count {
            run.windows[index].measure(windows[index], seconds: min(length, elapsed - Double(index) * length))
        }
        run.windows[current].open = progress.open
        run.windows[current].failed = run.latest.sessions.failed
    }
}
