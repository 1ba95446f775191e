import BenchResults
import EnvClient
import EnvServer
import EnvTesting
import Foundation
import LoadGen
import Testing

/// What a Scaling run measures and against which baseline: ``ScalingSettings`` (the
/// `OPENENV_*` variables) plus the baselines.
///
/// Baselines are recorded from release builds (`ci/update-baselines`); compare in release too.
enum ScalingPlan {
    static let settings = TestSettings.current.scaling
    static let remoteURL = TestSettings.current.remoteURL
    static let isRecording = settings.isRecording
    static let infrastructure = settings.infrastructure
    static let repetitions = settings.repetitions
    static let grid = settings.grid
    static let recordWaits = settings.recordWaits
    static let isSelected = settings.isEnabled

    /// What each session sends (``ScalingSettings``' workload variables).
    static let workload = Result { () throws(WorkloadError) -> Workload in
        try Workload.parse(
            action: settings.workloadAction,
            actionFileContents: nil,
            tool: settings.workloadTool,
            arguments: settings.workloadToolArguments,
            steps: settings.workloadSteps
        )
    }

    /// The package's `baselines/`, found from this file: recordings are written there.
    static let recordingDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("baselines")

    /// Where baselines are read: `OPENENV_BASELINES`, else the bundled ones.
    static let baselinesDirectory: URL =
        (try? BaselineDirectory.resolve(override: TestSettings.current.baselinesDirectory)) ?? recordingDirectory

    /// The chosen baseline, or why there is none.
    static let baseline: Result<Baseline, BaselineError> = {
        guard let infrastructure else {
            return .failure(
                BaselineError(
                    baseline: "OPENENV_INFRA",
                    reason: "OPENENV_URL is set, so OPENENV_INFRA must name its baseline; available: "
                        + Baseline.available(in: baselinesDirectory).joined(separator: ", ")
                )
            )
        }
        do {
            return .success(try Baseline.load(infrastructure, from: baselinesDirectory))
        } catch let error as BaselineError {
            return .failure(error)
        } catch {
            return .failure(BaselineError(baseline: infrastructure, reason: "\(error)"))
        }
    }()

    /// The cases to run: the baseline's within the grid, or the whole grid when recording.
    static let cases: [ScalingCase] = {
        if isRecording {
            if settings.recordProfilesOnly { return [] }
            return recordWaits.flatMap { wait in grid.map { ScalingCase(mode: .ws, wait: wait, batch: $0) } }
        }
        guard case .success(let baseline) = baseline else { return [] }
        return baseline.cases.filter { $0.profile == nil && grid.contains($0.batchSize) }
            .map { ScalingCase(mode: $0.mode, wait: $0.waitSeconds, batch: $0.batchSize) }
            .sorted { ($0.wait, $0.batch) < ($1.wait, $1.batch) }
    }()

    /// The trainer-profile cases to run: the baseline's (those naming a profile), or, when
    /// recording, those `OPENENV_SCALING_PROFILES` names (default all). A baseline without them (every one recorded before profiles) runs none.
    static let profileCases: [ProfileCase] = {
        if isRecording { return ProfileCase.all.filter { settings.recordProfiles.contains($0.profile) } }
        guard case .success(let baseline) = baseline else { return [] }
        return baseline.cases.compactMap { expected in
            expected.profile.map { ProfileCase(profile: $0, concurrency: expected.batchSize) }
        }
    }()

    /// Runs one profile case `repetitions` times against the server under test.
    static func measure(_ profileCase: ProfileCase) async throws -> [MeasuredRun] {
        try await withServer(capacity: profileCase.serverCapacity) { endpoint in
            try await profileCase.measure(endpoint, workload: try workload.get(), repetitions: repetitions)
        }
    }

    /// A profile case's runs against the baseline case naming its profile; `nil` when recording.
    static func comparison(_ profileCase: ProfileCase, _ runs: [MeasuredRun]) throws -> BaselineComparison? {
        if isRecording { return nil }
        let baseline = try baseline.get()
        return BaselineComparison(
            case: baseline.expected(mode: .ws, wait: ProfileCase.wait, batch: profileCase.concurrency, profile: profileCase.profile),
            runs: runs.map(\.summary),
            tolerances: baseline.tolerances
        )
    }

    /// Runs one case `repetitions` times against the server under test.
    static func measure(_ scalingCase: ScalingCase) async throws -> [MeasuredRun] {
        try await withServer(capacity: max(100, scalingCase.batch)) { endpoint in
            var runs: [MeasuredRun] = []
            for repetition in 1...repetitions {
                if repetition > 1 { try await Task.sleep(for: .milliseconds(500)) }
                let driver = SessionDriver(
                    mode: scalingCase.mode,
                    wait: scalingCase.wait,
                    timeout: .seconds(120),
                    batchSize: scalingCase.batch,
                    hardware: "cpu-basic",
                    workload: try workload.get()
                )
                let (results, wallTime) = await Burst(endpoints: [endpoint], sessions: scalingCase.batch, driver: driver).run()
                let summary = RunSummary(
                    results: results,
                    mode: scalingCase.mode,
                    url: endpoint.httpURL,
                    numRequests: scalingCase.batch,
                    waitSeconds: scalingCase.wait,
                    repetition: repetition,
                    totalWallTime: wallTime,
                    hardware: "cpu-basic"
                )
                runs.append((summary, results))
            }
            return runs
        }
    }

    /// A case's runs against its baseline case and tolerances; `nil` when recording.
    static func comparison(_ scalingCase: ScalingCase, _ runs: [MeasuredRun]) throws -> BaselineComparison? {
        if isRecording { return nil }
        let baseline = try baseline.get()
        return BaselineComparison(
            case: baseline.expected(mode: scalingCase.mode, wait: scalingCase.wait, batch: scalingCase.batch),
            runs: runs.map(\.summary),
            tolerances: baseline.tolerances
        )
    }

    /// The remote server, or a fresh in-process one of `capacity` sessions.
    private static func withServer<Result: Sendable>(
        capacity: Int,
        _ body: (ServerEndpoint) async throws -> Result
    ) async throws -> Result {
        if let remoteURL { return try await body(ServerEndpoint(parsing: remoteURL)) }
        return try await withTestServer(ServerConfiguration(maxConcurrentEnvs: capacity)) { endpoint, _ in
            try await body(endpoint)
        }
    }

}

/// One repetition of a case: its summary and every session's row.
typealias MeasuredRun = (summary: RunSummary, results: [SessionResult])

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
    private var profileRuns: [ProfileCase: [RunSummary]] = [:]

    func add(_ scalingCase: ScalingCase, _ summaries: [RunSummary]) {
        runs[scalingCase] = summaries
    }

    func summaries(for scalingCase: ScalingCase) -> [RunSummary]? {
        runs[scalingCase]
    }

    func add(_ profileCase: ProfileCase, _ summaries: [RunSummary]) {
        profileRuns[profileCase] = summaries
    }

    func summaries(for profileCase: ProfileCase) -> [RunSummary]? {
        profileRuns[profileCase]
    }
}
