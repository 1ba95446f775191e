public import EnvProtocol

/// One load-test session: exactly one row of `raw.jsonl`, success or failure.
///
/// The keys, their order and their meaning are the seed benchmark's (`tests/test_scaling.py`),
/// so analysis scripts written for its files read ours unchanged. Latencies are seconds.
public struct SessionResult: Sendable, Equatable {
    public var requestID: Int
    public var mode: LoadMode
    /// When the session started, ISO-8601 UTC with microseconds and a `Z`.
    public var timestamp: String
    public var waitRequested: Double
    public var batchSize: Int
    public var hardware: String
    public var connectLatency: Double = 0
    public var resetLatency: Double = 0
    public var stepLatency: Double = 0
    public var totalLatency: Double = 0
    public var waitedSeconds: Double = 0
    public var pid: Int = 0
    public var sessionHash: String = ""
    public var hostURL: String = ""
    public var success: Bool = false
    /// The server's error code (e.g. `CAPACITY_REACHED`) or a client-side kind.
    public var errorType: FailureKind?
    public var errorMessage: String?

    public init(
        requestID: Int,
        mode: LoadMode,
        timestamp: String,
        waitRequested: Double,
        batchSize: Int,
        hardware: String
    ) {
        self.requestID = requestID
        self.mode = mode
        self.timestamp = timestamp
        self.waitRequested = waitRequested
        self.batchSize = batchSize
        self.hardware = hardware
    }

    /// Copies what the server reported about itself from a step's observation.
    ///
    /// - Parameter strict: the observation is the benchmark's, so these fields must have their
    ///   types; otherwise (any environment) a field that is absent or of another type is simply
    ///   not reported (0 or empty).
    /// - Throws: ``InvalidObservation`` (strict only) when a field has the wrong type: a server
    ///   that answers garbage is recorded as such, never as a success (nor a crash: a `pid` of
    ///   `1e300` does not fit an `Int`).
    public mutating func record(_ observation: JSONValue, strict: Bool = true) throws(InvalidObservation) {
        func invalid(_ field: String) -> InvalidObservation {
            InvalidObservation(field: field, observation: String(describing: observation).prefix(300).description)
        }
        let waited = (observation["waited_seconds"] ?? 0).numberValue
        let pid = (observation["pid"] ?? 0).integerValue
        if strict {
            guard waited != nil else { throw invalid("waited_seconds") }
            guard pid != nil else { throw invalid("pid") }
        }
        record(
            waitedSeconds: waited,
            pid: pid,
            sessionHash: observation["session_hash"]?.stringValue,
            hostURL: observation["host_url"]?.stringValue
        )
    }

    /// Copies the same fields, already read from a step's observation (`nil`: absent or of
    /// another type, reported as 0 or empty).
    public mutating func record(waitedSeconds: Double?, pid: Int?, sessionHash: String?, hostURL: String?) {
        self.waitedSeconds = waitedSeconds ?? 0
        self.pid = pid ?? 0
        self.sessionHash = sessionHash ?? ""
        self.hostURL = hostURL ?? ""
    }

    /// The `raw.jsonl` column names, in the seed's order.
    public static let columns = [
        "request_id", "mode", "timestamp", "wait_requested", "batch_size", "hardware", "connect_latency",
        "reset_latency", "step_latency", "total_latency", "waited_seconds", "pid", "session_hash", "host_url",
        "success", "error_type", "error_message",
    ]

    /// The row as `raw.jsonl` writes it: one JSON object, keys in ``columns`` order.
    public var jsonLine: String {
        let values: [JSONValue] = [
            .integer(requestID), .string(mode.rawValue), .string(timestamp), .number(waitRequested),
            .integer(batchSize), .string(hardware), .number(connectLatency), .number(resetLatency),
            .number(stepLatency), .number(totalLatency), .number(waitedSeconds), .integer(pid),
            .string(sessionHash), .string(hostURL), .bool(success), errorType.map { .string($0.rawValue) } ?? .null,
            errorMessage.map(JSONValue.string) ?? .null,
        ]
        let fields = zip(Self.columns, values).map { "\(JSONCoding.encodeString($0)): \(JSONCoding.encodeString($1))" }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// Parses a `raw.jsonl` line (ours or the seed's).
    public init(jsonLine: String) throws {
        self.init(json: try JSONCoding.parse(jsonLine))
    }

    /// One `raw.jsonl` row already parsed; absent or mistyped fields read as 0, empty or `false`.
    public init(json object: JSONValue) {
        func number(_ key: String) -> Double { object[key]?.numberValue ?? 0 }
        func integer(_ key: String) -> Int { object[key]?.integerValue ?? 0 }
        self.init(
            requestID: integer("request_id"),
            mode: LoadMode(rawValue: object["mode"]?.stringValue ?? "") ?? .ws,
            timestamp: object["timestamp"]?.stringValue ?? "",
            waitRequested: number("wait_requested"),
            batchSize: integer("batch_size"),
            hardware: object["hardware"]?.stringValue ?? ""
        )
        connectLatency = number("connect_latency")
        resetLatency = number("reset_latency")
        stepLatency = number("step_latency")
        totalLatency = number("total_latency")
        waitedSeconds = number("waited_seconds")
        pid = integer("pid")
        sessionHash = object["session_hash"]?.stringValue ?? ""
        hostURL = object["host_url"]?.stringValue ?? ""
        success = object["success"]?.boolValue ?? false
        errorType = object["error_type"]?.stringValue.map(FailureKind.init(rawValue:))
        errorMessage = object["error_message"]?.stringValue
    }
}

/// How sessions talk to the server.
public enum LoadMode: String, Sendable, CaseIterable, Codable {
    /// WebSocket: connect, reset, step, close — a real session.
    case ws
    /// HTTP: `POST /reset` then `POST /step`, each on a fresh environment.
    case http
}

/// An observation field a session's row needs has the wrong type.
public struct InvalidObservation: Error, Sendable, CustomStringConvertible {
    public let field: String
    public let observation: String
    public var description: String { "observation field \(field) is not valid: \(observation)" }
}
