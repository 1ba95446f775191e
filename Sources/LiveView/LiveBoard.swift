import BenchResults
import EnvProtocol
import Foundation
import LoadGen
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
        /// Per window: sessions open and failures so far by kind, as last sampled in it (the
        /// measures have no windows for these).
        public internal(set) var openByWindow: [Int] = []
        public internal(set) var failedByWindow: [[FailureKind: Int]] = []
        /// The run's result lines once it finished; empty while it runs.
        public internal(set) var resultLines: [String] = []
        let progress: RunProgress
    }

    /// Seconds per window for what the board samples itself (the run's `--window`).
    public let window: Double
    private let sweepID: String
    private let state = Mutex<(settings: [String], runs: [Run])>(([], []))

    /// - Parameters:
    ///   - window: seconds per window.
    ///   - startedAt: names the runs' `run` labels (default now).
    public init(window: Double, startedAt: Date = Date()) {
        self.window = window
        sweepID = Timestamp.format(startedAt).prefix(19) + "Z"
    }

    /// Lines describing the sweep (the command, its plan), shown above the runs.
    public var settings: [String] { state.withLock { $0.settings } }

    /// Every run so far, the one in progress last.
    public var runs: [Run] { state.withLock { $0.runs } }

    /// Adds lines to ``settings``.
    public func describe(_ lines: [String]) {
        state.withLock { $0.settings += lines }
    }

    /// The run counted by `progress` starts now.
    public func begin(_ progress: RunProgress) {
        state.withLock { state in
            let id = "\(sweepID)-\(state.runs.count + 1)"
            state.runs.append(Run(id: id, label: progress.label, latest: LiveSample(of: progress), progress: progress))
        }
    }

    /// Samples the run in progress.
    public func sample() {
        state.withLock { state in
            guard let last = state.runs.indices.last, state.runs[last].resultLines.isEmpty else { return }
            Self.sample(&state.runs[last], window: window)
        }
    }

    /// The run in progress ended with `lines` (its result line and what follows): a last sample,
    /// so the page and `/metrics` end on the run's own totals.
    public func finish(with lines: [String]) {
        state.withLock { state in
            guard let last = state.runs.indices.last else { return }
            Self.sample(&state.runs[last], window: window)
            state.runs[last].resultLines = lines
        }
    }

    private static func sample(_ run: inout Run, window: Double) {
        let sample = LiveSample(of: run.progress)
        run.latest = sample
        let index = max(0, Int(sample.progress.elapsed.seconds / window))
        while run.openByWindow.count <= index {
            run.openByWindow.append(sample.progress.open)
            run.failedByWindow.append(sample.sessions.failed)
        }
        run.openByWindow[index] = sample.progress.open
        run.failedByWindow[index] = sample.sessions.failed
    }
}
