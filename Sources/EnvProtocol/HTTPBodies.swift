/// The request bodies of the HTTP simulation endpoints (PROTOCOL.md §2), validated.
///
/// Both accept extra keys, as the reference's request models do; issues are located under
/// `body`, as FastAPI reports them.
public struct StepRequest: Sendable, Equatable {
    public var action: [String: JSONValue]
    public var timeoutSeconds: Double?
    public var requestID: String?

    /// - Parameter body: the parsed body.
    public init(validating body: JSONValue) throws(ValidationFailure) {
        guard let object = body.objectValue else {
            throw ValidationFailure([ValidationIssue.notAnObject(body).prefixed(by: "body")])
        }
        var reader = FieldReader(object)
        _ = reader.required("action")
        action = reader.object("action") ?? [:]
        timeoutSeconds = reader.number("timeout_s")
        if let timeout = timeoutSeconds, timeout <= 0 {
            reader.record(
                "greater_than",
                "timeout_s",
                "Input should be greater than 0",
                object["timeout_s"] ?? .null,
                ctx: ["gt": 0]
            )
        }
        requestID = reader.string("request_id")
        do {
            try reader.finish()
        } catch {
            throw error.prefixed(by: "body")
        }
    }
}

extension ResetOptions {
    /// Validates a `POST /reset` body; an absent body means `{}`.
    public init(validatingBody body: JSONValue?) throws(ValidationFailure) {
        guard let body else {
            self.init()
            return
        }
        guard let object = body.objectValue else {
            throw ValidationFailure([ValidationIssue.notAnObject(body).prefixed(by: "body")])
        }
        do {
            try self.init(validating: object)
        } catch {
            throw error.prefixed(by: "body")
        }
    }
}

/// The body of a task API request (`POST /{env}/tasks|num_tasks|task|task_range`, openenv ≥
/// 0.4.1): `{"split"}`, plus `index` for `task` and optional `start`/`stop` for `task_range`;
/// no other keys.
public struct TaskRequest: Sendable, Equatable {
    /// Which route: the keys each one takes.
    public enum Route: String, Sendable, CaseIterable {
        case tasks
        case numTasks = "num_tasks"
        case task
        case taskRange = "task_range"
    }

    public var split: String
    public var index: Int?
    public var start: Int?
    public var stop: Int?

    /// - Parameter body: the parsed body, `nil` when the request had none (a 422: it is required).
    public init(validatingBody body: JSONValue?, for route: Route) throws(ValidationFailure) {
        guard let body else {
            throw ValidationFailure([ValidationIssue(type: "missing", loc: ["body"], msg: "Field required", input: nil)])
        }
        guard let object = body.objectValue else {
            throw ValidationFailure([ValidationIssue.notAnObject(body).prefixed(by: "body")])
        }
        var reader = FieldReader(object)
        switch route {
        case .tasks, .numTasks: reader.allowOnly(["split"])
        case .task: reader.allowOnly(["split", "index"])
        case .taskRange: reader.allowOnly(["split", "start", "stop"])
        }
        _ = reader.required("split")
        split = reader.string("split") ?? ""
        if route == .task {
            _ = reader.required("index")
            index = reader.integer("index")
        }
        if route == .taskRange {
            start = reader.integer("start")
            stop = reader.integer("stop")
        }
        do {
            try reader.finish()
        } catch {
            throw error.prefixed(by: "body")
        }
    }
}
