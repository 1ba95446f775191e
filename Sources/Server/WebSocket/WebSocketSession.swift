package import EnvProtocol
import Foundation
import NIOCore

/// What one `/ws` connection serves, messages answered strictly in order (PROTOCOL.md §3):
/// either its own environment instance, holding a capacity slot exactly as long as the session
/// lives, or — with `?session_id=` under openenv ≥ 0.5 — an MCP session created over HTTP,
/// attached without a slot of its own (PROTOCOL-0.10.md rows 5–6).
///
/// Free of framing: ``WebSocketSessionHandler`` feeds it messages on the connection's event loop
/// and runs its ``EnvironmentCall``s where the environment may run.
final class WebSocketSession {
    /// How a connection starts.
    enum Opening {
        case serving(WebSocketSession)
        /// A slot is taken and the environment is still to be made, off the loop (its factory is
        /// not declared cheap): run an ``EnvironmentCreation``, then ``created(_:)``.
        case creating(WebSocketSession)
        /// An error for the socket, then close 1000 (capacity is signalled inside the socket,
        /// never by refusing the upgrade).
        case refused(WireError)
        /// An error for the socket, then close 1011: the environment could not be created.
        case failed(WireError)
    }

    /// The environment a connection drives.
    enum Served {
        case own(any EnvironmentSession)
        case attached(id: String, SharedEnvironment)
    }

    private var served: Served
    private let services: WebSocketSessionServices
    private var ended = false
    /// The socket's own session id (what WS `openenv/session/create` answers), made for its first
    /// `mcp` message and known to ``MCPSessions`` so that nothing can attach to it.
    private var ownSessionID: String?

    private init(_ served: Served, services: WebSocketSessionServices) {
        self.served = served
        self.services = services
    }

    /// Takes a capacity slot (or attaches to `attachTo`) and creates the environment when it is
    /// cheap (``HostedEnvironment/runsOnEventLoop``); any other is created off the loop.
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
        guard services.environment.runsOnEventLoop else {
            return .creating(WebSocketSession(.own(NoEnvironment()), services: services))
        }
        switch EnvironmentCreation(services: services).result {
        case .success(let environment):
            return .serving(WebSocketSession(.own(environment), services: services))
        case .failure(let error):
            slots.release()
            return .failed(error)
        }
    }

    /// The environment ``Opening/creating(_:)`` waited for: the session serves it from now on.
    func created(_ environment: any EnvironmentSession) {
        served = .own(environment)
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
                )
            )
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
        /// Needs the environment's code: run ``call(_:)``'s result where the environment may run.
        case call(ClientMessage)
    }

    private var timedStepStarted = ContinuousClock.now

    /// Answers what needs no environment code at once. For an environment that runs on the
    /// event loop (``HostedEnvironment/runsOnEventLoop``) it also answers `state` and a reset
    /// the environment does at once, and starts a step the environment times by plan
    /// (``TimedStepEnvironment``), so the handler can time its wait on the loop: no task per
    /// message.
    func start(_ text: String) -> Start {
        let message: ClientMessage
        do {
            message = try ClientMessage.decode(text)
        } catch {
            return .answered(.error(error))
        }
        if case .close = message { return .answered(nil) }
        guard services.environment.runsOnEventLoop, case .own(var environment) = served else {
            return .call(message)
        }
        switch message {
        case .state:
            return .answered(.state(environment.state()))
        case .step(let action):
            served = .own(NoEnvironment())
            defer { served = .own(environment) }
            let started = ContinuousClock.now
            switch MessageDispatcher.beginTimedStep(
                action,
                session: &environment,
                started: started,
                stepTook: services.metrics.stepTook
            )
            {
            case .wait(let wait)?:
                timedStepStarted = started
                return .timedStep(wait)
            case .replied(let reply)?:
                return .answered(reply)
            case nil:
                return .call(message)
            }
        case .reset(let fields):
            served = .own(NoEnvironment())
            defer { served = .own(environment) }
            return MessageDispatcher.resetAtOnce(fields, session: &environment).map { .answered($0) } ?? .call(message)
        case .mcp, .close:  // `close` was answered above
            return .call(message)
        }
    }

    /// The reply to the step ``start(_:)`` began, its wait over.
    func finishTimedStep() -> ServerMessage {
        guard case .own(var environment) = served else {
            preconditionFailure("a timed step is only begun on a session's own environment")
        }
        served = .own(NoEnvironment())
        defer { served = .own(environment) }
        return MessageDispatcher.finishTimedStep(
            session: &environment,
            started: timedStepStarted,
            stepTook: services.metrics.stepTook
        )
    }

    /// The connection went while the timed step waited: its time still counts.
    func abandonTimedStep() {
        services.metrics.stepTook(ContinuousClock.now - timedStepStarted)
    }

    /// Moves the environment into a call that answers `message`; ``finish(_:)`` takes it back.
    func call(_ message: ClientMessage) -> EnvironmentCall {
        let sessionID: String?
        switch (served, message) {
        case (.attached(let id, _), _): sessionID = id
        case (.own, .mcp): sessionID = ownID()
        case (.own, _): sessionID = nil
        }
        let call = EnvironmentCall(
            message: message,
            served: served,
            sessionID: sessionID,
            mcp: services.mcp,
            metrics: services.metrics
        )
        if case .own = served { served = .own(NoEnvironment()) }
        return call
    }

    /// This socket's own session id, made and registered on first use.
    private func ownID() -> String {
        if let ownSessionID { return ownSessionID }
        let id = UUID().uuidString.lowercased()
        services.sessions.registerSocketOwned(id)
        ownSessionID = id
        return id
    }

    /// Takes the environment back from a call that has run, and returns its reply (`nil`: `close`).
    func finish(_ call: EnvironmentCall) -> ServerMessage? {
        served = call.served
        return call.reply
    }

    /// Gives back the slot (or the attachment) and the socket's own session id; once only.
    func end() {
        guard !ended else { return }
        ended = true
        switch served {
        case .own:
            if let ownSessionID { services.sessions.unregisterSocketOwned(ownSessionID) }
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

/// What every `/ws` session of a server shares: one instance per server, so each session and
/// its handler hold a reference to it rather than a copy of its seven members.
package final class WebSocketSessionServices: Sendable {
    let environment: HostedEnvironment
    let process: @Sendable () -> ServingProcess
    let slots: SessionSlots
    let sessions: MCPSessions
    let mcp: MCPEndpoint
    let metrics: ServerMetrics
    let configuration: ServerConfiguration

    init(
        environment: HostedEnvironment,
        process: @escaping @Sendable () -> ServingProcess,
        slots: SessionSlots,
        sessions: MCPSessions,
        mcp: MCPEndpoint,
        metrics: ServerMetrics,
        configuration: ServerConfiguration
    ) {
        self.environment = environment
        self.process = process
        self.slots = slots
        self.sessions = sessions
        self.mcp = mcp
        self.metrics = metrics
        self.configuration = configuration
    }

    /// The services of a server that has only `/ws` sessions, for driving a session handler
    /// without a server (tests).
    package convenience init(
        environment: HostedEnvironment,
        configuration: ServerConfiguration,
        slots: SessionSlots,
        metrics: ServerMetrics = ServerMetrics()
    ) {
        let process = ServingProcess(hostURL: "test:0")
        let sessions = MCPSessions(slots: slots, idleTimeout: configuration.sessionTimeout)
        self.init(
            environment: environment,
            process: { process },
            slots: slots,
            sessions: sessions,
            mcp: MCPEndpoint(
                environment: environment,
                sessions: sessions,
                profile: configuration.protocolProfile,
                process: { process }
            ),
            metrics: metrics,
            configuration: configuration
        )
    }
}

extension WireError {
    /// A failure that ends the session (`SESSION_ERROR`, then close 1000).
    static func sessionError(_ message: String) -> WireError {
        WireError(code: .sessionError, message: message)
    }
}
