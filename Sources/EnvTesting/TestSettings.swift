public import EnvProtocol
public import EnvServer
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
///   `OPENENV_SCALING_WAITS`, `OPENENV_RECORD_BASELINE=1`, `OPENENV_SCALING_PROFILES`,
///   `OPENENV_RECORD_PROFILES_ONLY=1`: the Scaling suite (``ScalingSettings``).
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
/// - What a CI script started for a suite to judge (``ScriptedRuns``): `OPENENV_PROFILE_URL`
///   and the others of `ci/fixture-check`, `OPENENV_RENDERED` of `ci/report-render-test`,
///   `OPENENV_PROMETHEUS_*` of `ci/prometheus-scrape-test`.
///
/// A value that does not parse is not dropped: it is one of ``problems``, which the harness
/// suite reports as a failure naming the variable (the same rule as the server's variables).
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
    public var scriptedRuns: ScriptedRuns
    /// Every variable whose value could not be used, here and in ``scaling``.
    public var problems: [ConfigurationError]

    /// The settings of this test process.
    public static let current = TestSettings(ProcessInfo.processInfo.environment)

    public init(_ environment: [String: String]) {
        var reader = SettingsReader(environment)
        remoteURL = reader.string("OPENENV_URL")
        isReferenceProfile = reader.string("OPENENV_PROFILE") == "reference"
        protocolName = reader.string("OPENENV_PROTOCOL")
        capacityURL = reader.string("OPENENV_CAPACITY_URL")
        remoteMaxSessions = reader.read { try $0.value("OPENENV_MAX_SESSIONS", .integer(atLeast: 1)) }
        remoteSessionTimeout = reader.read { try $0.value("OPENENV_SESSION_TIMEOUT", .seconds()) }
        remoteMaxMessageBytes = reader.read { try $0.value("OPENENV_MAX_MESSAGE_BYTES", .integer(atLeast: 1)) }
        runsReliabilityLoad = reader.read { try $0.value("OPENENV_RELIABILITY_LOAD", .flag) } ?? false
        idleConnections = reader.read { try $0.value("OPENENV_IDLE_CONNECTIONS", .integer(in: 1...1_000_000)) }
        soakSeconds = reader.read { try $0.value("OPENENV_SOAK_SECONDS", .seconds()) }
        soakRSSGrowthMiB = reader.read { try $0.value("OPENENV_SOAK_RSS_GROWTH_MIB", .integer(atLeast: 1)) } ?? 64
        baselinesDirectory = reader.string("OPENENV_BASELINES")
        environmentName = reader.string("OPENENV_ENVIRONMENT")
        action = reader.json("OPENENV_ACTION")
        func seconds(_ name: String, _ fallback: Double) -> Duration {
            .seconds(reader.read { try $0.value(name, .seconds()) } ?? fallback)
        }
        trainer = TrainerBounds(
            idleGap: seconds("OPENENV_IDLE_GAP", 20),
            pongDelay: seconds("OPENENV_PONG_DELAY", 5),
            longStep: seconds("OPENENV_LONG_STEP", 12),
            longAction: reader.json("OPENENV_LONG_ACTION"),
            clientTimeout: seconds("OPENENV_CLIENT_TIMEOUT", 1),
            slotRelease: seconds("OPENENV_SLOT_RELEASE", 10)
        )
        scaling = ScalingSettings(&reader, isRemote: remoteURL != nil)
        scriptedRuns = ScriptedRuns(&reader)
        problems = reader.problems
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

/// What a CI script started outside the test process for a suite to judge; each is `nil` unless
/// the script set it, and a suite runs when its first variable is given.
///
/// - `ci/fixture-check`: `OPENENV_PROFILE_URL` (a server of ample capacity),
///   `OPENENV_PROFILE_CAPPED_URL` (capacity 4), `OPENENV_TOOL` and `OPENENV_TOOL_ARGUMENTS` (the
///   fixture's tool) for `ProfileAgainstServerTests`.
/// - `ci/report-render-test`: `OPENENV_RENDERED`, the directory of the rendered pages.
/// - `ci/prometheus-scrape-test`: `OPENENV_PROMETHEUS_PORT`, `OPENENV_PROMETHEUS_SINCE` (seconds
///   since 1970), `OPENENV_PROMETHEUS_SUMMARY` (the run's `--summary-json`) and
///   `OPENENV_PROMETHEUS_RUN_SECONDS`.
public struct ScriptedRuns: Sendable {
    public var profileURL: String?
    public var profileCappedURL: String?
    public var tool: String?
    public var toolArguments: String?
    public var renderedDirectory: String?
    /// Whether `OPENENV_PROMETHEUS_PORT` is given at all (its value may still be a problem).
    public var hasPrometheus: Bool
    public var prometheusPort: Int?
    public var prometheusSince: Double?
    public var prometheusSummary: String?
    public var prometheusRunSeconds: Double?

    init(_ reader: inout SettingsReader) {
        profileURL = reader.string("OPENENV_PROFILE_URL")
        profileCappedURL = reader.string("OPENENV_PROFILE_CAPPED_URL")
        tool = reader.string("OPENENV_TOOL")
        toolArguments = reader.string("OPENENV_TOOL_ARGUMENTS")
        renderedDirectory = reader.string("OPENENV_RENDERED")
        hasPrometheus = reader.string("OPENENV_PROMETHEUS_PORT") != nil
        prometheusPort = reader.read { try $0.value("OPENENV_PROMETHEUS_PORT", .port) }
        prometheusSince = reader.read { try $0.value("OPENENV_PROMETHEUS_SINCE", .number()) }
        prometheusSummary = reader.string("OPENENV_PROMETHEUS_SUMMARY")
        prometheusRunSeconds = reader.read { try $0.value("OPENENV_PROMETHEUS_RUN_SECONDS", .seconds()) }
    }
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
///   describe the recorded infrastructure. `OPENENV_SCALING_PROFILES` (default
///   `pool,refill,oversubscribe`; `none`) names the trainer-profile cases recorded; with
///   `OPENENV_RECORD_PROFILES_ONLY=1` only they are measured, and they replace the profile cases
///   of the existing baseline, whose bursts stay as they were.
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
    public var recordProfiles: [String]
    public var recordProfilesOnly: Bool
    public var workloadAction: String?
    public var workloadTool: String?
    public var workloadToolArguments: String?
    public var workloadSteps: Int
    /// The suite measures load, so it runs only where that was asked for: in a release build
    /// (`swift test -c release --filter Scaling`; a debug build would measure the load
    /// generator), against a remote `OPENENV_URL`, when recording, or with `OPENENV_SCALING=1`.
    public var isEnabled: Bool

    init(_ reader: inout SettingsReader, isRemote: Bool) {
        infrastructure = reader.string("OPENENV_INFRA") ?? (isRemote ? nil : "local-swift")
        grid = reader.read { try $0.value("OPENENV_SCALING_GRID", .numbers()) } ?? [32, 512, 2048, 4096]
        repetitions = reader.read { try $0.value("OPENENV_SCALING_REPS", .integer(in: 1...1000)) } ?? 1
        recordWaits = reader.read { try $0.value("OPENENV_SCALING_WAITS", .numbers(allowingZero: true)) } ?? [1.0]
        isRecording = reader.read { try $0.value("OPENENV_RECORD_BASELINE", .flag) } ?? false
        recordDescription = reader.string("OPENENV_BASELINE_DESCRIPTION")
        recordCores = reader.read { try $0.value("OPENENV_CORES", .integer(atLeast: 1)) }
        recordWorkers = reader.read { try $0.value("OPENENV_WORKERS", .integer(atLeast: 1)) }
        recordProfiles = reader.read { try Self.profiles($0.string("OPENENV_SCALING_PROFILES")) } ?? Self.profileNames
        recordProfilesOnly = reader.read { try $0.value("OPENENV_RECORD_PROFILES_ONLY", .flag) } ?? false
        workloadAction = reader.string("OPENENV_WORKLOAD")
        workloadTool = reader.string("OPENENV_TOOL")
        workloadToolArguments = reader.string("OPENENV_TOOL_ARGUMENTS")
        workloadSteps = reader.read { try $0.value("OPENENV_STEPS", .integer(atLeast: 1)) } ?? 1
        let forced = reader.read { try $0.value("OPENENV_SCALING", .flag) } ?? false
        isEnabled = Self.isReleaseBuild || isRemote || isRecording || forced
    }

    /// The trainer profiles the Scaling suite has cases for.
    public static let profileNames = ["pool", "refill", "oversubscribe"]

    /// `OPENENV_SCALING_PROFILES`: names from ``profileNames``, comma-separated, or `none`.
    static func profiles(_ text: String?) throws(ConfigurationError) -> [String]? {
        guard let text else { return nil }
        if text == "none" { return [] }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, names.allSatisfy(profileNames.contains) else {
            throw ConfigurationError(
                name: "OPENENV_SCALING_PROFILES",
                value: text,
                expected: "a comma-separated list of \(profileNames.joined(separator: ", ")), or none"
            )
        }
        return names
    }

    /// Whether the tests were compiled with optimisation (`-c release`).
    public static var isReleaseBuild: Bool {
        #if DEBUG
        false
        #else
        true
        #endif
    }
}

/// ``EnvironmentVariables`` read for the test settings: a value that cannot be used is
/// recorded in ``problems`` (and the setting keeps its default) instead of stopping the read,
/// so every bad variable is reported at once.
struct SettingsReader {
    let variables: EnvironmentVariables
    var problems: [ConfigurationError] = []

    init(_ environment: [String: String]) { variables = EnvironmentVariables(environment) }

    func string(_ name: String) -> String? { variables.string(name) }

    /// `body`'s value; `nil` when it throws (every read of ``EnvironmentVariables`` throws a
    /// ``ConfigurationError``), which is recorded.
    mutating func read<Value>(_ body: (EnvironmentVariables) throws -> Value?) -> Value? {
        do {
            return try body(variables)
        } catch {
            problems.append(error as? ConfigurationError ?? ConfigurationError(name: "?", value: "", expected: "\(error)"))
            return nil
        }
    }

    /// A JSON value; text that is not JSON is kept as `.string` (an action the environment judges).
    func json(_ name: String) -> JSONValue? {
        string(name).map { (try? JSONCoding.parse($0)) ?? .string($0) }
    }
}
