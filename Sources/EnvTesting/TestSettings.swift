import EnvProtocol
import Foundation

/// Every `OPENENV_*` setting of the test suites, read once from the environment.
///
/// - `OPENENV_URL`: check this server instead of an in-process one (`http(s)://host:port`).
/// - `OPENENV_PROFILE=reference`: the server is the Python reference; strict-only cases report
///   warnings instead of failures.
/// - `OPENENV_PROTOCOL` (`openenv-0.3`, `openenv-0.10`, or a release such as `0.5.0`): the
///   protocol the cases expect, and the one the in-process server speaks; unset, a remote
///   server's is detected (``ServerUnderTest/protocolProfile()``) and ours speaks the current one.
/// - `OPENENV_CAPACITY_URL` and `OPENENV_MAX_SESSIONS`: a server whose capacity is known, for
///   the capacity cases (default `OPENENV_URL`); without `OPENENV_MAX_SESSIONS` they are skipped.
/// - `OPENENV_SESSION_TIMEOUT`: the remote server's idle timeout in seconds; without it the
///   idle-timeout case is skipped for remote servers.
/// - `OPENENV_MAX_MESSAGE_BYTES`: the remote server's message limit (default 16 MiB, uvicorn's).
/// - `OPENENV_SCALING=1`, `OPENENV_INFRA`, `OPENENV_SCALING_GRID`, `OPENENV_SCALING_REPS`,
///   `OPENENV_SCALING_WAITS`, `OPENENV_RECORD_BASELINE=1`: the Scaling suite (``ScalingSettings``).
/// - `OPENENV_ENVIRONMENT`: in-process, the environment our server hosts (`benchmark`, default,
///   or `echo`); remotely, `benchmark` or another name instead of detecting it from `/schema`.
/// - `OPENENV_ACTION`: a JSON object, the step action for environments whose schema cannot say
///   what is legal in a state (default: synthesized from the action schema).
/// - `OPENENV_IDLE_GAP` (seconds, default 20): the idle gap of the trainer cases (a trainer's
///   generation time between steps); `OPENENV_PONG_DELAY` (default 5): how long a client leaves
///   the server's pings unanswered; `OPENENV_LONG_STEP` (default 12): the length of the long
///   step; `OPENENV_LONG_ACTION` (a JSON object): a step action of the environment that takes
///   at least that long (the benchmark's is `{"wait_seconds": OPENENV_LONG_STEP}`; without
///   either the long-step cases are skipped); `OPENENV_CLIENT_TIMEOUT` (default 1): the
///   client-side timeout of the desync case; `OPENENV_SLOT_RELEASE` (default 10): the bound
///   within which a freed or aborted session's slot must admit a new session. The defaults
///   keep CI short; a trainer's real figures (30 s gaps, 45 s steps) are set the same way.
/// - `OPENENV_RELIABILITY_LOAD=1`: run the load-heavy reliability suites.
/// - `OPENENV_IDLE_CONNECTIONS=N`: run the idle-connection flood with N connections (CI: 15,000).
/// - `OPENENV_SOAK_SECONDS=S`: run the soak for S seconds (CI: 180; the long form 1,800), and
///   `OPENENV_SOAK_RSS_GROWTH_MIB` (default 64), its bound on the server's RSS growth.
/// - `OPENENV_BASELINES`: a directory of baselines instead of the bundled ones.
public struct TestSettings: Sendable {
    /// The remote server under test, if any.
    public var remoteURL: String?
    /// Whether the server is the Python reference (strict-only cases become warnings).
    public var isReferenceProfile: Bool
    /// `OPENENV_PROTOCOL` as given (it may not name a profile: ``protocolProfile`` is then `nil`).
    public var protocolName: String?
    public var protocolProfile: ProtocolProfile? { protocolName.flatMap(ProtocolProfile.init(named:)) }
    public var capacityURL: String?
    public var remoteMaxSessions: Int?
    public var remoteSessionTimeout: Double?
    public var remoteMaxMessageBytes: Int?
    public var scaling: ScalingSettings
    /// `OPENENV_RELIABILITY_LOAD=1`: the load-heavy reliability suites are selected.
    public var runsReliabilityLoad: Bool
    /// `OPENENV_IDLE_CONNECTIONS`: the idle-connection flood's size; `nil`: not selected.
    public var idleConnections: Int?
    /// `OPENENV_SOAK_SECONDS`: the soak's length; `nil`: not selected.
    public var soakSeconds: Double?
    /// `OPENENV_SOAK_RSS_GROWTH_MIB`: the soak's bound on the server's RSS growth after warm-up.
    public var soakRSSGrowthMiB: Int
    public var baselinesDirectory: String?
    public var environmentName: String?
    /// `OPENENV_ACTION` parsed (`.string` of the raw text when it is not JSON).
    public var action: JSONValue?
    /// The trainer cases' bounds (see the list above).
    public var trainer: TrainerBounds

    /// The settings of this test process.
    public static let current = TestSettings(ProcessInfo.processInfo.environment)

    public init(_ environment: [String: String]) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        remoteURL = value("OPENENV_URL")
        isReferenceProfile = value("OPENENV_PROFILE") == "reference"
        protocolName = value("OPENENV_PROTOCOL")
        capacityURL = value("OPENENV_CAPACITY_URL")
        remoteMaxSessions = value("OPENENV_MAX_SESSIONS").flatMap(Int.init)
        remoteSessionTimeout = value("OPENENV_SESSION_TIMEOUT").flatMap(Double.init)
        remoteMaxMessageBytes = value("OPENENV_MAX_MESSAGE_BYTES").flatMap(Int.init)
        runsReliabilityLoad = value("OPENENV_RELIABILITY_LOAD") == "1"
        idleConnections = value("OPENENV_IDLE_CONNECTIONS").flatMap(Int.init)
        soakSeconds = value("OPENENV_SOAK_SECONDS").flatMap(Double.init)
        soakRSSGrowthMiB = value("OPENENV_SOAK_RSS_GROWTH_MIB").flatMap(Int.init) ?? 64
        baselinesDirectory = value("OPENENV_BASELINES")
        environmentName = value("OPENENV_ENVIRONMENT")
        action = value("OPENENV_ACTION").map { (try? JSONCoding.parse($0)) ?? .string($0) }
        let seconds = { (name: String, fallback: Double) in Duration.seconds(value(name).flatMap(Double.init) ?? fallback) }
        trainer = TrainerBounds(
            idleGap: seconds("OPENENV_IDLE_GAP", 20),
            pongDelay: seconds("OPENENV_PONG_DELAY", 5),
            longStep: seconds("OPENENV_LONG_STEP", 12),
            longAction: value("OPENENV_LONG_ACTION").map { (try? JSONCoding.parse($0)) ?? .string($0) },
            clientTimeout: seconds("OPENENV_CLIENT_TIMEOUT", 1),
            slotRelease: seconds("OPENENV_SLOT_RELEASE", 10)
        )
        scaling = ScalingSettings(environment, isRemote: remoteURL != nil)
    }

    public var isRemote: Bool { remoteURL != nil }
}

/// The bounds of the trainer cases (``TestSettings``: `OPENENV_IDLE_GAP` and the others),
/// short by default so CI can afford them.
public struct TrainerBounds: Sendable {
    public var idleGap: Duration
    public var pongDelay: Duration
    public var longStep: Duration
    /// `OPENENV_LONG_ACTION` as given (`.string` of the raw text when it is not JSON).
    public var longAction: JSONValue?
    public var clientTimeout: Duration
    public var slotRelease: Duration
}

/// What a Scaling run measures and against which baseline.
///
/// - `OPENENV_URL`: measure this server; then `OPENENV_INFRA` names the baseline (required).
///   Without it, an in-process server is measured against `local-swift`.
/// - `OPENENV_SCALING_GRID` (e.g. `32,512`): the batch sizes to run; default `32,512,2048,4096`.
/// - `OPENENV_SCALING_REPS`: repetitions per case (default 1).
/// - `OPENENV_RECORD_BASELINE=1`: measure the grid (`OPENENV_SCALING_WAITS`, default `1.0`) and
///   write the baseline file instead of comparing; the run then fails, so a new baseline is never
///   accepted silently. `OPENENV_BASELINE_DESCRIPTION`, `OPENENV_CORES` and `OPENENV_WORKERS`
///   describe the recorded infrastructure.
/// - `OPENENV_WORKLOAD` (an action object, or an array of them cycled per step), or
///   `OPENENV_TOOL` with `OPENENV_TOOL_ARGUMENTS`, and `OPENENV_STEPS`: what each session sends,
///   as `openenv-bench --action/--tool/--arguments/--steps` (default: the benchmark's step). The
///   baseline names the workload it was recorded with.
public struct ScalingSettings: Sendable {
    public var infrastructure: String?
    public var grid: [Int]
    public var repetitions: Int
    public var recordWaits: [Double]
    public var isRecording: Bool
    public var recordDescription: String?
    public var recordCores: Int?
    public var recordWorkers: Int?
    public var workloadAction: String?
    public var workloadTool: String?
    public var workloadToolArguments: String?
    public var workloadSteps: Int
    /// The suite measures load, so it runs only where that was asked for: in a release build
    /// (`swift test -c release --filter Scaling`; a debug build would measure the load
    /// generator), against a remote `OPENENV_URL`, when recording, or with `OPENENV_SCALING=1`.
    public var isEnabled: Bool

    init(_ environment: [String: String], isRemote: Bool) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        infrastructure = value("OPENENV_INFRA") ?? (isRemote ? nil : "local-swift")
        grid = Self.numbers(value("OPENENV_SCALING_GRID")) ?? [32, 512, 2048, 4096]
        repetitions = value("OPENENV_SCALING_REPS").flatMap(Int.init) ?? 1
        recordWaits = Self.numbers(value("OPENENV_SCALING_WAITS")) ?? [1.0]
        isRecording = value("OPENENV_RECORD_BASELINE") == "1"
        recordDescription = value("OPENENV_BASELINE_DESCRIPTION")
        recordCores = value("OPENENV_CORES").flatMap(Int.init)
        recordWorkers = value("OPENENV_WORKERS").flatMap(Int.init)
        workloadAction = value("OPENENV_WORKLOAD")
        workloadTool = value("OPENENV_TOOL")
        workloadToolArguments = value("OPENENV_TOOL_ARGUMENTS")
        workloadSteps = value("OPENENV_STEPS").flatMap(Int.init) ?? 1
        isEnabled = Self.isReleaseBuild || isRemote || isRecording || value("OPENENV_SCALING") == "1"
    }

    /// Whether the tests were compiled with optimisation (`-c release`).
    public static var isReleaseBuild: Bool {
        #if DEBUG
        false
        #else
        true
        #endif
    }

    private static func numbers<T: LosslessStringConvertible>(_ text: String?) -> [T]? {
        guard let text else { return nil }
        let values = text.split(separator: ",").compactMap { T(String($0).trimmingCharacters(in: .whitespaces)) }
        return values.isEmpty ? nil : values
    }
}
