import EnvClient
import EnvProtocol
import EnvTesting
import Foundation
import HostileJSON
import Synchronization
import Testing

/// Legal messages must not cost more than their size justifies. Every ``HostileShape`` (many or
/// duplicate-looking keys, long arrays, small objects, long strings and keys, escapes, numbers,
/// nesting to the limit) is sent to a child `openenv-server` as a step's `data`, and the server's
/// CPU is read from `/proc`, so the machine's load hardly enters. Two checks per shape:
/// - **bounded**: at the 1 MiB message limit, at most ``bound`` ms of CPU per MiB (5× the hot-path
///   target of 50 ms/MiB in release; a debug build is slower, so its bound is looser);
/// - **linear**: the same bytes sent as eight messages of an eighth of the size cost about the
///   same; a quadratic path makes the big message ~8× dearer, so more than 3× fails in any build.
/// No reply may be much larger than its message (validation issues are capped for that).
/// Meanwhile an honest session steps every 10 ms on its own connection: all its steps must
/// succeed, and its latency during the hostile traffic is printed beside its idle latency (a
/// figure, not a timing assertion).
@Suite(
    "Cost bounds",
    .serialized,
    .timeLimit(.minutes(10)),
    .enabled(if: ReliabilityLoad.isSelected, ReliabilityLoad.note)
)
struct CostBoundTests {
    static let bound = ScalingSettings.isReleaseBuild ? 250.0 : 6_000.0  // ms of server CPU per MiB
    static let growthLimit = 3.0
    static let size = (1 << 20) - 64
    /// Full-size messages per shape: the CPU clock ticks at 10 ms, and a release build is fast.
    static let sends = ScalingSettings.isReleaseBuild ? 4 : 1

    @Test("every hostile-but-legal shape costs the server CPU in proportion to its size")
    func costIsProportionalToSize() async throws {
        guard ProcessCPU(pid: getpid()) != nil else {
            print("cost bounds: no /proc CPU clock here; not measured")
            return
        }
        try await LaunchedProcess.with("openenv-server", ["--host", "127.0.0.1", "--port", "0"]) { server in
            let ready = try await server.readyLines(1)[0]
            let endpoint = try ServerEndpoint(parsing: "http://127.0.0.1:\(ready.port)")
            let cpu = try #require(ProcessCPU(pid: server.pid))
            let honest = HonestSession(endpoint: endpoint)
            let idleLatency = try await honest.measureWhile { try await Task.sleep(for: .seconds(1)) }

            var rows: [String] = []
            let busyLatency = try await honest.measureWhile {
                try await withSession(endpoint) { session in
                    _ = try await session.reset()
                    // One level of nesting is the message's own object.
                    for shape in HostileShape.all(depthLimit: JSONParser.maxDepth - 1) {
                        let full = Self.message(embedding: shape.build(Self.size))
                        let eighth = Self.message(embedding: shape.build(Self.size / 8))
                        let fullCPU = try await Self.cost(of: full, times: Self.sends, shape, &session, cpu)
                        let eighthCPU = try await Self.cost(of: eighth, times: Self.sends * 8, shape, &session, cpu)
                        let mib = Double(full.utf8.count * Self.sends) / Double(1 << 20)
                        let perMiB = fullCPU * 1000 / mib
                        // Below 5 clock ticks the ratio is the clock's noise, not the parser's.
                        let growth = fullCPU >= 0.05 ? fullCPU / max(eighthCPU, 0.01) : nil
                        rows.append(
                            "| \(shape.name) | \(String(format: "%.0f", perMiB)) | "
                                + "\(growth.map { String(format: "%.2f", $0) } ?? "too small to compare") |"
                        )
                        #expect(
                            perMiB <= Self.bound,
                            "\(shape.name): \(String(format: "%.0f", perMiB)) ms of server CPU per MiB (bound \(Self.bound))"
                        )
                        #expect(
                            (growth ?? 0) <= Self.growthLimit,
                            "\(shape.name): one full-size message cost \(growth ?? 0) times eight of an eighth the size (limit \(Self.growthLimit))"
                        )
                    }
                }
            }
            let table =
                "| shape (1 MiB) | server CPU ms/MiB | ÷ eight messages of 1/8 the size |\n|---|---:|---:|\n"
                + rows.joined(separator: "\n")
                + "\n\nhonest session steps, idle: \(idleLatency)\nhonest session steps, during the hostile messages: \(busyLatency)\n"
            print("cost bounds (bound \(Self.bound) ms/MiB, growth ≤ \(Self.growthLimit)×):\n\(table)")
            Attachment.record(table, named: "cost-bounds.md")
            #expect(busyLatency.failures == 0 && busyLatency.steps > 0, "honest session: \(busyLatency)")
            server.send(SIGTERM)
            _ = try await server.waitForExit()
        }
    }

    /// The server CPU seconds that sending `message` `times` times and reading each reply took.
    static func cost(
        of message: String,
        times: Int,
        _ shape: HostileShape,
        _ session: inout WebSocketConnection,
        _ cpu: ProcessCPU
    ) async throws -> Double {
        let before = cpu.seconds
        for _ in 0..<times {
            try await session.send(text: message)
            let reply = try await session.receive()
            guard case .text(let text) = reply else {
                Issue.record("\(shape.name): expected a text reply, got \(reply)")
                return cpu.seconds - before
            }
            // No amplification: a reply may echo the input (an issue's `loc` and the summary
            // message both name a key), never multiply it.
            #expect(
                text.utf8.count <= 2 * message.utf8.count + 64 << 10,
                "\(shape.name): a \(message.utf8.count)-byte message got a \(text.utf8.count)-byte reply"
            )
        }
        return cpu.seconds - before
    }

    /// A step message whose data is `document` (the server parses all of it before it validates).
    static func message(embedding document: [UInt8]) -> String {
        #"{"type":"step","data":"# + String(decoding: document, as: UTF8.self) + "}"
    }
}

/// A process's CPU time (user + system) from `/proc/PID/stat`.
struct ProcessCPU {
    let path: String

    init?(pid: Int32) {
        path = "/proc/\(pid)/stat"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
    }

    var seconds: Double {
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return 0 }
        // After the command name: state is field 3, utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// An honest client stepping (wait 0) every 10 ms on its own connection while something else
/// runs: paced, so its own steps add little to the server CPU being measured.
struct HonestSession {
    let endpoint: ServerEndpoint

    struct Latency: CustomStringConvertible {
        var steps = 0
        var failures = 0
        var samples: [Duration] = []

        var description: String {
            let sorted = samples.sorted()
            func at(_ fraction: Double) -> String {
                guard !sorted.isEmpty else { return "–" }
                let value = sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
                return String(format: "%.1f ms", value / .milliseconds(1))
            }
            return "\(steps) steps, \(failures) failed, p50 \(at(0.5)), p99 \(at(0.99)), max \(at(1))"
        }
    }

    /// Steps continuously until `body` returns, then reports the steps' latency.
    func measureWhile(_ body: () async throws -> Void) async throws -> Latency {
        try await withThrowingTaskGroup(of: Latency.self) { group in
            let stepping = StopFlag()
            group.addTask { [endpoint] in
                var latency = Latency()
                try await withSession(endpoint) { session in
                    _ = try await session.reset()
                    while !stepping.isSet {
                        let start = ContinuousClock.now
                        let reply = try? await session.request(#"{"type":"step","data":{"wait_seconds":0}}"#)
                        latency.samples.append(ContinuousClock.now - start)
                        latency.steps += 1
                        if reply?["type"]?.stringValue != "observation" { latency.failures += 1 }
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
                return latency
            }
            defer { stepping.set() }
            try await body()
            stepping.set()
            return try await group.next()!
        }
    }
}

/// Set once, read from another task.
final class StopFlag: Sendable {
    private let flag = Atomic(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
