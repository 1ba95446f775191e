import BenchmarkEnvironment
import EchoEnvironment
import EnvClient
public import EnvProtocol
public import EnvSchema

/// What the suites know about the environment the server under test hosts, learned once from
/// what it serves (`/metadata`, `/schema`, `tools/list`): whether it is the benchmark, a valid
/// step action and invalid ones derived from its action schema, its tools, and the schemas its
/// observations and states are checked against.
///
/// `OPENENV_ENVIRONMENT` names it: in-process, which environment our server hosts (`benchmark`,
/// the default, or `echo`); remotely, `benchmark` or any other name overrides the detection.
/// `OPENENV_ACTION` (a JSON object) is the step action to use where a schema cannot say what is
/// legal in a state.
public struct EnvironmentUnderTest: Sendable {
    public let name: String
    /// `GET /schema`.
    public let schemas: JSONValue
    /// The benchmark of PROTOCOL.md §4 (its cases run only then).
    public let isBenchmark: Bool
    /// A step action the server must accept, or why there is none.
    public let action: Result<JSONValue, ActionUnavailable>
    /// Actions the action schema rejects, each with why.
    public let invalidActions: [InvalidVariant]
    /// The tools `tools/list` lists (`name`, `inputSchema`, …); empty when it lists none.
    public let tools: [JSONValue]

    let observationSchema: JSONSchema?
    let resetObservationSchema: JSONSchema?
    let stateSchema: JSONSchema?
    /// `reset_observation` was served equal to `observation` (openenv 0.10 always does so).
    let resetSchemaIsObservations: Bool
    /// No `reset_observation` is served (before openenv 0.8): resets are checked against the
    /// step observation's schema, which nothing promised they match.
    let resetSchemaIsMissing: Bool

    /// Set while a body runs against the server under test (``ServerUnderTest``): the session
    /// helpers then check what they receive against its schemas, and only then — a test that
    /// talks to another server (an example, a fixture) is not judged by these schemas.
    @TaskLocal public static var checksReplies = false

    /// The environment our in-process server hosts.
    public static var inProcessEnvironment: HostedEnvironment {
        TestSettings.current.environmentName == "echo" ? .echo() : .benchmark()
    }

    /// The environment under test, settled once per test process.
    public static func current() async -> EnvironmentUnderTest { await settled.value }

    private static let settled = Task { await settle() }

    private static func settle() async -> EnvironmentUnderTest {
        let settings = TestSettings.current
        let profile = await ServerUnderTest.protocolProfile()
        var name = "?"
        var schemas: JSONValue = [:]
        var tools: [JSONValue] = []
        if let url = settings.remoteURL, let endpoint = try? ServerEndpoint(parsing: url) {
            name = (try? await Exchange.http(endpoint, .GET, "/metadata").json?["name"]?.stringValue) ?? "?"
            schemas = (try? await Exchange.http(endpoint, .GET, "/schema").json) ?? [:]
            let listed = try? await MCPProbe.call(endpoint, "tools/list", params: [:])
            tools = listed?["result"]?["tools"]?.arrayValue ?? []
        } else {
            let hosted = inProcessEnvironment
            name = hosted.metadata.name
            schemas = hosted.schema(for: profile)
            tools = hosted.tools?.map(\.json) ?? []
        }
        let isBenchmark =
            settings.environmentName.map { $0 == "benchmark" }
            ?? (schemas["action"]?["properties"]?["wait_seconds"] != nil
                && schemas["observation"]?["properties"]?["session_hash"] != nil)
        let compile = { (key: String) in schemas[key].flatMap { try? JSONSchema($0) } }
        let actionSchema = compile("action")
        let action: Result<JSONValue, ActionUnavailable>
        if let given = settings.action {
            action = given.objectValue != nil ? .success(given) : .failure(ActionUnavailable(reason: "OPENENV_ACTION is not a JSON object"))
        } else if isBenchmark {
            action = .success(["wait_seconds": 0])
        } else if let actionSchema {
            do {
                action = .success(try SchemaSynthesizer(actionSchema).validValue())
            } catch {
                action = .failure(ActionUnavailable(reason: "\(error); set OPENENV_ACTION to a legal step action"))
            }
        } else {
            action = .failure(ActionUnavailable(reason: "/schema serves no action schema; set OPENENV_ACTION"))
        }
        let invalid = actionSchema.flatMap { try? SchemaSynthesizer($0).invalidVariants().variants } ?? []
        return EnvironmentUnderTest(
            name: name,
            schemas: schemas,
            isBenchmark: isBenchmark,
            action: action,
            invalidActions: invalid,
            tools: tools,
            observationSchema: compile("observation"),
            resetObservationSchema: compile("reset_observation") ?? compile("observation"),
            stateSchema: compile("state"),
            resetSchemaIsObservations: schemas["reset_observation"] != nil && schemas["reset_observation"] == schemas["observation"],
            resetSchemaIsMissing: schemas["reset_observation"] == nil
        )
    }

    /// The valid action as the text of a WS step message.
    public func stepMessage() throws -> String {
        JSONCoding.encodeString(JSONValue.object(["type": "step", "data": try action.get()]))
    }
}

/// No valid step action is known for the environment under test.
public struct ActionUnavailable: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { "no valid step action: \(reason)" }
}
