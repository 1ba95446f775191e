import EnvProtocol
import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// Serves one `/ws` connection, messages answered strictly in order (PROTOCOL.md §3): either
/// its own environment instance, holding a capacity slot exactly as long as this runs, or —
/// with `?session_id=` under openenv ≥ 0.5 — an MCP session created over HTTP, attached
/// without a slot of its own (PROTOCOL-0.10.md rows 5–6).
struct WebSocketSession {
    let environment: HostedEnvironment
    let process: ServingProcess
    let slots: SessionSlots
    let sessions: MCPSessions
    let mcp: MCPEndpoint
    let metrics: ServerMetrics
    let configuration: ServerConfiguration
    let logger: Logger
    /// The connection, so a vanished client cancels its step and a non-reading one is dropped.
    let channel: any Channel

    private var profile: ProtocolProfile { configuration.protocolProfile }

    /// - Parameter attachTo: the `session_id` query value; ignored by profiles without attach.
    /// - Throws: whatever ended the inbound stream. Rethrowing matters: the WebSocket layer
    ///   turns a protocol error (invalid UTF-8, oversized message) into its close code
    ///   (1007, 1009) only when the error leaves the handler.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, attachTo sessionID: String?) async throws {
        if let sessionID, profile.attach {
            try await runAttached(to: sessionID, inbound: inbound, outbound: outbound)
            return
        }
        if case .failure = slots.acquire() {
            // An idle HTTP-created session may be holding the slot this connection needs.
            sessions.reapIdle()
            if case .failure(let full) = slots.acquire() {
                metrics.rejectedForCapacity()
                metrics.errorReplied(.capacityReached)
                // Capacity is signalled inside the socket, never by refusing the upgrade.
                await refuse(.capacityReached(active: full.active, max: full.capacity), outbound)
                return
            }
        }
        defer { slots.release() }
        let ownID = OwnSessionID(sessions: sessions)
        defer { ownID.release() }
        let watch = ConnectionWatch(
            channel: channel, writeTimeout: configuration.replyWriteTimeout, idleTimeout: configuration.sessionTimeout
        ) {
            try? await outbound.close(.normalClosure, reason: "session idle timeout")
        }
        try await watched(by: watch) {
            try await serveOwnEnvironment(inbound: inbound, outbound: outbound, watch: watch, ownID: ownID)
        }
    }

    /// One environment instance for the connection, and its messages.
    private func serveOwnEnvironment(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, watch: ConnectionWatch,
        ownID: OwnSessionID
    ) async throws {
        var session: any EnvironmentSession
        do {
            session = try environment.session(for: process)
        } catch {
            await send(
                .error(WireError(code: .factoryError, message: "Failed to create environment: \(error)")),
                to: outbound)
            try? await outbound.close(.unexpectedServerError, reason: nil)
            return
        }
        try await serveMessages(inbound: inbound, outbound: outbound, watch: watch) { text in
            await answer(text, &session, ownID: ownID.id)
        }
    }

    /// A socket attached to an HTTP-created session: no slot of its own, no idle reaping (as
    /// in the reference); when it ends, the session lives on unless it was closed meanwhile.
    private func runAttached(
        to sessionID: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter
    ) async throws {
        let shared: SharedEnvironment
        switch sessions.attach(sessionID) {
        case .attached(let environment): shared = environment
        case .unknown: return await refuse(.sessionError("Unknown session_id: \(sessionID)"), outbound)
        case .alreadyAttached:
            return await refuse(.sessionError("Session \(sessionID) already has an attached WebSocket"), outbound)
        case .ownedBySocket:
            return await refuse(
                .sessionError(
                    "Session \(sessionID) belongs to another WebSocket connection: only sessions created with openenv/session/create can be attached"
                ), outbound)
        }
        defer { sessions.detach(sessionID) }
        let watch = ConnectionWatch(channel: channel, writeTimeout: configuration.replyWriteTimeout)
        try await watched(by: watch) {
            try await serveMessages(inbound: inbound, outbound: outbound, watch: watch) { text in
                await shared.use { session in await answer(text, &session, ownID: sessionID) }
            }
        }
    }

    /// Runs the session so that a client dropping its connection mid-step cancels the step:
    /// its slot is free at once.
    private func watched(by watch: ConnectionWatch, _ body: sending @escaping () async throws -> Void) async throws {
        let outcome: Result<Void, any Error> = await watch.run { [logger] in
            do {
                try await body()
                return .success(())
            } catch {
                // A vanished client ends here too; that is normal operation, not an error.
                logger.debug("session ended: \(error)")
                return .failure(error)
            }
        }
        try outcome.get()
    }

    private func answer(_ text: String, _ session: inout any EnvironmentSession, ownID: @autoclosure () -> String) async
        -> ServerMessage?
    {
        await MessageDispatcher.answer(
            text, session: &session,
            mcp: { request, session in await mcp.answer(webSocketRequest: request, ownID: ownID(), session: &session) },
            stepTook: metrics.stepTook)
    }

    /// Reads messages until close, answering each with `answer` (`nil`: the client's `close`).
    private func serveMessages(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, watch: ConnectionWatch,
        answer: (String) async -> ServerMessage?
    ) async throws {
        for try await message in inbound.messages(maxSize: configuration.maxMessageBytes) {
            watch.begin()
            defer { watch.end() }
            let reply: ServerMessage
            switch message {
            case .binary:
                reply = .error(
                    WireError(
                        code: .invalidJSON,
                        message: "Binary frames are not supported: send each message as a JSON text frame"))
            case .text(let text):
                guard let answer = await answer(text) else {
                    try await outbound.close(.normalClosure, reason: nil)
                    return
                }
                reply = answer
            }
            let (frame, error) = self.frame(reply)
            if let error { metrics.errorReplied(error) }
            try await watch.withDeadline {
                try await outbound.write(.custom(frame))
            }
        }
    }

    /// The reply as one text frame, encoded straight into its buffer, and the code of the error
    /// it carries, if any. A reply JSON cannot carry — an environment's NaN or infinity — is
    /// answered `EXECUTION_ERROR` instead: the session goes on.
    private func frame(_ reply: ServerMessage) -> (WebSocketFrame, ErrorCode?) {
        var buffer = channel.allocator.buffer(capacity: 256)
        var code: ErrorCode?
        do {
            try reply.write(profile, into: &buffer)
            if case .error(let error) = reply { code = error.code }
        } catch {
            buffer.clear()
            code = .executionError
            let failure = WireError(code: .executionError, message: "Error encoding the reply: \(error)")
            // An error holds only strings and integers, which always encode.
            if (try? ServerMessage.error(failure).write(profile, into: &buffer)) == nil {
                buffer.clear()
                buffer.writeString(#"{"data":{"code":"EXECUTION_ERROR","message":"Error encoding the reply"},"type":"error"}"#)
            }
        }
        return (WebSocketFrame(fin: true, opcode: .text, data: buffer), code)
    }

    /// Sends one error right after the upgrade, then closes with 1000.
    private func refuse(_ error: WireError, _ outbound: WebSocketOutboundWriter) async {
        await send(.error(error), to: outbound)
        try? await outbound.close(.normalClosure, reason: nil)
    }

    private func send(_ message: ServerMessage, to outbound: WebSocketOutboundWriter) async {
        do {
            try await outbound.write(.custom(frame(message).0))
        } catch {
            logger.debug("could not send \(message): \(error)")
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

/// A socket's own session id, made the first time the client asks for it (WS
/// `openenv/session/create`) and known to ``MCPSessions`` so that nothing can attach to it.
private final class OwnSessionID: @unchecked Sendable {
    // @unchecked: used by the one task that serves the socket.
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

extension WireError {
    /// A failure that ends the session (`SESSION_ERROR`, then close 1000).
    static func sessionError(_ message: String) -> WireError {
        WireError(code: .sessionError, message: message)
    }
}
