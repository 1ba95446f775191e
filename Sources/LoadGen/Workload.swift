public import EnvProtocol

/// What a load-test session sends after its reset, and so what it is judged on: the
/// benchmark's `wait_seconds` step, actions of any environment (cycled, one per step), or an
/// MCP tool call per step; how many steps an episode has and the think time before each.
/// One value from the CLI flags to the bytes on the wire: messages are encoded once per run.

public struct Workload: Sendable, Equatable, CustomStringConvertible {
    /// What each step sends.
    public enum Step: Sendable, Equatable {
        /// `{"wait_seconds": seconds}`: the benchmark environment.
        case benchmarkWait(seconds: Double)
        /// These actions, cycled: step i sends action i mod count.
        case actions([JSONValue])
        /// A `tools/call` of `name` with `arguments`: a WS `{"type":"mcp"}` message in ws mode,
        /// `POST /mcp` in http mode. Judged by its JSON-RPC result.
        case tool(name: String, arguments: [String: JSONValue])
    }

    public var step: Step
    /// Steps per episode.
    public var steps: Int
    /// The think time before each step (default none).
    public var think: ThinkTime

    public init(step: Step = .benchmarkWait(seconds: 1), steps: Int = 1, think: ThinkTime = .none) {
        self.step = step
        self.steps = max(1, steps)
        self.think = think
    }

    /// The benchmark: one `wait_seconds: 1` step per session (the seed's session).
    public static let benchmark = Workload()

    /// The benchmark step's wait; `nil` for other workloads.
    public var benchmarkWait: Double? {
        if case .benchmarkWait(let seconds) = step { return seconds }
        return nil
    }

    /// The same workload with the benchmark step waiting `seconds` (a sweep's wait grid);
    /// other workloads are unchanged.
    public func waiting(_ seconds: Double) -> Workload {
        guard case .benchmarkWait = step else { return self }
        var copy = self
        copy.step = .benchmarkWait(seconds: seconds)
        return copy
    }

    /// A name for results and baselines: `benchmark`, `action`, `actions×3`, `tool:echo_message`,
    /// with `, N steps` when more than one.
    public var description: String {
        let base: String
        switch step {
        case .benchmarkWait: base = "benchmark"
        case .actions(let actions): base = actions.count == 1 ? "action" : "actions×\(actions.count)"
        case .tool(let name, _): base = "tool:\(name)"
        }
        let stepped = steps == 1 ? base : "\(base), \(steps) steps"
        return think.isZero ? stepped : "\(stepped), think \(think)"
    }

    /// The benchmark's step, whose observations must carry its fields with their types.
    public var isBenchmark: Bool { benchmarkWait != nil }

    /// Whether the environment's identity fields (`pid`, `session_hash`, `host_url`) can be read:
    /// only observations carry them, tool results do not.
    public var readsObservations: Bool {
        if case .tool = step { return false }
        return true
    }

    /// The WebSocket message of step `index` (0-based).
    func webSocketMessage(step index: Int) -> String {
        switch step {
        case .benchmarkWait(let wait):
            return #"{"type":"step","data":{"wait_seconds":\#(wait)}}"#
        case .actions(let actions):
            return JSONCoding.encodeString(JSONValue.object(["type": "step", "data": actions[index % actions.count]]))
        case .tool:
            return JSONCoding.encodeString(JSONValue.object(["type": "mcp", "data": toolCall(id: index + 1)]))
        }
    }

    /// The HTTP request of step `index`: the path and its body.
    func httpRequest(step index: Int) -> (path: String, body: String) {
        switch step {
        case .benchmarkWait(let wait):
            return ("/step", #"{"action":{"wait_seconds":\#(wait)}}"#)
        case .actions(let actions):
            return ("/step", JSONCoding.encodeString(JSONValue.object(["action": actions[index % actions.count]])))
        case .tool:
            return ("/mcp", JSONCoding.encodeString(toolCall(id: index + 1)))
        }
    }

    private func toolCall(id: Int) -> JSONValue {
        guard case .tool(let name, let arguments) = step else { return .null }
        return [
            "jsonrpc": "2.0", "method": "tools/call", "id": .integer(id),
            "params": ["name": .string(name), "arguments": .object(arguments)],
        ]
    }
}

extension Workload {
    /// The workload of `openenv-bench run`'s flags: `--action JSON` or `--action-file FILE` (an
    /// action object, or an array of them cycled per step), or `--tool NAME` with
    /// `--arguments JSON`; `--steps K`; `--think SPEC`. None of them: the benchmark's step
    /// waiting `wait` seconds.
    ///
    /// - Throws: ``WorkloadError`` naming the flag whose value cannot be used.
    public static func parse(
        action: String?,
        actionFileContents: String?,
        tool: String?,
        arguments: String?,
        steps: Int,
        wait: Double = 1,
        think: String? = nil
    ) throws(WorkloadError) -> Workload {
        let think = try think.map { spec throws(WorkloadError) in try ThinkTime(parsing: spec) } ?? .none
        if [action, actionFileContents, tool].compactMap({ $0 }).count > 1 {
            throw WorkloadError(flag: "--action/--action-file/--tool", reason: "choose one")
        }
        if arguments != nil && tool == nil { throw WorkloadError(flag: "--arguments", reason: "goes with --tool NAME") }
        guard steps >= 1 else { throw WorkloadError(flag: "--steps", reason: "must be ≥ 1") }
        if let tool {
            guard !tool.isEmpty else { throw WorkloadError(flag: "--tool", reason: "needs a tool name") }
            let parsed = try object(arguments ?? "{}", flag: "--arguments")
            return Workload(step: .tool(name: tool, arguments: parsed), steps: steps, think: think)
        }
        guard let text = action ?? actionFileContents else {
            return Workload(step: .benchmarkWait(seconds: wait), steps: steps, think: think)
        }
        let flag = action != nil ? "--action" : "--action-file"
        let value: JSONValue
        do {
            value = try JSONCoding.parse(text)
        } catch {
            throw WorkloadError(flag: flag, reason: "not JSON: \(error)")
        }
        let actions = value.arrayValue ?? [value]
        guard !actions.isEmpty, actions.allSatisfy({ $0.objectValue != nil }) else {
            throw WorkloadError(flag: flag, reason: "takes an action object or a non-empty array of action objects")
        }
        return Workload(step: .actions(actions), steps: steps, think: think)
    }

    private static func object(_ text: String, flag: String) throws(WorkloadError) -> [String: JSONValue] {
        guard let object = (try? JSONCoding.parse(text))?.objectValue else {
            throw WorkloadError(flag: flag, reason: "takes a JSON object, got '\(text.prefix(100))'")
        }
        return object
    }
}

/// A workload flag whose value cannot be used.
public struct WorkloadError: Error, Sendable, CustomStringConvertible {
    public let flag: String
    public let reason: String

    public init(flag: String, reason: String) {
        self.flag = flag
        self.reason = reason
    }

    public var description: String { "\(flag): \(reason)" }
}
