import ArgumentParser
import EnvProtocol
import EnvServer
import Foundation
import LiveView
import LoadGen

/// `run --web HOST:PORT` and `--web-linger`: where the live page and `/metrics` listen, and how
/// long they stay up after the sweep.
struct WebOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Serve a live page of the run and its Prometheus /metrics on HOST:PORT (port 0: a free port, printed as a ready line).",
            valueName: "host:port"
        )
    )
    var web: WebAddress?

    @Option(
        help: "With --web: seconds the page and /metrics stay up after the sweep ended.",
        transform: SettingRule.seconds(allowingZero: true).transform
    )
    var webLinger: Double = 0

    func validate() throws {
        if web == nil && webLinger > 0 { throw ValidationError("--web-linger needs --web HOST:PORT") }
    }

    /// Runs `body` with a live board, served on `--web` (printing its ready line first), or
    /// with none when `--web` is not given.
    func serving(window: Double, _ body: (LiveBoard?) async throws -> Void) async throws {
        guard let web else { return try await body(nil) }
        let board = LiveBoard(window: window)
        board.describe(["openenv-bench " + CommandLine.arguments.dropFirst().joined(separator: " ")])
        let server = LiveServer(host: web.host, port: web.port, linger: .seconds(webLinger), board: board)
        try await server.withRunning { port in
            let ready = ReadyLine(scheme: "http", host: web.host, port: port, pid: Int(getpid()))
            print("Live view on \(ready.url)/ (Prometheus: \(ready.url)/metrics)")
            ready.print()
            // Whatever the sweep ended with, its lines are out before the linger (stdout may be a file).
            defer {
                if webLinger > 0 { print("Live view stays up for \(webLinger) s (--web-linger); Ctrl-C ends it.") }
                fflush(nil)
            }
            try await body(board)
        }
    }
}

/// `HOST:PORT` (`[::1]:PORT` for IPv6).
struct WebAddress: ExpressibleByArgument {
    var host: String
    var port: Int

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = argument[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { return nil }
        self.host = String(host)
        self.port = port
    }
}
