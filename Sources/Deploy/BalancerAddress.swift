import Foundation

/// A `host:port` a balancer listens on or forwards to. IPv6 hosts are written in brackets
/// (`[::1]:8001`), as in URLs; `host` holds them without.
public struct BalancerAddress: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[v6]:port` or, when `defaultHost` is given, `:port` and `port`.
    ///
    /// - Throws: ``DeployConfigError`` naming `flag` when the text is not an address.
    public init(parsing text: String, flag: String, defaultHost: String? = nil) throws(DeployConfigError) {
        let text = text.trimmingCharacters(in: .whitespaces)
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw DeployConfigError("\(flag): \"\(text)\" needs a port: [host]:port") }
            portPart = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            if hostPart.contains(":") {
                throw DeployConfigError("\(flag): write IPv6 hosts in brackets, as in [\(hostPart)]:\(portPart)")
            }
        } else {
            hostPart = ""
            portPart = text[...]
        }
        guard let port = Int(portPart), (1...65535).contains(port) else {
            throw DeployConfigError("\(flag): \"\(text)\" has no port in 1...65535")
        }
        let host = hostPart.isEmpty ? defaultHost : String(hostPart)
        guard let host else { throw DeployConfigError("\(flag): \"\(text)\" needs a host: host:port") }
        self.init(host: host, port: port)
    }

    /// Parses a comma-separated list such as `--backends node1:8001,node2:8001`.
    public static func list(parsing text: String, flag: String) throws(DeployConfigError) -> [BalancerAddress] {
        let items = text.split(separator: ",", omittingEmptySubsequences: true)
        guard !items.isEmpty else { throw DeployConfigError("\(flag): give at least one host:port") }
        var addresses: [BalancerAddress] = []
        for item in items {
            addresses.append(try BalancerAddress(parsing: String(item), flag: flag))
        }
        return addresses
    }

    /// True for IPv6 literals, which need brackets wherever they sit next to a port.
    public var isIPv6: Bool { host.contains(":") }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
