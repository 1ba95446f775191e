import Foundation

/// Where an OpenEnv server lives, parsed once from `http(s)://` or `ws(s)://` URLs.
///
/// Clients turn `http://` into `ws://` and `https://` into `wss://` and append `/ws`
/// (PROTOCOL.md §3), so one URL names both the HTTP endpoints and the session endpoint.
public struct ServerEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// TLS (`https` / `wss`).
    public var isSecure: Bool
    /// Path prefix before `/ws`, `/reset`, … (empty for a server at the root).
    public var basePath: String
    /// The session endpoint's query string without `?` (e.g. `session_id=…` to attach to an
    /// MCP session, openenv ≥ 0.5); empty for none.
    public var webSocketQuery = ""

    public init(host: String, port: Int, isSecure: Bool = false, basePath: String = "") {
        self.host = host
        self.port = port
        self.isSecure = isSecure
        self.basePath = basePath
    }

    /// - Throws: ``EndpointError`` for anything that is not an http(s)/ws(s) URL with a host.
    public init(parsing text: String) throws(EndpointError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw EndpointError(text: text, reason: "expected a URL such as http://127.0.0.1:8000")
        }
        let secure: Bool
        switch scheme {
        case "http", "ws": secure = false
        case "https", "wss": secure = true
        default: throw EndpointError(text: text, reason: "scheme must be http, https, ws or wss")
        }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix("/ws") { path.removeLast(3) }
        self.init(host: host, port: components.port ?? (secure ? 443 : 80), isSecure: secure, basePath: path)
    }

    /// `http(s)://host:port` plus the base path.
    public var httpURL: String { "\(isSecure ? "https" : "http")://\(hostForURL):\(port)\(basePath)" }

    /// `ws(s)://host:port/…/ws`.
    public var webSocketURL: String { "\(isSecure ? "wss" : "ws")://\(hostForURL):\(port)\(webSocketPath)" }

    /// The request path of the session endpoint.
    public var webSocketPath: String { basePath + "/ws" + (webSocketQuery.isEmpty ? "" : "?" + webSocketQuery) }

    /// The same server, with `query` (name/value pairs, percent-encoded here) on the session endpoint.
    public func withWebSocketQuery(_ query: [(name: String, value: String)]) -> ServerEndpoint {
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.name, value: $0.value) }
        var endpoint = self
        endpoint.webSocketQuery = components.percentEncodedQuery ?? ""
        return endpoint
    }

    /// The session endpoint that attaches to the MCP session `id` (`/ws?session_id=id`).
    public func attaching(to id: String) -> ServerEndpoint {
        withWebSocketQuery([("session_id", id)])
    }

    public var description: String { httpURL }

    private var hostForURL: String { host.contains(":") ? "[\(host)]" : host }
}

/// A server URL that cannot be used.
public struct EndpointError: Error, Sendable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "invalid server URL '\(text)': \(reason)" }
}
