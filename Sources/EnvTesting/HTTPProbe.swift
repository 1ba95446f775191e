import AsyncHTTPClient
import EnvProtocol
import Foundation
import LoadGen
import NIOCore
import NIOHTTP1

/// One HTTP exchange as a conformance case sees it.
public struct HTTPReply: Sendable {
    public let status: Int
    public let contentType: String?
    public let body: String

    /// The body as JSON, or `nil` when it is not JSON.
    public var json: JSONValue? { try? JSONCoding.parse(body) }
}

/// Minimal HTTP client for the conformance cases, on AsyncHTTPClient (http and https).
public enum HTTPProbe {
    public static func get(_ endpoint: ServerEndpoint, _ path: String) async throws -> HTTPReply {
        try await send(endpoint, path, method: .GET, body: nil)
    }

    /// POSTs `body` as `application/json`; `nil` sends no body at all.
    public static func post(_ endpoint: ServerEndpoint, _ path: String, body: String?) async throws -> HTTPReply {
        try await send(endpoint, path, method: .POST, body: body)
    }

    private static func send(
        _ endpoint: ServerEndpoint, _ path: String, method: HTTPMethod, body: String?
    ) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: endpoint.httpURL + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return HTTPReply(
            status: Int(response.status.code),
            contentType: response.headers.first(name: "Content-Type"),
            body: String(buffer: bytes))
    }
}
