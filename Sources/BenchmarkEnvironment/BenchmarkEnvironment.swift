public import EnvProtocol
public import Foundation

/// The benchmark environment of PROTOCOL.md §4: a step waits `wait_seconds` and reports which
/// process, host and session served it, so load tests can count workers and backends.
///
/// The wait is `Task.sleep`: thousands of sessions can wait at once on a few threads.
public struct BenchmarkEnvironment: TimedStepEnvironment {
    /// Per-server settings every session shares.
    public struct Configuration: Sendable {
        /// `"<hostname>:<port>"` of the serving process.
        public var hostURL: String
        /// The serving process id.
        public var pid: Int
        /// Longest wait a step may ask for; longer asks are a `VALIDATION_ERROR`.
        public var maxWaitSeconds: Double

        public init(
            hostURL: String,
            pid: Int = Int(ProcessInfo.processInfo.processIdentifier),
            maxWaitSeconds: Double = 600
        ) {
            self.hostURL = hostURL
            self.pid = pid
            self.maxWaitSeconds = maxWaitSeconds
        }
    }

    public let configuration: Configuration
    /// Fixed for the session: 12 lowercase hex characters.
    public let sessionHash: String
    public private(set) var episodeID: String
    public private(set) var stepCount = 0

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.sessionHash = Self.makeSessionHash()
        self.episodeID = UUID().uuidString.lowercased()
    }

    public mutating func reset(options: ResetOptions) async throws -> BenchmarkObservation {
        episodeID = options.episodeID ?? UUID().uuidString.lowercased()
        stepCount = 0
        return observation(waited: 0)
    }

    public mutating func step(_ action: BenchmarkAction) async throws -> BenchmarkObservation {
        let wait = try stepWait(for: action)
        if wait > .zero {
            try await Task.sleep(for: wait)
        }
        return try finishStep(action)
    }

    public func stepWait(for action: BenchmarkAction) throws -> Duration {
        guard action.waitSeconds <= configuration.maxWaitSeconds else {
            throw ValidationFailure([
                ValidationIssue(
                    type: "less_than_equal",
                    loc: ["wait_seconds"],
                    msg: "Input should be less than or equal to \(configuration.maxWaitSeconds)",
                    input: .number(action.waitSeconds),
                    ctx: ["le": .number(configuration.maxWaitSeconds)]
                )
            ])
        }
        return .seconds(action.waitSeconds)
    }

    public mutating func finishStep(_ action: BenchmarkAction) throws -> BenchmarkObservation {
        stepCount += 1
        return observation(waited: action.waitSeconds)
    }

    public var state: BenchmarkState {
        BenchmarkState(episodeID: episodeID, stepCount: stepCount)
    }

    private func observation(waited: Double) -> BenchmarkObservation {
        BenchmarkObservation(
            waitedSeconds: waited,
            pid: configuration.pid,
            sessionHash: sessionHash,
            hostURL: configuration.hostURL,
            stepCount: stepCount
        )
    }

    /// The reference takes 12 hex characters of a sha256 of a random uuid; 48 random bits are
    /// indistinguishable from that to any client, without a hashing dependency.
    private static func makeSessionHash() -> String {
        (0..<6).map { _ in
            let byte = UInt8.random(in: 0...255)
            return String(byte, radix: 16).leftPadded(to: 2)
        }.joined()
    }
}

/// `{"wait_seconds": number, "metadata": object}`, both optional.
public struct BenchmarkAction: EnvironmentAction, Equatable {
    public var waitSeconds: Double
    public var metadata: [String: JSONValue]

    public init(waitSeconds: Double = 0, metadata: [String: JSONValue] = [:]) {
        self.waitSeconds = waitSeconds
        self.metadata = metadata
    }

    /// Rejects unknown fields, non-numbers, NaN/infinity and negative waits. The configured
    /// maximum is the server's policy and is checked by the environment's `step`.
    public init(validating fields: [String: JSONValue]) throws(ValidationFailure) {
        var reader = FieldReader(fields)
        reader.allowOnly(["wait_seconds", "metadata"])
        let wait = reader.number("wait_seconds") ?? 0
        if wait < 0 {
            reader.record(
                "greater_than_equal",
                "wait_seconds",
                "Input should be greater than or equal to 0",
                fields["wait_seconds"] ?? .null,
                ctx: ["ge": 0]
            )
        }
        metadata = reader.object("metadata") ?? [:]
        try reader.finish()
        // -0.0 is a valid "no wait"; normalise it so it reports as 0.
        waitSeconds = wait == 0 ? 0 : wait
    }

    public static let jsonSchema: JSONValue = [
        "title": "BenchmarkAction",
        "type": "object",
        "additionalProperties": false,
        "properties": [
            "wait_seconds": [
                "type": "number", "minimum": 0, "default": 0.0,
                "description": "Seconds the step waits (asynchronously). The server may set a maximum.",
            ],
            "metadata": ["type": "object", "description": "Free-form metadata, ignored."],
        ],
    ]
}

/// What a benchmark step observes (before the envelope rule).
public struct BenchmarkObservation: EnvironmentObservation, Equatable {
    public var waitedSeconds: Double
    public var pid: Int
    public var sessionHash: String
    public var hostURL: String
    public var stepCount: Int

    public var fields: [String: JSONValue] {
        [
            "waited_seconds": .number(waitedSeconds), "pid": .integer(pid),
            "session_hash": .string(sessionHash), "host_url": .string(hostURL),
            "step_count": .integer(stepCount), "reward": .null, "done": false, "metadata": [:],
        ]
    }

    public static let jsonSchema: JSONValue = [
        "title": "BenchmarkObservation",
        "type": "object",
        "properties": [
            "waited_seconds": ["type": "number"],
            "pid": ["type": "integer"],
            "session_hash": ["type": "string", "pattern": "^[0-9a-f]{12}$"],
            "host_url": ["type": "string"],
            "step_count": ["type": "integer", "minimum": 0],
            "reward": ["type": ["number", "null"]],
            "done": ["type": "boolean"],
            "metadata": ["type": "object"],
        ],
        "required": ["waited_seconds", "pid", "session_hash", "host_url", "step_count"],
    ]
}

/// `{"episode_id": uuid, "step_count": n}`.
public struct BenchmarkState: EnvironmentState, Equatable {
    public var episodeID: String
    public var stepCount: Int

    public var fields: [String: JSONValue] {
        ["episode_id": .string(episodeID), "step_count": .integer(stepCount)]
    }

    public static let jsonSchema: JSONValue = [
        "title": "BenchmarkState",
        "type": "object",
        "properties": [
            "episode_id": ["type": ["string", "null"]],
            "step_count": ["type": "integer", "minimum": 0],
        ],
        "required": ["step_count"],
    ]
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
