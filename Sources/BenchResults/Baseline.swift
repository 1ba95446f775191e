public import Foundation

/// What one infrastructure is expected to do: `baselines/<name>.json` (schema in docs/BASELINES.md).
public struct Baseline: Codable, Sendable, Equatable {
    public var schema: String
    public var infrastructure: String
    public var description: String?
    public var cores: Int?
    public var workers: Int?
    /// The OpenEnv protocol profile the server spoke (`openenv-0.3`, `openenv-0.10`); `nil`:
    /// not recorded (the seed's runs).
    public var protocolProfile: String?
    /// What each session sent (`openenv-bench`'s workload name: `benchmark`, `action`,
    /// `tool:NAME`, …); `nil`: the benchmark's step.
    public var workload: String?
    public var source: Source
    /// Where the trainer-profile cases come from when they were recorded apart from the bursts
    /// (`OPENENV_RECORD_PROFILES_ONLY=1`); `nil`: with them, as ``source`` says.
    public var profilesSource: Source?

    /// The workload name of the benchmark's own step (``workload`` `nil`).
    public static let benchmarkWorkload = "benchmark"

    /// The workload this baseline was recorded with.
    public var recordedWorkload: String { workload ?? Self.benchmarkWorkload }

    /// Why results of workload `sent` cannot be judged against this baseline, or `nil` when
    /// they can: a tool call's latency says nothing about a `wait_seconds` step's.
    public func workloadMismatch(sent: String) -> String? {
        guard sent != recordedWorkload else { return nil }
        return "baseline '\(infrastructure)' was recorded with workload '\(recordedWorkload)', the results sent '\(sent)': "
            + "compare like with like, or record a baseline for this workload (ci/update-baselines NAME --url URL, "
            + "with OPENENV_WORKLOAD or OPENENV_TOOL/OPENENV_TOOL_ARGUMENTS/OPENENV_STEPS set as for the run)"
    }
    public var tolerances: Tolerances
    public var grid: Grid?
    public var cases: [Case]
    public var maxBatch: [MaxBatch]
    public var latencyBoundedCapacity: [Capacity]?
    public var history: [HistoryEntry]?

    public static let schemaName = "openenv-baseline/1"

    public struct Source: Codable, Sendable, Equatable {
        public var date: String
        public var document: String?
        public var run: String?
        public var command: String?
        public var machine: String?
        public var note: String?

        public init(
            date: String,
            document: String? = nil,
            run: String? = nil,
            command: String? = nil,
            machine: String? = nil,
            note: String? = nil
        ) {
            self.date = date
            self.document = document
            self.run = run
            self.command = command
            self.machine = machine
            self.note = note
        }
    }

    /// How far a measurement may fall short before it is a regression.
    public struct Tolerances: Codable, Sendable, Equatable {
        /// Success may be at most this many percentage points below the baseline.
        public var successDropPoints: Double
        /// p99 total latency may be at most this fraction above the baseline (0.5 = 50 %).
        public var p99RiseFraction: Double
        /// Max batch may fall by at most this many grid steps.
        public var maxBatchGridSteps: Int
        /// Latency-bounded capacity may fall by at most this many grid steps; `nil` (absent): as
        /// many as max batch. It is a step function of p99 against the bound, so a baseline whose
        /// p99 at its capacity sits near the bound needs room that max batch does not.
        public var latencyBoundedGridSteps: Int?
        /// Seconds p99 may rise on top of ``p99RiseFraction``: workloads that do not wait have
        /// p99s of milliseconds, where a fraction alone would judge scheduling noise. `0` when a
        /// baseline does not say (those recorded before this field).
        public var p99RiseSeconds: Double

        public init(
            successDropPoints: Double = 2,
            p99RiseFraction: Double = 0.5,
            maxBatchGridSteps: Int = 0,
            p99RiseSeconds: Double = 0.1,
            latencyBoundedGridSteps: Int? = nil
        ) {
            self.successDropPoints = successDropPoints
            self.p99RiseFraction = p99RiseFraction
            self.maxBatchGridSteps = maxBatchGridSteps
            self.p99RiseSeconds = p99RiseSeconds
            self.latencyBoundedGridSteps = latencyBoundedGridSteps
        }

        /// The highest p99 that is not a regression against `base`.
        public func p99Ceiling(_ base: Double) -> Double {
            base * (1 + p99RiseFraction) + p99RiseSeconds
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            successDropPoints = try container.decode(Double.self, forKey: .successDropPoints)
            p99RiseFraction = try container.decode(Double.self, forKey: .p99RiseFraction)
            maxBatchGridSteps = try container.decode(Int.self, forKey: .maxBatchGridSteps)
            p99RiseSeconds = try container.decodeIfPresent(Double.self, forKey: .p99RiseSeconds) ?? 0
            latencyBoundedGridSteps = try container.decodeIfPresent(Int.self, forKey: .latencyBoundedGridSteps)
        }

        enum CodingKeys: String, CodingKey {
            case successDropPoints = "success_drop_points"
            case p99RiseFraction = "p99_rise_fraction"
            case maxBatchGridSteps = "max_batch_grid_steps"
            case p99RiseSeconds = "p99_rise_seconds"
            case latencyBoundedGridSteps = "latency_bounded_capacity_grid_steps"
        }
    }

    public struct Grid: Codable, Sendable, Equatable {
        public var mode: LoadMode
        public var requests: [Int]
        public var waits: [Double]
        public var reps: Int

        public init(mode: LoadMode, requests: [Int], waits: [Double], reps: Int) {
            self.mode = mode
            self.requests = requests
            self.waits = waits
            self.reps = reps
        }
    }

    /// Expected figures for one (mode, wait, batch).
    public struct Case: Codable, Sendable, Equatable {
        public var mode: LoadMode
        public var waitSeconds: Double
        public var batchSize: Int
        /// 0…1; absent when the source gives none.
        public var successRate: Double?
        /// Seconds; absent when the source gives none.
        public var p99Total: Double?
        /// The source's words when it gives no single number (e.g. "91-94%").
        public var successRateText: String?
        public var note: String?
        /// The trainer profile the case ran (`pool`, `refill`, `oversubscribe`); absent: a
        /// burst, which is every case of a baseline recorded before profiles, so old files read
        /// as they always did.
        public var profile: String?
        /// Profile cases: the share of steps sent that were answered, 0…1.
        public var stepsAnsweredShare: Double?
        /// Profile cases: step latency p99 in seconds (a profile session's total spans the run,
        /// so its p99 total says nothing).
        public var stepP99: Double?

        public init(mode: LoadMode, waitSeconds: Double, batchSize: Int, successRate: Double?, p99Total: Double?) {
            self.mode = mode
            self.waitSeconds = waitSeconds
            self.batchSize = batchSize
            self.successRate = successRate
            self.p99Total = p99Total
        }

        /// A trainer-profile case: `batchSize` is its concurrency.
        public init(profile: String, waitSeconds: Double, concurrency: Int, stepsAnsweredShare: Double?, stepP99: Double?) {
            self.init(mode: .ws, waitSeconds: waitSeconds, batchSize: concurrency, successRate: nil, p99Total: nil)
            self.profile = profile
            self.stepsAnsweredShare = stepsAnsweredShare
            self.stepP99 = stepP99
        }

        enum CodingKeys: String, CodingKey {
            case mode, note
            case waitSeconds = "wait_seconds"
            case batchSize = "batch_size"
            case successRate = "success_rate"
            case p99Total = "p99_total"
            case successRateText = "success_rate_text"
            case profile
            case stepsAnsweredShare = "steps_answered_share"
            case stepP99 = "step_p99"
        }
    }

    public struct MaxBatch: Codable, Sendable, Equatable {
        public var mode: LoadMode
        public var waitSeconds: Double
        public var maxBatch: Int?

        public init(mode: LoadMode, waitSeconds: Double, maxBatch: Int?) {
            self.mode = mode
            self.waitSeconds = waitSeconds
            self.maxBatch = maxBatch
        }

        enum CodingKeys: String, CodingKey {
            case mode
            case waitSeconds = "wait_seconds"
            case maxBatch = "max_batch"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(mode, forKey: .mode)
            try container.encode(waitSeconds, forKey: .waitSeconds)
            try container.encode(maxBatch, forKey: .maxBatch)  // null means "none qualified"
        }
    }

    public struct Capacity: Codable, Sendable, Equatable {
        public var mode: LoadMode
        public var waitSeconds: Double
        public var capacity: Int?

        public init(mode: LoadMode, waitSeconds: Double, capacity: Int?) {
            self.mode = mode
            self.waitSeconds = waitSeconds
            self.capacity = capacity
        }

        enum CodingKeys: String, CodingKey {
            case mode, capacity
            case waitSeconds = "wait_seconds"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(mode, forKey: .mode)
            try container.encode(waitSeconds, forKey: .waitSeconds)
            try container.encode(capacity, forKey: .capacity)  // null means "none qualified"
        }
    }

    public struct HistoryEntry: Codable, Sendable, Equatable {
        public var source: Source
        public var cases: [Case]
        public var maxBatch: [MaxBatch]?

        public init(source: Source, cases: [Case], maxBatch: [MaxBatch]?) {
            self.source = source
            self.cases = cases
            self.maxBatch = maxBatch
        }

        enum CodingKeys: String, CodingKey {
            case source, cases
            case maxBatch = "max_batch"
        }
    }

    public init(
        schema: String,
        infrastructure: String,
        description: String?,
        cores: Int?,
        workers: Int?,
        source: Source,
        tolerances: Tolerances,
        grid: Grid?,
        cases: [Case],
        maxBatch: [MaxBatch],
        latencyBoundedCapacity: [Capacity]?,
        history: [HistoryEntry]?,
        protocolProfile: String? = nil,
        workload: String? = nil
    ) {
        self.schema = schema
        self.protocolProfile = protocolProfile
        self.workload = workload
        self.infrastructure = infrastructure
        self.description = description
        self.cores = cores
        self.workers = workers
        self.source = source
        self.tolerances = tolerances
        self.grid = grid
        self.cases = cases
        self.maxBatch = maxBatch
        self.latencyBoundedCapacity = latencyBoundedCapacity
        self.history = history
    }

    enum CodingKeys: String, CodingKey {
        case schema, infrastructure, description, cores, workers, source, tolerances, grid, cases, history
        case maxBatch = "max_batch"
        case latencyBoundedCapacity = "latency_bounded_capacity"
        case protocolProfile = "protocol"
        case workload
        case profilesSource = "profiles_source"
    }
}

extension Baseline {
    /// Reads `<directory>/<name>.json`.
    ///
    /// - Throws: ``BaselineError`` naming the available baselines when there is no such file.
    public static func load(_ name: String, from directory: URL) throws -> Baseline {
        let url = directory.appendingPathComponent("\(name).json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw BaselineError(
                baseline: name,
                reason: "not in \(directory.path); available: \(available(in: directory).joined(separator: ", "))"
            )
        }
        let baseline: Baseline
        do {
            baseline = try JSONDecoder().decode(Baseline.self, from: Data(contentsOf: url))
        } catch {
            throw BaselineError(baseline: url.path, reason: "cannot be read: \(error)")
        }
        guard baseline.schema == schemaName else {
            throw BaselineError(baseline: url.path, reason: "schema '\(baseline.schema)', expected '\(schemaName)'")
        }
        return baseline
    }

    /// The baseline names (file names without `.json`) in `directory`.
    public static func available(in directory: URL) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Writes the baseline as readable, stable JSON.
    public func write(to directory: URL) throws -> URL {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = directory.appendingPathComponent("\(infrastructure).json")
        try (encoder.encode(self) + Data("\n".utf8)).write(to: url)
        return url
    }

    /// The expected figures for one (mode, wait, batch) of a burst, or of a trainer
    /// `profile`'s case at concurrency `batch`, if the baseline has them.
    public func expected(mode: LoadMode, wait: Double, batch: Int, profile: String? = nil) -> Case? {
        cases.first { $0.mode == mode && $0.waitSeconds == wait && $0.batchSize == batch && $0.profile == profile }
    }
}

/// A baseline that cannot be used.
public struct BaselineError: Error, Sendable, CustomStringConvertible {
    /// The baseline's name or path.
    public let baseline: String
    public let reason: String

    public init(baseline: String, reason: String) {
        self.baseline = baseline
        self.reason = reason
    }

    public var description: String { "baseline '\(baseline)': \(reason)" }
}

extension Baseline {
    /// A baseline named on the command line: a path (contains `/` or ends in `.json`) or a name
    /// in `directory`.
    public static func resolve(_ nameOrPath: String, directory: URL) throws -> Baseline {
        guard nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") else { return try load(nameOrPath, from: directory) }
        let url = URL(fileURLWithPath: nameOrPath)
        let name = url.deletingPathExtension().lastPathComponent
        return try load(name, from: url.deletingLastPathComponent())
    }
}
