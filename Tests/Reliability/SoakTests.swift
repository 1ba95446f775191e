import EnvClient
import EnvProtocol
import EnvTesting
import Foundation
import NIOCore
import NIOWebSocket
import Synchronization
import Testing

/// Mixed traffic against one `openenv-server` process for `OPENENV_SOAK_SECONDS` (CI: 180 s;
/// the long form in docs/RELIABILITY.md: 1,800), sampling what it holds every 10 s. At once:
/// bursts of 64 (`openenv-bench`, its own process) alternating with capacity overflow, 32 held
/// sessions stepping every second, hostile frames, connections reset mid-step, and idle
/// connections (silent, or half a request head) held 5 s. The samples are attached as `soak.csv`.
@Suite("Soak: mixed traffic against one server process", .serialized, .timeLimit(.minutes(40)))
struct SoakTests {
    static let seconds = TestSettings.current.soakSeconds
    static let capacity = 256

    /// What the server holds at one moment.
    struct Sample: Sendable {
        var time: Double
        var residentKiB: Int
        var descriptors: Int
        var activeSessions: Int?
        var csv: String { "\(String(format: "%.1f", time)),\(residentKiB),\(descriptors),\(activeSessions.map(String.init) ?? "")" }
    }

    /// How many of each activity ran, and whether hostile clients may connect now (not while the
    /// overflow holds every slot: a refused connection is not the answer they check for).
    final class Tally: Sendable {
        private let state = Mutex<(counts: [String: Int], admitting: Bool)>(([:], true))
        func count(_ what: String, _ n: Int = 1) { state.withLock { $0.counts[what, default: 0] += n } }
        var counts: [String: Int] { state.withLock { $0.counts } }
        var isAdmitting: Bool {
            get { state.withLock { $0.admitting } }
            set { state.withLock { $0.admitting = newValue } }
        }
    }

    @Test(
        "after mixed traffic every session and descriptor is given back, and RSS stops growing after warm-up",
        .enabled(if: seconds != nil, "a soak: OPENENV_SOAK_SECONDS=180 swift test -c release --filter Soak")
    )
    func soak() async throws {
        let seconds = try #require(Self.seconds)
        let bound = TestSettings.current.soakRSSGrowthMiB
        try await ServerProcess.with(["--max-concurrent-envs", "\(Self.capacity)"]) { server in
            let started = ContinuousClock.now
            let end = started + .seconds(seconds)
            let sample: @Sendable () async throws -> Sample = {
                Sample(
                    time: (ContinuousClock.now - started).seconds,
                    residentKiB: server.residentKiB ?? 0,
                    descriptors: server.descriptors,
                    activeSessions: try await server.metric("openenv_active_sessions").map { Int($0) }
                )
            }
            let baseline = try await sample()
            let tally = Tally()
            async let sampled = Self.samples(until: end, sample)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await Self.burstsAndOverflow(server, tally, until: end) }
                group.addTask { try await Self.hostile(server.endpoint, tally, until: end) }
                group.addTask { try await Self.aborts(server.endpoint, tally, until: end) }
                group.addTask { try await Self.idleConnections(server.endpoint.port, tally, until: end) }
                for _ in 0..<32 { group.addTask { try await Self.held(server.endpoint, tally, until: end) } }
                try await group.waitForAll()
            }
            let samples = try await sampled
            // Quiet: aborted steps (5 s) end, closed sockets are reaped.
            try await Task.sleep(for: .seconds(8))
            let final = try await sample()
            let all = [baseline] + samples.sorted { $0.time < $1.time } + [final]
            Attachment.record((["t,rss_kib,fds,active_sessions"] + all.map(\.csv)).joined(separator: "\n") + "\n", named: "soak.csv")

            let warm = all.first { $0.time >= seconds / 4 } ?? final
            let growthMiB = Double(final.residentKiB - warm.residentKiB) / 1024
            let peak = all.map(\.residentKiB).max() ?? 0
            print(
                "soak: \(seconds) s, \(all.count) samples; "
                    + tally.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            )
            print(
                "soak: RSS \(baseline.residentKiB / 1024) MiB at start, \(warm.residentKiB / 1024) MiB at \(Int(warm.time)) s, peak \(peak / 1024) MiB, \(final.residentKiB / 1024) MiB at the end (growth \(String(format: "%.1f", growthMiB)) MiB, bound \(bound)); descriptors \(baseline.descriptors) → \(final.descriptors)"
            )
            #expect(
                final.activeSessions == 0,
                "\(final.activeSessions.map(String.init) ?? "no count of") sessions still active after the traffic stopped"
            )
            #expect(
                final.descriptors <= baseline.descriptors + 4,
                "descriptors not given back: \(baseline.descriptors) at start, \(final.descriptors) at the end"
            )
            #expect(growthMiB <= Double(bound), "RSS grew \(growthMiB) MiB from \(warm.time) s to the end (bound \(bound) MiB)")
            for activity in ["bursts", "capacity refusals", "held steps", "hostile frames", "aborted connections", "idle connections"] {
                #expect((tally.counts[activity] ?? 0) > 0, "no \(activity) ran: \(tally.counts)")
            }
        }
    }

    /// A sample every 10 s until `end`.
    static func samples(until end: ContinuousClock.Instant, _ sample: @Sendable () async throws -> Sample) async throws -> [Sample] {
        var samples: [Sample] = []
        while ContinuousClock.now < end {
            samples.append(try await sample())
            try await pause(.seconds(10), before: end)
        }
        return samples
    }

    /// A burst of 64 (every session must succeed), then capacity overflow, in turn, 10 s apart.
    static func burstsAndOverflow(_ server: ServerProcess, _ tally: Tally, until end: ContinuousClock.Instant) async throws {
        while ContinuousClock.now < end {
            let (status, output) = try await LaunchedProcess.run(
                "openenv-bench",
                ["--url", server.endpoint.httpURL, "-n", "64", "-w", "0.2", "-t", "30", "--min-success", "1"]
            )
            #expect(status == 0, "a burst of 64 with --min-success 1 exited \(status): \(output.suffix(400))")
            tally.count("bursts")
            try await pause(.seconds(10), before: end)
            guard ContinuousClock.now < end else { break }
            try await overflow(server.endpoint, tally)
            try await pause(.seconds(10), before: end)
        }
    }

    /// How many of the overflow's sessions have their answer: each holds its place until all have.
    final class Answered: Sendable {
        let count = Mutex(0)
    }

    /// Capacity + 16 sessions at once, each held until all have their answer: at least 16 are
    /// refused with CAPACITY_REACHED, and every other reset is answered.
    static func overflow(_ endpoint: ServerEndpoint, _ tally: Tally) async throws {
        tally.isAdmitting = false
        defer { tally.isAdmitting = true }
        try await Task.sleep(for: .milliseconds(500))  // hostile cases already connecting are admitted first
        let total = capacity + 16
        let answered = Answered()
        let refused = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<total {
                group.addTask {
                    try await withSession(endpoint) { session in
                        try? await session.send(text: #"{"type":"reset","data":{}}"#)
                        let reply = try await session.nextJSON()  // a refusal's error is read even after its close
                        answered.count.withLock { $0 += 1 }
                        let deadline = ContinuousClock.now + .seconds(30)
                        while answered.count.withLock({ $0 }) < total, ContinuousClock.now < deadline {
                            try await Task.sleep(for: .milliseconds(50))
                        }
                        if reply.errorCode == ErrorCode.capacityReached.rawValue { return true }
                        #expect(reply["type"] == "observation", "overflow: \(String(describing: reply).prefix(200))")
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(refused >= 16, "overflow: only \(refused) of \(total) sessions refused at capacity \(capacity)")
        tally.count("capacity refusals", refused)
    }

    /// One session held for the whole soak, stepping every second.
    static func held(_ endpoint: ServerEndpoint, _ tally: Tally, until end: ContinuousClock.Instant) async throws {
        try await withSession(endpoint) { session in
            _ = try await session.reset()
            while ContinuousClock.now < end {
                _ = try await session.step()
                tally.count("held steps")
                try await pause(.seconds(1), before: end)
            }
            try await session.send(text: #"{"type":"close"}"#)
        }
    }

    /// Hostile frames every second: each gets its error reply or its close code.
    static func hostile(_ endpoint: ServerEndpoint, _ tally: Tally, until end: ContinuousClock.Instant) async throws {
        let overLimit = frame(.text, Array(repeating: 0x20, count: (1 << 20) + 16))
        let cases: [(name: String, frame: WebSocketFrame, error: ErrorCode?, close: UInt16?)] = [
            ("invalid JSON", frame(.text, Array("{nope".utf8)), .invalidJSON, nil),
            ("binary frame", frame(.binary, [0, 1]), .invalidJSON, nil),
            ("non-UTF-8 text", frame(.text, [0xFF, 0xFE]), nil, 1007),
            ("message over the limit", overLimit, nil, 1009),
        ]
        while ContinuousClock.now < end {
            for hostile in cases {
                while !tally.isAdmitting { try await Task.sleep(for: .milliseconds(100)) }
                try await withSession(endpoint) { session in
                    try? await session.send(hostile.frame)  // the server may close mid-frame
                    if let code = hostile.error {
                        let reply = try await session.nextJSON()
                        #expect(reply.errorCode == code.rawValue, "\(hostile.name): \(String(describing: reply).prefix(200))")
                    } else {
                        #expect(try await session.closeCode() == hostile.close, "\(hostile.name)")
                    }
                }
                tally.count("hostile frames")
            }
            try await pause(.seconds(1), before: end)
        }
    }

    /// Every half second, a session reset mid-step (a TCP reset while a 5 s step runs).
    static func aborts(_ endpoint: ServerEndpoint, _ tally: Tally, until end: ContinuousClock.Instant) async throws {
        while ContinuousClock.now < end {
            while !tally.isAdmitting { try await Task.sleep(for: .milliseconds(100)) }
            try? await withSession(endpoint) { session in
                _ = try await session.reset()
                try await session.send(text: #"{"type":"step","data":{"wait_seconds":5}}"#)
                await session.abort()
            }
            tally.count("aborted connections")
            try await pause(.milliseconds(500), before: end)
        }
    }

    /// Every 5 s, 20 connections that make no request (10 silent, 10 half a head), held 5 s.
    static func idleConnections(_ port: Int, _ tally: Tally, until end: ContinuousClock.Instant) async throws {
        while ContinuousClock.now < end {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await RawTCPConnection.with(port: port) { _, outbound in
                            if index >= 10 { try await outbound.write(ByteBuffer(string: "GET /health HTTP/1.1\r\nHost: x\r\n")) }
                            try await Task.sleep(for: .seconds(5))
                        }
                    }
                }
                try await group.waitForAll()
            }
            tally.count("idle connections", 20)
            try await pause(.seconds(5), before: end)
        }
    }
}

/// Sleeps for `interval`, or until `end` when that comes first.
private func pause(_ interval: Duration, before end: ContinuousClock.Instant) async throws {
    try await Task.sleep(until: min(end, ContinuousClock.now + interval), clock: .continuous)
}
