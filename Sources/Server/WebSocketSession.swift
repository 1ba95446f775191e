import EnvProtocol
import HummingbirdWebSocket
import Logging

/// Serves one `/ws` connection: one environment instance, messages answered strictly in order
/// (PROTOCOL.md §3). The capacity slot is held exactly as long as this function runs.
struct WebSocketSession {
    let environment: HostedEnvironment
    let process: ServingProcess
    let slots: SessionSlots
    let metrics: ServerMetrics
    let configuration: ServerConfiguration
    let logger: Logger
    /// The connection, so a vanished client cancels its step and a non-reading one is dropped.
    let connection: ConnectionWatch

    /// - Throws: whatever ended the inbound stream. Rethrowing matters: the WebSocket layer
    ///   turns a protocol error (invalid UTF-8, oversized message) into its close code
    ///   (1007, 1009) only when the error leaves the handler.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        if case .failure(let full) = slots.acquire() {
            metrics.rejectedForCapacity()
            metrics.errorReplied(.capacityReached)
            // Capacity is signalled inside the socket, never by refusing the upgrade.
            await send(.error(.capacityReached(active: full.active, max: full.capacity)), to: outbound)
            try? await outbound.close(.normalClosure, reason: nil)
            return
        }
        defer { slots.release() }
        // A client that drops its connection mid-step cancels the step: its slot is free at once.
        let outcome: Result<Void, any Error> = await connection.cancellingOnClose { [self] in
            do {
                try await serve(inbound: inbound, outbound: outbound)
                return .success(())
            } catch {
                // A vanished client ends here too; that is normal operation, not an error.
                logger.debug("session ended: \(error)")
                return .failure(error)
            }
        }
        try outcome.get()
    }

    /// One environment instance for the connection, its messages, and the idle timeout.
    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let session: any EnvironmentSession
        do {
            session = try environment.session(for: process)
        } catch {
            await send(
                .error(WireError(code: .factoryError, message: "Failed to create environment: \(error)")),
                to: outbound)
            try? await outbound.close(.unexpectedServerError, reason: nil)
            return
        }
        let activity = SessionActivity()
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let idleLimit = configuration.sessionTimeout {
                group.addTask { await activity.closeWhenIdle(longerThan: idleLimit, outbound: outbound) }
            }
            defer { group.cancelAll() }
            try await serveMessages(session, inbound: inbound, outbound: outbound, activity: activity)
        }
    }

    private func serveMessages(
        _ session: any EnvironmentSession, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        activity: SessionActivity
    ) async throws {
        var session = session
        for try await message in inbound.messages(maxSize: configuration.maxMessageBytes) {
            activity.begin()
            defer { activity.end() }
            let reply: ServerMessage
            switch message {
            case .binary:
                reply = .error(
                    WireError(
                        code: .invalidJSON,
                        message: "Binary frames are not supported: send each message as a JSON text frame"))
            case .text(let text):
                guard let answer = await MessageDispatcher.answer(text, session: &session, stepTook: metrics.stepTook)
                else {
                    try await outbound.close(.normalClosure, reason: nil)
                    return
                }
                reply = answer
            }
            if case .error(let error) = reply { metrics.errorReplied(error.code) }
            try await connection.withDeadline(configuration.replyWriteTimeout) {
                try await outbound.write(.text(reply.text))
            }
        }
    }

    private func send(_ message: ServerMessage, to outbound: WebSocketOutboundWriter) async {
        do {
            try await outbound.write(.text(message.text))
        } catch {
            logger.debug("could not send \(message): \(error)")
        }
    }
}
