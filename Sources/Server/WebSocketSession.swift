import EnvProtocol
import Foundation
import NIOCore

/// What one `/ws` connection serves, messages answered strictly in order (PROTOCOL.md §3):
/// either its own environment instance, holding a capacity slot exactly as long as the session
/// lives, or — with `?session_id=` under openenv ≥ 0.5 — an MCP session created over HTTP,
/// attached without a slot of its own (PROTOCOL-0.10.md rows 5–6).
///
/// Free of framing: ``WebSocketSessionHandler`` feeds it messages on the connection's event loop.
final class WebSocketSession {
    /// How a connection starts.
    enum Opening {
        case serving(WebSocketSession)
        /// An error for the socket, then close 1000 (capacity is signalled inside the socket,
        /// never by refusing the upgrade).
        case refused(WireError)
        /// An error for the socket, then close 1011: the environment could not be created.
        case failed(WireError)
    }

    private enum Served {
        case own(any EnvironmentSession, OwnSessionID)
        case attached(id: String, SharedEnvironment)
    }

    private var served: Served
    private let services: WebSocketSessionServices
    private var ended = false

    private init(_ served: Served, services: WebSocketSessionServices) {
        self.served = served
        self.services = services
    }

    /// Takes a capacity slot (or attaches to `attachTo`) and creates the environment.
    /// - Parameter attachTo: the `session_id` query value; ignored by profiles without attach.
    static func open(attachTo sessionID: String?, services: WebSocketSessionServices) -> Opening {
        if let sessionID, services.configuration.protocolProfile.attach {
            return attach(to: sessionID, services: services)
        }
        let slots = services.slots
        if case .failure = slots.acquire() {
            // An idle HTTP-created session may be holding the slot this connection needs.
            services.sessions.reapIdle()
            if case .failure(let full) = slots.acquire() {
                services.metrics.rejectedForCapacity()
                services.metrics.errorReplied(.capacityReached)
                return .refused(.capacityReached(active: full.active, max: full.capacity))
            }
        }
        do {
            let environment = try services.environment.session(for: services.process())
            return .serving(WebSocketSession(.own(environment, OwnSessionID(sessions: services.sessions)), services: services))
        } catch {
            slots.release()
            return .failed(WireError(code: .factoryError, message: "Failed to create environment: \(error)"))
        }
    }

    /// A socket attached to an HTTP-created session: no slot of its own, no idle reaping (as
    /// in the reference); when it ends, the session lives on unless it was closed meanwhile.
    private static func attach(to sessionID: String, services: WebSocketSessionServices) -> Opening {
        switch services.sessions.attach(sessionID) {
        case .attached(let environment):
            return .serving(WebSocketSession(.attached(id: sessionID, environment), services: services))
        case .unknown:
            return .refused(.sessionError("Unknown session_id: \(sessionID)"))
        case .alreadyAttached:
            return .refused(.sessionError("Session \(sessionID) already has an attached WebSocket"))
        case .ownedBySocket:
            return .refused(
                .sessionError(
                    "Session \(sessionID) belongs to another WebSocket connection: only sessions created with openenv/session/create can be attached"
                ))
        }
    }

    /// Whether the idle limit (``ServerConfiguration/sessionTimeout``) applies: attached sockets
    /// are never reaped, as in the reference.
    var reapsWhenIdle: Bool {
        if case .own = served { return true }
        return false
    }

    /// How answering a text message starts.
    enum Start {
        /// Answered at once (`nil`: the client's `close`).
        case answered(ServerMessage?)
        /// A step timed by plan: after this wait, ``finishTimedStep()`` is the reply.
        case timedStep(Duration)
        /// Needs the environment's async code: ``answer(_:)``.
        case async(ClientMessage)
    }

    private var timedStepStarted = ContinuousClock.now

    /// Answers what needs no waiting at once, and starts a step the environment times by plan
    /// (``TimedStepEnvironment``), so the handler can time its wait on the event loop.
    func start(_ text: String) -> Start {
        let message: ClientMessage
        do {
            message = try ClientMessage.decode(text)
        } catch {
            return .answered(.error(error))
        }
        guard case .own(var environment, let ownID) = served else { return .async(message) }
        switch message {
        case .close:
            return .answered(nil)
        case .state:
            return .answered(.state(environment.state()))
        case .step(let action):
            served = .own(NoEnvironment(), ownID)
            defer { served = .own(environment, ownID) }
            let started = ContinuousClock.now
            switch MessageDispatcher.beginTimedStep(
                action, session: &environment, started: started, stepTook: services.metrics.stepTook)
            {
            case .wait(let wait)?:
                timedStepStarted = started
                return .timedStep(wait)
            case .replied(let reply)?:
                return .answered(reply)
            case nil:
                return .async(message)
            }
        case .reset, .mcp:
            return .async(message)
        }
    }

    /// The reply to the step ``start(_:)`` began, its wait over.
    func finishTimedStep() -> ServerMessage {
        guard case .own(var environment, let ownID) = served else {
            preconditionFailure("a timed step is only begun on a session's own environment")
        }
        served = .own(NoEnvironment(), ownID)
        defer { served = .own(environment, ownID) }
        return MessageDispatcher.finishTimedStep(
            session: &environment, started: timedStepStarted, stepTook: services.metrics.stepTook)
    }

    /// The connection went while the timed step waited: its time still counts.
    func abandonTimedStep() {
        services.metrics.stepTook(ContinuousClock.now - timedStepStarted)
    }

    /// The reply to a message that needs the environment's async code; `nil` for `close`.
    func answer(_ message: ClientMessage) async -> ServerMessage? {
        let mcp = services.mcp
        let stepTook = services.metrics.stepTook
        switch served {
        case .own(var environment, let ownID):
            // Hand the environment to the call and take it back, so nothing else holds it meanwhile.
            served = .own(NoEnvironment(), ownID)
            defer { served = .own(environment, ownID) }
            return await MessageDispatcher.answer(
                message, session: &environment,
                mcp: { request, session in await mcp.answer(webSocketRequest: request, ownID: ownID.id, session: &session) },
                stepTook: stepTook)
        case .attached(let id, let shared):
            return await shared.use { session in
                await MessageDispatcher.answer(
                    message, session: &session,
                    mcp: { request, session in await mcp.answer(webSocketRequest: request, ownID: id, session: &session) },
                    stepTook: stepTook)
            }
        }
    }

    /// Gives back the slot (or the attachment) and the socket's own session id; once only.
    func end() {
        guard !ended else { return }
        ended = true
        switch served {
        case .own(_, let ownID):
            ownID.release()
            services.slots.release()
        case .attached(let id, _):
            services.sessions.detach(id)
        }
    }

    /// The `session_id` a `/ws` request asks to attach to: the last `session_id` query value;
    /// `nil` when there is none or it is empty (then the socket gets a session of its own).
    static func attachRequest(path: String) -> String? {
        guard let query = path.split(separator: "?", maxSplits: 1).dropFirst().first,
            let items = URLComponents(string: "/?" + query)?.queryItems
        else { return nil }
        guard let value = items.last(where: { $0.name == "session_id" })?.value, !value.isEmpty else { return nil }
        return value
    }
}

/// Holds the place of a session's environment while a message is answered with it; never called.
private struct NoEnvironment: EnvironmentSession {
    func reset(_ options: ResetOptions) async throws -> ObservationEnvelope { throw CancellationError() }
    func step(_ action: [String: JSONValue]) async throws -> ObservationEnvelope { throw CancellationError() }
    func state() -> [String: JSONValue] { [:] }
    func callTool(_ name: String, arguments: [String: JSONValue]) async throws -> JSONValue { throw CancellationError() }
}

/// A socket's own session id, made the first time the client asks for it (WS
/// `openenv/session/create`) and known to ``MCPSessions`` so that nothing can attach to it.
private final class OwnSessionID {
    private var value: String?
    private let sessions: MCPSessions

    init(sessions: MCPSessions) {
        self.sessions = sessions
    }

    var id: String {
        if let value { return value }
        let id = UUID().uuidString.lowercased()
        sessions.registerSocketOwned(id)
        value = id
        return id
    }

    func release() {
        if let value { sessions.unregisterSocketOwned(value) }
    }
}

/// What every `/ws` session of a server shares.
struct WebSocketSessionServices: Sendable {
    let environment: HostedEnvironment
    let process: @Sendable () -> ServingProcess
    let slots: SessionSlots
    let sessions: MCPSessions
    let mcp: MCPEndpoint
    let metrics: ServerMetrics
    let configuration: ServerConfiguration
}

extension WireError {
    /// A failure that ends the session (`SESSION_ERROR`, then close 1000).
    static func sessionError(_ message: String) -> WireError {
        WireError(code: .sessionError, message: message)
    }
}
