import EnvProtocol

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
        _ text: String, session: inout any EnvironmentSession,
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

    private static func run(
        _ operation: String, _ body: () async throws -> ObservationEnvelope
    ) async -> ServerMessage {
        do {
            return .observation(try await body())
        } catch let failure as ValidationFailure {
            return .error(.validation(failure))
        } catch {
            return .error(WireError(code: .executionError, message: "Error executing \(operation): \(error)"))
        }
    }
}
