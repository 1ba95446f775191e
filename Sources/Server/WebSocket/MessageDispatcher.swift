package import EnvProtocol

/// Turns one client text frame into the reply the protocol prescribes.
///
/// Separate from the socket so every rule of PROTOCOL.md §3 can be tested without a network.
package enum MessageDispatcher {
    /// The reply to `text`, or `nil` for `{"type":"close"}` (no reply, close 1000).
    ///
    /// - Parameters:
    ///   - mcp: answers a `{"type":"mcp"}` message's JSON-RPC request on this session.
    ///   - stepTook: told how long each step took (for the latency histogram).
    package static func answer(
        _ text: String,
        session: inout any EnvironmentSession,
        mcp: (JSONValue, inout any EnvironmentSession) async -> JSONValue = { request, _ in
            JSONRPCResponse.error(id: request["id"] ?? .null, .noMCP)
        },
        stepTook: (Duration) -> Void = { _ in }
    ) async -> ServerMessage? {
        let message: ClientMessage
        do {
            message = try ClientMessage.decode(text)
        } catch {
            return .error(error)
        }
        return await answer(message, session: &session, mcp: mcp, stepTook: stepTook)
    }

    /// The reply to a decoded message, or `nil` for `close`.
    package static func answer(
        _ message: ClientMessage,
        session: inout any EnvironmentSession,
        mcp: (JSONValue, inout any EnvironmentSession) async -> JSONValue = { request, _ in
            JSONRPCResponse.error(id: request["id"] ?? .null, .noMCP)
        },
        stepTook: (Duration) -> Void = { _ in }
    ) async -> ServerMessage? {
        switch message {
        case .reset(let fields):
            // WebSocket reset options are passed through: keys the environment does not use are ignored.
            let options = (try? ResetOptions(validating: fields)) ?? ResetOptions(extra: fields)
            return await run("reset") { try await session.reset(options) }
        case .step(let action):
            let start = ContinuousClock.now
            defer { stepTook(ContinuousClock.now - start) }
            return await run("step") { try await session.step(action) }
        case .state:
            return .state(session.state())
        case .close:
            return nil
        case .mcp(let request):
            return .mcp(await mcp(request, &session))
        }
    }

    /// What starting a step the environment times by a plan (``TimedStepEnvironment``) gives.
    package enum TimedStepStart {
        /// Wait this long, then ``finishTimedStep(session:started:stepTook:)``.
        case wait(Duration)
        /// The step failed before its wait: this is its reply.
        case replied(ServerMessage)
    }

    /// Starts `action` as a timed step; `nil` when the environment has no plan for its steps
    /// (then `answer` runs it). Replies as `answer` would.
    package static func beginTimedStep(
        _ action: [String: JSONValue],
        session: inout any EnvironmentSession,
        started: ContinuousClock.Instant,
        stepTook: (Duration) -> Void = { _ in }
    ) -> TimedStepStart? {
        do {
            guard let wait = try session.beginTimedStep(action) else { return nil }
            return .wait(wait)
        } catch {
            stepTook(ContinuousClock.now - started)
            return .replied(reply(toStepFailure: error, "step"))
        }
    }

    /// Completes the timed step begun at `started`, once its wait is over.
    package static func finishTimedStep(
        session: inout any EnvironmentSession,
        started: ContinuousClock.Instant,
        stepTook: (Duration) -> Void = { _ in }
    ) -> ServerMessage {
        defer { stepTook(ContinuousClock.now - started) }
        do {
            return .observation(try session.finishTimedStep())
        } catch {
            return reply(toStepFailure: error, "step")
        }
    }

    private static func run(
        _ operation: String,
        _ body: () async throws -> ObservationEnvelope
    ) async -> ServerMessage {
        do {
            return .observation(try await body())
        } catch {
            return reply(toStepFailure: error, operation)
        }
    }

    /// `VALIDATION_ERROR` for a ``ValidationFailure``, `EXECUTION_ERROR` for anything else.
    private static func reply(toStepFailure error: any Error, _ operation: String) -> ServerMessage {
        if let failure = error as? ValidationFailure { return .error(.validation(failure)) }
        return .error(WireError(code: .executionError, message: "Error executing \(operation): \(error)"))
    }
}
