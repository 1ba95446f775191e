import ArgumentParser
import BenchResults
import EnvClient
import EnvProtocol
import Foundation
import LoadGen
import Logging
import TraceRecorder

/// `openenv-bench record`: put a transparent proxy between a trainer (or any client) and its
/// server and write the traffic as a trace, to replay later against another server or release
/// (`run --profile replay --replay TRACE`).
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a client's OpenEnv traffic through a transparent proxy, as a trace to replay (run --profile replay).",
        discussion: """
            Point the client at the proxy's URL instead of the server's: HTTP requests and \
            WebSocket sessions pass through unchanged. The trace (JSONL, docs/TRACE.md) keeps \
            each session's start, every message the client sent with its offset, and the \
            replies' sizes and latencies; no header (Authorization, cookies, API keys) and no \
            query string is written. With --listen HOST:0 the proxy picks a free port and \
            prints it in its ready line. SIGINT or SIGTERM stops it: sessions still open are \
            written as they stand, and the trace is flushed.
            """
    )

    @Option(help: "The server to forward to (http(s):// URL).")
    var upstream: String

    @Option(help: "Where the proxy listens, HOST:PORT (port 0: a free one, printed in the ready line).")
    var listen = "127.0.0.1:0"

    @Option(name: .shortAndLong, help: "The trace file to write (replaced).")
    var output: String

    func validate() throws {
        _ = try upstreamEndpoint()
        _ = try listenAddress()
    }

    func run() async throws {
        let upstream = try upstreamEndpoint()
        let (host, port) = try listenAddress()
        let trace = try TraceFile(
            path: output,
            header: Trace.Header(upstream: upstream.httpURL, recordedAt: Timestamp.now(), tool: "openenv-bench \(OpenEnvBench.version)")
        )
        var logger = Logger(label: "openenv-bench.record")
        logger.logLevel = .warning
        let proxy = RecordingProxy(upstream: upstream, trace: trace, logger: logger)
        try await proxy.run(host: host, port: port) { port in
            print("Recording \(upstream.httpURL) to \(output)")
            ReadyLine(scheme: "http", host: host, port: port, pid: Int(getpid())).print()
        }
        print("Stopped: \(output) holds \(trace.close())")
    }

    private func upstreamEndpoint() throws -> ServerEndpoint {
        do {
            return try ServerEndpoint(parsing: upstream)
        } catch {
            throw ValidationError("--upstream: \(error)")
        }
    }

    private func listenAddress() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port)
        else { throw ValidationError("--listen takes HOST:PORT (e.g. 127.0.0.1:0), got '\(listen)'") }
        let host = listen[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard !host.isEmpty else { throw ValidationError("--listen takes HOST:PORT, got '\(listen)'") }
        return (host, port)
    }
}
