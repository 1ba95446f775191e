package import EnvProtocol
import Foundation
import Hummingbird

/// The HTTP endpoints of PROTOCOL.md §2. HTTP is stateless: `/reset`, `/step` and `/state`
/// each use a fresh environment instance and discard it.
package struct HTTPRoutes {
    let environment: HostedEnvironment
    let process: @Sendable () -> ServingProcess
    let configuration: ServerConfiguration
    let mcp: MCPEndpoint

    func add(to router: Router<BasicRequestContext>) {
        let profile = configuration.protocolProfile
        router.get("/health") { _, _ in JSONResponse.ok(["status": "healthy"] as JSONValue) }
        router.get("/metadata") { _, _ in JSONResponse.ok(environment.metadata) }
        router.get("/schema") { _, _ in JSONResponse.ok(environment.schema(for: profile)) }
        router.get("/openapi.json") { _, _ in
            JSONResponse.ok(OpenAPIDocument.make(for: environment, configuration: configuration))
        }
        if configuration.mode == .simulation {
            router.get("/state") { _, _ in
                try JSONResponse.encoding(.object(try environment.session(for: process()).state()))
            }
            router.post("/reset") { request, _ in
                let envelope = try await Self.reset(body: try await body(of: request), environment: environment, process: process())
                return try JSONResponse.encoding(envelope, profile)
            }
            router.post("/step") { request, _ in
                let envelope = try await Self.step(body: try await body(of: request), environment: environment, process: process())
                return try JSONResponse.encoding(envelope, profile)
            }
        }
        router.post("/mcp") { request, _ in
            // Whatever the content type, as the reference: anything that is not JSON is a parse error.
            let bytes = try await bytes(of: request)
            return try JSONResponse.encoding(await mcp.answer(httpBody: try? JSONCoding.parse(Data(bytes.readableBytesView))))
        }
        if profile.taskAPI {
            TaskRoutes(environment: environment, body: body(of:)).add(to: router)
        }
    }

    /// `POST /reset` for a parsed body (`nil`: the request had none), on a fresh session.
    ///
    /// - Throws: ``ValidationFailure``, answered 422 by ``FastAPIErrorMiddleware``.
    package static func reset(
        body: JSONValue?,
        environment: HostedEnvironment,
        process: ServingProcess
    ) async throws -> ObservationEnvelope {
        let options = try ResetOptions(validatingBody: body)
        var session = try environment.session(for: process)
        return try await session.reset(options)
    }

    /// `POST /step` for a parsed body (`nil`: the request had none), on a fresh session.
    ///
    /// - Throws: ``ValidationFailure`` located under `body.action`, answered 422.
    package static func step(
        body: JSONValue?,
        environment: HostedEnvironment,
        process: ServingProcess
    ) async throws -> ObservationEnvelope {
        guard let body else {
            throw ValidationFailure([ValidationIssue(type: "missing", loc: ["body"], msg: "Field required", input: nil)])
        }
        let step = try StepRequest(validating: body)
        var session = try environment.session(for: process)
        do {
            return try await session.step(step.action)
        } catch let failure as ValidationFailure {
            throw failure.prefixed(by: "body", "action")
        }
    }

    /// The parsed JSON body, or `nil` when the request has none.
    ///
    /// - Throws: ``ValidationFailure`` (`json_invalid`, answered 422 as FastAPI does) or
    ///   `413` when the body is larger than the configured limit.
    @Sendable private func body(of request: Request) async throws -> JSONValue? {
        let buffer = try await bytes(of: request)
        guard buffer.readableBytes > 0 else { return nil }
        do {
            return try JSONCoding.parse(Data(buffer.readableBytesView))
        } catch {
            throw ValidationFailure([
                ValidationIssue(
                    type: "json_invalid",
                    loc: ["body", 0],
                    msg: "JSON decode error",
                    input: [:],
                    ctx: ["error": .string(error.description)]
                )
            ])
        }
    }

    /// The request body, at most the configured limit (larger: `413`).
    private func bytes(of request: Request) async throws -> ByteBuffer {
        try await request.body.collect(upTo: configuration.maxMessageBytes)
    }
}

/// `GET /metrics`: the server's metrics in the Prometheus text format (see ``ServerMetrics``).
struct MetricsRoute {
    let metrics: ServerMetrics
    let slots: SessionSlots
    let connections: OpenConnections

    func add(to router: Router<BasicRequestContext>) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition(slots: slots, connections: connections)))
            )
        }
    }
}

/// JSON responses with the content type every OpenEnv client expects.
enum JSONResponse {
    /// For values the server makes itself (discovery documents, error bodies).
    static func ok(_ value: some Encodable) -> Response {
        make(.ok, value)
    }

    /// For values that come from an environment, which may hold a number JSON cannot carry.
    ///
    /// - Throws: ``JSONEncodingError`` for a NaN, an infinity or nesting too deep; the error
    ///   middleware answers it `500 {"detail": "Internal Server Error: …"}` like any other
    ///   failure of the environment, instead of the process trapping.
    static func encoding(_ value: JSONValue, status: HTTPResponse.Status = .ok) throws(JSONEncodingError) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        try JSONWriter.write(value, into: &buffer)
        return respond(status, buffer)
    }

    /// An observation envelope as `profile` writes it on HTTP (see ``encoding(_:status:)``).
    static func encoding(_ envelope: ObservationEnvelope, _ profile: ProtocolProfile) throws(JSONEncodingError) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        try envelope.write(profile, .http, into: &buffer)
        return respond(.ok, buffer)
    }

    static func make(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONCoding.encode(value)))
        )
    }

    private static func respond(_ status: HTTPResponse.Status, _ body: ByteBuffer) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }
}
