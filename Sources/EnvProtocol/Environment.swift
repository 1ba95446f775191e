/// An OpenEnv environment: what an environment author implements.
///
/// The server creates one instance per WebSocket session (and one per HTTP call, which is
/// stateless) and calls it from a single task at a time, so an environment may keep plain
/// mutable state. `step` must not block a thread: wait with `Task.sleep`, never `sleep()`.
///
/// ```swift
/// struct Counter: Environment {
///     var count = 0
///     mutating func reset(options: ResetOptions) async throws -> CounterObservation { ... }
///     mutating func step(_ action: CounterAction) async throws -> CounterObservation { ... }
///     var state: CounterState { ... }
/// }
/// ```
public protocol Environment: SendableMetatype {
    associatedtype Action: EnvironmentAction
    associatedtype Observation: EnvironmentObservation
    associatedtype State: EnvironmentState

    /// Starts a new episode.
    mutating func reset(options: ResetOptions) async throws -> Observation
    /// Applies one action.
    ///
    /// - Throws: ``ValidationFailure`` when the action is well-formed but not acceptable here
    ///   (the server answers `VALIDATION_ERROR`); any other error becomes `EXECUTION_ERROR`.
    mutating func step(_ action: Action) async throws -> Observation
    /// The current episode's state.
    var state: State { get }
}

/// An action, validated from its wire fields.
public protocol EnvironmentAction: Sendable {
    /// Builds the action from the fields a client sent, rejecting unknown fields and wrong types.
    init(validating fields: [String: JSONValue]) throws(ValidationFailure)
    /// JSON Schema of the action, served by `GET /schema`.
    static var jsonSchema: JSONValue { get }
}

/// An observation. Its ``fields`` may include `reward`, `done` and `metadata`; the server
/// applies the envelope rule (see ``ObservationEnvelope``).
public protocol EnvironmentObservation: Sendable {
    var fields: [String: JSONValue] { get }
    static var jsonSchema: JSONValue { get }
}

/// An episode's state: at least `episode_id` and `step_count`.
public protocol EnvironmentState: Sendable {
    var fields: [String: JSONValue] { get }
    static var jsonSchema: JSONValue { get }
}

/// The options of a reset. `seed` and `episode_id` are the protocol's named options; every other
/// key a client sent is kept in ``extra`` for environments that want it.
public struct ResetOptions: Sendable, Equatable {
    public var seed: Int?
    public var episodeID: String?
    public var extra: [String: JSONValue]

    public init(seed: Int? = nil, episodeID: String? = nil, extra: [String: JSONValue] = [:]) {
        self.seed = seed
        self.episodeID = episodeID
        self.extra = extra
    }

    /// Validates reset options as `POST /reset` does: `seed` an integer ≥ 0, `episode_id` a
    /// string of at most 255 characters, anything else kept.
    public init(validating fields: [String: JSONValue]) throws(ValidationFailure) {
        var reader = FieldReader(fields)
        seed = reader.integer("seed", atLeast: 0)
        episodeID = reader.string("episode_id", maxLength: 255)
        try reader.finish()
        extra = fields.filter { $0.key != "seed" && $0.key != "episode_id" }
    }
}

/// What `GET /metadata` serves.
public struct EnvironmentMetadata: Codable, Sendable, Equatable {
    public var name: String
    public var description: String
    public var readmeContent: String?
    public var version: String?
    public var author: String?
    public var documentationURL: String?

    public init(
        name: String,
        description: String,
        readmeContent: String? = nil,
        version: String? = "1.0.0",
        author: String? = nil,
        documentationURL: String? = nil
    ) {
        self.name = name
        self.description = description
        self.readmeContent = readmeContent
        self.version = version
        self.author = author
        self.documentationURL = documentationURL
    }

    enum CodingKeys: String, CodingKey {
        case name, description, version, author
        case readmeContent = "readme_content"
        case documentationURL = "documentation_url"
    }

    public func encode(to encoder: any Encoder) throws {
        // Nullable strings are written as `null`, as the reference does, not omitted.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(readmeContent, forKey: .readmeContent)
        try container.encode(version, forKey: .version)
        try container.encode(author, forKey: .author)
        try container.encode(documentationURL, forKey: .documentationURL)
    }
}
