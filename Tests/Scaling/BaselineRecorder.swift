import BenchResults
import EnvClient
import EnvProtocol
import EnvTesting
import Foundation
import LoadGen

/// Writes a measured baseline (`OPENENV_RECORD_BASELINE=1`): the figures of this run (the
/// bursts' and each trainer profile's), the default tolerances, and where they came from.
enum BaselineRecorder {
    static func record(summaries: [RunSummary], analysis: CapacityAnalysis, profiles: [(ProfileCase, [RunSummary])]) async throws -> URL {
        let name = ScalingPlan.infrastructure ?? "unnamed"
        let previous = try? Baseline.load(name, from: ScalingPlan.baselinesDirectory)
        let byCase = Dictionary(grouping: summaries) { ScalingCase(mode: $0.mode, wait: $0.waitSeconds, batch: $0.numRequests) }
        let cases = byCase.keys.sorted { ($0.wait, $0.batch) < ($1.wait, $1.batch) }.map { key -> Baseline.Case in
            let runs = byCase[key] ?? []
            return Baseline.Case(
                mode: key.mode,
                waitSeconds: key.wait,
                batchSize: key.batch,
                successRate: runs.meanSuccessRate,
                p99Total: runs.worstServedP99
            )
        }
        let profileCases = profiles.map { profileCase, runs in
            Baseline.Case(
                profile: profileCase.profile,
                waitSeconds: ProfileCase.wait,
                concurrency: profileCase.concurrency,
                stepsAnsweredShare: runs.meanStepsAnsweredShare,
                stepP99: runs.worstStepP99
            )
        }
        if ScalingPlan.settings.recordProfilesOnly {
            guard var baseline = previous else {
                throw BaselineError(baseline: name, reason: "OPENENV_RECORD_PROFILES_ONLY=1 adds profile cases to a baseline; there is none")
            }
            baseline.cases = baseline.cases.filter { $0.profile == nil } + profileCases
            baseline.profilesSource = source(name)
            return try baseline.write(to: ScalingPlan.recordingDirectory)
        }
        let baseline = Baseline(
            schema: Baseline.schemaName,
            infrastructure: name,
            description: ScalingPlan.settings.recordDescription ?? previous?.description,
            cores: ScalingPlan.settings.recordCores ?? previous?.cores ?? ProcessInfo.processInfo.activeProcessorCount,
            workers: ScalingPlan.settings.recordWorkers ?? previous?.workers ?? 1,
            source: source(name),
            tolerances: previous?.tolerances ?? Baseline.Tolerances(),
            grid: Baseline.Grid(mode: .ws, requests: ScalingPlan.grid, waits: ScalingPlan.recordWaits, reps: ScalingPlan.repetitions),
            cases: cases + profileCases,
            maxBatch: analysis.maxBatch.keys.sorted().map {
                Baseline.MaxBatch(mode: $0.mode, waitSeconds: $0.wait, maxBatch: analysis.maxBatch[$0] ?? nil)
            },
            latencyBoundedCapacity: analysis.latencyBoundedCapacity.keys.sorted().map {
                Baseline.Capacity(mode: $0.mode, waitSeconds: $0.wait, capacity: analysis.latencyBoundedCapacity[$0] ?? nil)
            },
            history: previous.map { [Baseline.HistoryEntry(source: $0.source, cases: $0.cases, maxBatch: $0.maxBatch)] + ($0.history ?? []) },
            protocolProfile: await ServerUnderTest.protocolProfile().name,
            workload: try ScalingPlan.workload.get().description
        )
        return try baseline.write(to: ScalingPlan.recordingDirectory)
    }

    /// This recording: when, how to repeat it, and on what.
    private static func source(_ name: String) -> Baseline.Source {
        let settings = ScalingPlan.settings
        let where_ = ScalingPlan.remoteURL.map { "server at \($0)" } ?? "in-process server and load generator in one test process (release build)"
        let bursts =
            settings.recordProfilesOnly
            ? " OPENENV_RECORD_PROFILES_ONLY=1"
            : " OPENENV_SCALING_GRID=" + ScalingPlan.grid.map(String.init).joined(separator: ",") + " OPENENV_SCALING_WAITS="
                + ScalingPlan.recordWaits.map { String($0) }.joined(separator: ",")
        return Baseline.Source(
            date: String(Timestamp.now().prefix(10)),
            document: "measured",
            run: (settings.recordProfilesOnly ? "PROFILES=\(settings.recordProfiles.joined(separator: ",")) PROFILES_ONLY=1 " : "")
                + "ci/update-baselines \(name)",
            command: "OPENENV_RECORD_BASELINE=1 OPENENV_INFRA=\(name)\(workloadVariables)\(bursts)"
                + " OPENENV_SCALING_PROFILES=" + (settings.recordProfiles.isEmpty ? "none" : settings.recordProfiles.joined(separator: ","))
                + " OPENENV_SCALING_REPS=\(ScalingPlan.repetitions) swift test -c release --filter Scaling",
            machine: "\(ProcessInfo.processInfo.hostName), \(ProcessInfo.processInfo.activeProcessorCount) cores; \(where_)"
        )
    }

    /// The workload variables of this recording, as shell words (` NAME='value'` each), so the
    /// recorded command reproduces what the sessions sent.
    private static var workloadVariables: String {
        let settings = ScalingPlan.settings
        let variables: [(String, String?)] = [
            ("OPENENV_WORKLOAD", settings.workloadAction), ("OPENENV_TOOL", settings.workloadTool),
            ("OPENENV_TOOL_ARGUMENTS", settings.workloadToolArguments),
            ("OPENENV_STEPS", settings.workloadSteps == 1 ? nil : String(settings.workloadSteps)),
        ]
        return variables.compactMap { name, value in
            value.map { " \(name)='\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }
        }.joined()
    }
}
