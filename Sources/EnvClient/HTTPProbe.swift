import AsyncHTTPClient
public import EnvProtocol
import Foundation
import NIOCore
public import NIOHTTP1

/// One HTTP exchange as a test or a probe sees it.
public struct HTTPReply: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    public let body: String

    /// The `Content-Type` header.
    public var contentType: String? { headers.first(name: "Content-Type") }

    /// The body as JSON, or `nil` when it is not JSON.
    public var json: JSONValue? { try? JSONCoding.parse(body) }
}

/// A small HTTP client for checking a server's endpoints, on AsyncHTTPClient (http and https).
public enum HTTPProbe {
    public static func get(_ endpoint: ServerEndpoint, _ path: String) async throws -> HTTPReply {
        try await send(endpoint, path, method: .GET)
    }

    /// POSTs `body` as `application/json`; `nil` sends no body at all.
    public static func post(_ endpoint: ServerEndpoint, _ path: String, body: String?) async throws -> HTTPReply {
        try await send(endpoint, path, method: .POST, body: body.map { Array($0.utf8) })
    }

    /// POSTs arbitrary (possibly non-UTF-8) bytes as `application/json`.
    public static func post(_ endpoint: ServerEndpoint, _ path: String, bytes: [UInt8]) async throws -> HTTPReply {
        try await send(endpoint, path, method: .POST, body: bytes)
    }

    /// Sends one request; a body goes with `contentType` (default `application/json`).
    ///
    /// A pooled keep-alive connection the server closed or reset while it sat idle (uvicorn
    /// resets the connection of a request its app raised on; a short keep-alive timeout closes it
    /// just as the pool hands it out: I/O on a closed channel) fails the next request through no
    /// fault of that request's; such a failure is retried once, on a new connection.
    ///
    /// - Parameter limit: the largest response body read (larger fails the request).
    public static func send(
        _ endpoint: ServerEndpoint,
        _ path: String,
        method: HTTPMethod,
        body: [UInt8]? = nil,
        contentType: String? = "application/json",
        timeout: Duration = .seconds(60),
        limit: Int = 64 << 20
    ) async throws -> HTTPReply {
        func attempt(_ client: HTTPClient) async throws -> HTTPReply {
            try await exchange(client, endpoint, path, method: method, body: body, contentType: contentType, timeout: timeout, limit: limit)
        }
        do {
            return try await attempt(.shared)
        } catch let error
            where error is IOError || (error as? HTTPClientError) == .remoteConnectionClosed
            || (error as? ChannelError) == .ioOnClosedChannel
        {
            // A client of its own, so the retry cannot draw another stale connection from the pool.
            let fresh = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
            do {
                let reply = try await attempt(fresh)
                try await fresh.shutdown()
                return reply
            } catch {
                try? await fresh.shutdown()
                throw error
            }
        }
    }

    private static func exchange(
        _ client: HTTPClient,
        _ endpoint: ServerEndpoint,
        _ path: String,
        method: HTTPMethod,
        body: [UInt8]?,
        contentType: String?,
        timeout: Duration,
        limit: Int
    ) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: endpoint.httpURL + path)
        request.method = method
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
        let bytes = try await response.body.collect(upTo: limit)
        return HTTPReply(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }
}
