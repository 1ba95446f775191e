import EnvProtocol
import Hummingbird

/// The ORS task API of openenv ≥ 0.4.1 (PROTOCOL-0.10.md §1 row 4): `GET /list_environments`,
/// `GET /{env}/splits`, `POST /{env}/tasks|num_tasks|task|task_range`. `{env}` is the
/// environment's ``HostedEnvironment/name``, compared case-insensitively; a method the
/// environment does not offer is 501, an index it does not have 400, another name 404. As in
/// the reference, a POST body is validated before the name is looked at.
struct TaskRoutes {
    let environment: HostedEnvironment
    let body: @Sendable (Request) async throws -> JSONValue?

    func add(to router: Router<BasicRequestContext>) {
        router.get("/list_environments") { _, _ in JSONResponse.ok([JSONValue.string(environment.name)]) }
        router.get("/:env/splits") { _, context in
            try await answer(context) { tasks in .array(try await tasks.splits()) }
        }
        for route in TaskRequest.Route.allCases {
            router.post("/:env/\(route.rawValue)") { request, context in
                let task = try TaskRequest(validatingBody: try await body(request), for: route)
                return try await answer(context) { tasks in
                    switch route {
                    case .tasks: try await tasks.tasks(split: task.split)
                    case .numTasks: .integer(try await tasks.taskCount(split: task.split))
                    case .task: try await tasks.task(split: task.split, index: task.index ?? 0)
                    case .taskRange: try await tasks.tasks(split: task.split, start: task.start, stop: task.stop)
                    }
                }
            }
        }
    }

    private func answer(
        _ context: BasicRequestContext,
        _ call: (any EnvironmentTasks) async throws -> JSONValue
    ) async throws -> Response {
        let name = context.parameters.get("env") ?? ""
        guard name.lowercased() == environment.name.lowercased() else {
            return JSONResponse.make(.notFound, ["detail": .string("unknown environment '\(name)'")] as JSONValue)
        }
        do {
            return try JSONResponse.encoding(try await call(environment.tasks))
        } catch let unsupported as TaskMethodNotSupported {
            return JSONResponse.make(.notImplemented, ["detail": .string(unsupported.description)] as JSONValue)
        } catch let outOfRange as TaskIndexOutOfRange {
            return JSONResponse.make(.badRequest, ["detail": .string(outOfRange.description)] as JSONValue)
        }
    }
}
