import EnvServer
import EnvTesting
import Foundation
import LoadGen
import Testing

/// What a Scaling run measures and against which baseline, from the environment:
///
/// - `OPENENV_URL`: measure this server; then `OPENENV_INFRA` names the baseline (required).
///   Without it, an in-process server is measured against `local-swift`.
/// - `OPENENV_SCALING_GRID` (e.g. `32,512`): the batch sizes to run; default `32,512,2048,4096`.
/// - `OPENENV_SCALING_REPS`: repetitions per case (default 1).
/// - `OPENENV_RECORD_BASELINE=1`: measure the grid (`OPENENV_SCALING_WAITS`, default `1.0`) and
///   write the baseline file instead of comparing; the run then fails, so a new baseline is never
///   accepted silently (review it, commit it, rerun).
///
/// Baselines are recorded from release builds (`ci/update-baselines`); compare in release too.
enum ScalingPlan {
    static let environment = ProcessInfo.processInfo.environment
    static let remoteURL = environment["OPENENV_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let isRecording = environment["OPENENV_RECORD_BASELINE"] == "1"
    static let infrastructure = environment["OPENENV_INFRA"] ?? (remoteURL == nil ? "local-swift" : nil)
    static let repetitions = environment["OPENENV_SCALING_REPS"].flatMap(Int.init) ?? 1
    static let grid: [Int] = numbers(environment["OPENENV_SCALING_GRID"]) ?? [32, 512, 2048, 4096]
    static let recordWaits: [Double] = numbers(environment["OPENENV_SCALING_WAITS"]) ?? [1.0]

    /// Scaling measures, so it runs only where nothing else shares the cores with it: when
    /// selected on its own (`swift test --filter Scaling`), against a remote `OPENENV_URL`, when
    /// recording, or with `OPENENV_SCALING=1`. A plain local `swift test` skips it.
    static let isSelected: Bool = {
        let arguments = CommandLine.arguments
        let filters = zip(arguments, arguments.dropFirst()).filter { $0.0 == "--filter" }.map(\.1)
        return filters.contains { $0.contains("Scaling") } || remoteURL != nil || isRecording
            || environment["OPENENV_SCALING"] == "1"
    }()

    /// `baselines/` at the package root, found from this file.
    static let baselinesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("baselines")

    /// The chosen baseline, or why there is none.
    static let baseline: Result<Baseline, BaselineError> = {
        guard let infrastructure else {
            return .failure(
                BaselineError(
                    description: "OPENENV_URL is set, so OPENENV_INFRA must name its baseline; available: "
                        + Baseline.available(in: baselinesDirectory).joined(separator: ", ")))
        }
        do {
            return .success(try Baseline.load(infrastructure, from: baselinesDirectory))
        } catch let error as BaselineError {
            return .failure(error)
        } catch {
            return .failure(BaselineError(description: "cannot read baseline '\(infrastructure)': \(error)"))
        }
    }()

    /// The cases to run: the baseline's within the grid, or the whole grid when recording.
    static let cases: [ScalingCase] = {
        if isRecording {
            return recordWaits.flatMap { wait in grid.map { ScalingCase(mode: .ws, wait: wait, batch: $0) } }
        }
        guard case .success(let baseline) = baseline else { return [] }
        return baseline.cases.filter { grid.contains($0.batchSize) }
            .map { ScalingCase(mode: $0.mode, wait: $0.waitSeconds, batch: $0.batchSize) }
            .sorted { ($0.wait, $0.batch) < ($1.wait, $1.batch) }
    }()

    /// Runs one case `repetitions` times against the server under test.
    static func measure(_ scalingCase: ScalingCase) async throws -> [(summary: RunSummary, results: [SessionResult])] {
        try await withServer(capacityFor: scalingCase.batch) { endpoint in
            var runs: [(RunSummary, [SessionResult])] = []
            for repetition in 1...repetitions {
                if repetition > 1 { try await Task.sleep(for: .milliseconds(500)) }
                let driver = SessionDriver(
                    mode: scalingCase.mode, wait: scalingCase.wait, timeout: .seconds(120),
                    batchSize: scalingCase.batch, hardware: "cpu-basic")
                let (results, wallTime) = await Burst(endpoints: [endpoint], sessions: scalingCase.batch, driver: driver).run()
                let summary = RunSummary(
                    results: results, mode: scalingCase.mode, url: endpoint.httpURL, numRequests: scalingCase.batch,
                    waitSeconds: scalingCase.wait, repetition: repetition, totalWallTime: wallTime, hardware: "cpu-basic")
                runs.append((summary, results))
            }
            return runs
        }
    }

    /// The remote server, or a fresh in-process one that can hold the whole burst.
    private static func withServer<Result: Sendable>(
        capacityFor batch: Int, _ body: (ServerEndpoint) async throws -> Result
    ) async throws -> Result {
        if let remoteURL { return try await body(ServerEndpoint(parsing: remoteURL)) }
        return try await withTestServer(ServerConfiguration(maxConcurrentEnvs: max(100, batch))) { endpoint, _ in
            try await body(endpoint)
        }
    }

    private static func numbers<T: LosslessStringConvertible>(_ text: String?) -> [T]? {
        guard let text, !text.isEmpty else { return nil }
        let values = text.split(separator: ",").compactMap { T(String($0).trimmingCharacters(in: .whitespaces)) }
        return values.isEmpty ? nil : values
    }
}

/// One grid cell of a Scaling run.
struct ScalingCase: Sendable, Hashable, CustomTestStringConvertible {
    var mode: LoadMode
    var wait: Double
    var batch: Int

    var testDescription: String { "\(mode.rawValue) · \(batch) sessions · wait \(wait) s" }
    /// Attachment-safe name (no `/`).
    var fileStem: String { "\(mode.rawValue)-\(batch)-wait\(wait)" }
}

/// Runs measured so far in this process, so the capacity test can reuse them.
actor MeasuredRuns {
    static let shared = MeasuredRuns()
    private var runs: [ScalingCase: [RunSummary]] = [:]

    func add(_ scalingCase: ScalingCase, _ summaries: [RunSummary]) {
        runs[scalingCase] = summaries
    }

    func summaries(for scalingCase: ScalingCase) -> [RunSummary]? {
        runs[scalingCase]
    }
}
