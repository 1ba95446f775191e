/// The ORS task API an environment may offer (openenv ≥ 0.4.1: `GET /{env}/splits`,
/// `POST /{env}/tasks|num_tasks|task|task_range`). Every method defaults to "not supported",
/// which the server answers with 501, as the reference does for an environment without it.
public protocol EnvironmentTasks: Sendable {
    func splits() async throws -> [JSONValue]
    func tasks(split: String) async throws -> JSONValue
    func taskCount(split: String) async throws -> Int
    /// - Throws: ``TaskIndexOutOfRange`` for an index the split does not have (answered 400).
    func task(split: String, index: Int) async throws -> JSONValue
    func tasks(split: String, start: Int?, stop: Int?) async throws -> JSONValue
}

extension EnvironmentTasks {
    public func splits() async throws -> [JSONValue] { throw TaskMethodNotSupported(method: "list_splits") }
    public func tasks(split: String) async throws -> JSONValue { throw TaskMethodNotSupported(method: "list_tasks") }
    public func taskCount(split: String) async throws -> Int { throw TaskMethodNotSupported(method: "num_tasks") }
    public func task(split: String, index: Int) async throws -> JSONValue {
        throw TaskMethodNotSupported(method: "get_task")
    }
    public func tasks(split: String, start: Int?, stop: Int?) async throws -> JSONValue {
        throw TaskMethodNotSupported(method: "get_task_range")
    }
}

/// The environment does not implement this task method (the server answers 501).
public struct TaskMethodNotSupported: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reference's method name: `list_splits`, `list_tasks`, `num_tasks`, `get_task`, `get_task_range`.
    public let method: String
    public var description: String { "\(method) is not supported for this environment" }
}

/// A task index the split does not have (the server answers 400).
public struct TaskIndexOutOfRange: Error, Sendable, Equatable, CustomStringConvertible {
    public let split: String
    public let index: Int

    public init(split: String, index: Int) {
        self.split = split
        self.index = index
    }

    public var description: String { "task index \(index) is out of range for split '\(split)'" }
}

/// The task API of an environment that offers none: every method answers 501.
public struct NoTasks: EnvironmentTasks {
    public init() {}
}
