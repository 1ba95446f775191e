public import EnvClient
import EnvProtocol
import Foundation

/// What a case sent and what came back, in the words its failure messages use: every verdict
/// states the case's rule, the request, and the reply (status, body excerpt, close code).
public enum Exchange {
    /// At most `limit` characters of `text`, on one line, marked when cut.
    public static func excerpt(_ text: String, limit: Int = 300) -> String {
        let line = text.replacingOccurrences(of: "\n", with: " ")
        return line.count <= limit ? line : String(line.prefix(limit)) + "…"
    }

    /// `500 text/plain "Internal Server Error"`.
    public static func describe(_ reply: HTTPReply) -> String {
        "\(reply.status) \(reply.contentType ?? "no Content-Type") \"\(excerpt(reply.body))\""
    }

    /// `a close frame, code 1011 "reason"`, `text {"type":"error",…}`.
    public static func describe(_ event: WebSocketEvent) -> String {
        switch event {
        case .text(let text): "text \(excerpt(text))"
        case .binary(let bytes): "a binary frame of \(bytes.count) bytes"
        case .pong: "a pong"
        case .close(let code, let reason): "a close frame, code \(code.map(String.init) ?? "none") \"\(excerpt(reason))\""
        }
    }

    /// Sends one HTTP request of a case (``HTTPProbe``, which retries a stale pooled connection
    /// once). A request our client still could not complete is a ``HarnessError`` naming it,
    /// never a verdict on the server.
    public static func http(
        _ endpoint: ServerEndpoint,
        _ method: HTTPMethodName,
        _ path: String,
        body: String? = nil
    ) async throws -> HTTPReply {
        do {
            return try await send(endpoint, method, path, body: body)
        } catch {
            throw HarnessError(action: "\(method.rawValue) \(path)\(body.map { " " + excerpt($0, limit: 200) } ?? "")", cause: error)
        }
    }

    /// The HTTP methods the cases use.
    public enum HTTPMethodName: String, Sendable { case GET, POST }

    private static func send(_ endpoint: ServerEndpoint, _ method: HTTPMethodName, _ path: String, body: String?) async throws -> HTTPReply {
        switch method {
        case .GET: try await HTTPProbe.get(endpoint, path)
        case .POST: try await HTTPProbe.post(endpoint, path, body: body)
        }
    }
}

/// The suite's own client failed (it could not connect, or lost an HTTP exchange even on a
/// fresh connection): not a verdict on the server, and said so.
public struct HarnessError: Error, CustomStringConvertible {
    public let action: String
    public let cause: any Error
    public var description: String {
        "harness error (the suite's own client failed; this is not a verdict on the server): \(action): \(cause)"
    }
}

/// The server sent no reply to a message: it closed the socket or stayed silent past the
/// reply timeout. A verdict on the server, naming the message.
public struct NoReply: Error, CustomStringConvertible {
    public let sent: String
    public let cause: any Error
    public var description: String {
        let what =
            (cause as? WebSocketClientError).map { error in
                error.isTimeout ? "no reply (\(error.detail))" : "the connection ended without a reply or close frame"
            } ?? "\(cause)"
        return "sent \(Exchange.excerpt(sent, limit: 200)) → \(what)"
    }
}
