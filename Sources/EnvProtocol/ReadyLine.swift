import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one machine-readable line a server prints on standard output once it listens:
/// `listening http://127.0.0.1:8000 pid=1234`. Scripts and tests start a server on port 0 and
/// read this line instead of racing for a free port or scraping logs.
public struct ReadyLine: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`.
    public var scheme: String
    public var host: String
    public var port: Int
    public var pid: Int

    public init(scheme: String, host: String, port: Int, pid: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.pid = pid
    }

    /// The server's base URL.
    public var url: String { "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    public var description: String { "listening \(url) pid=\(pid)" }

    /// Parses a ready line; `nil` for any other line.
    public init?(parsing line: some StringProtocol) {
        let words = line.split(separator: " ")
        guard words.count == 3, words[0] == "listening", words[2].hasPrefix("pid="),
            let pid = Int(words[2].dropFirst(4))
        else { return nil }
        let url = words[1]
        guard let schemeEnd = url.range(of: "://"), let colon = url.lastIndex(of: ":"), colon > schemeEnd.upperBound,
            let port = Int(url[url.index(after: colon)...])
        else { return nil }
        var host = url[schemeEnd.upperBound..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        self.init(scheme: String(url[..<schemeEnd.lowerBound]), host: String(host), port: port, pid: pid)
    }

    /// Prints the line and flushes, so a reader on a pipe sees it at once.
    public func print() {
        Swift.print(description)
        fflush(nil)
    }
}
