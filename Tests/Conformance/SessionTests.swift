import EnvProtocol
import EnvServer
import EnvTesting
import EnvClient
import Testing

/// PROTOCOL.md §5, cases 42–49: isolation, non-blocking waits, capacity and slot release.
///
/// Serialized: the capacity cases share one server whose slots they count. Against a remote
/// server they need `OPENENV_MAX_SESSIONS` (and ideally a dedicated `OPENENV_CAPACITY_URL`);
/// the idle-timeout case needs `OPENENV_SESSION_TIMEOUT`.
@Suite("Sessions and capacity", .serialized, .timeLimit(.minutes(3)))
struct SessionTests {
    static let hasKnownCapacity = ServerUnderTest.knownCapacity != nil

    @Test("42 · two sessions → different session_hash, independent step_count")
    func isolation() async throws {
        try await ServerUnderTest.withServer { endpoint in
            try await withSession(endpoint) { first in
                try await withSession(endpoint) { second in
                    let firstHash = try await first.reset()["session_hash"]
                    let secondHash = try await second.reset()["session_hash"]
                    #expect(firstHash != secondHash)
                    for _ in 1...3 { _ = try await first.step() }
                    let secondStep = try await second.step()
                    #expect(secondStep["step_count"]?.numberValue == 1, "steps in one session never count in another")
                }
            }
        }
    }

    @Test("43 · N sessions stepping wait w together finish in about w, not N·w")
    func waitsDoNotBlockEachOther() async throws {
        // 200 sessions in-process (the foundation issue's check); 50 against a remote server,
        // which stays under the reference's default capacity of 100.
        let sessions = ServerUnderTest.isRemote ? 50 : 200
        let wait = 1.0
        let inProcess = ServerConfiguration(maxConcurrentEnvs: sessions + 10)
        try await ServerUnderTest.withServer(inProcess: inProcess) { endpoint in
            let clock = ContinuousClock()
            let start = clock.now
            let waited = try await withThrowingTaskGroup(of: Double.self) { group in
                for _ in 0..<sessions {
                    group.addTask {
                        try await withSession(endpoint) { session in
                            _ = try await session.reset()
                            return try await session.step(wait: wait)["waited_seconds"]?.numberValue ?? -1
                        }
                    }
                }
                return try await group.reduce(into: [Double]()) { $0.append($1) }
            }
            let elapsed = clock.now - start
            print("case 43: \(sessions) sessions × wait \(wait) s finished in \(elapsed)")
            #expect(waited.count == sessions && waited.allSatisfy { $0 == wait })
            // Serial waits would take sessions × wait (200 s); a tenth of that proves they overlap,
            // with room for a loaded CI machine (unloaded, this takes about 1.3 s).
            #expect(elapsed < .seconds(Double(sessions) * wait / 10), "\(sessions) concurrent waits took \(elapsed)")
        }
    }

    @Test(
        "44 · at capacity C the (C+1)th session gets CAPACITY_REACHED, then close 1000",
        .enabled(if: hasKnownCapacity, "set OPENENV_MAX_SESSIONS to the server's capacity"))
    func capacityReached() async throws {
        let capacity = try #require(ServerUnderTest.knownCapacity)
        try await ServerUnderTest.withCapacityServer { endpoint in
            try await holdingSessions(capacity, on: endpoint) {
                let (reply, close) = try await withSession(endpoint) { session in
                    (try await session.nextJSON(), try await session.receive())
                }
                expectError(reply, .capacityReached)
                #expect(reply["data"]?["active_sessions"]?.numberValue == Double(capacity))
                #expect(reply["data"]?["max_sessions"]?.numberValue == Double(capacity))
                guard case .close(let code, _) = close else {
                    Issue.record("expected close after CAPACITY_REACHED, got \(close)")
                    return
                }
                #expect(code == 1000)
            }
        }
    }

    @Test(
        "45 · after a session sends close, a new session is accepted",
        .enabled(if: hasKnownCapacity, "set OPENENV_MAX_SESSIONS to the server's capacity"))
    func slotFreedByClose() async throws {
        let capacity = try #require(ServerUnderTest.knownCapacity)
        try await ServerUnderTest.withCapacityServer { endpoint in
            try await holdingSessions(capacity - 1, on: endpoint) {
                try await withSession(endpoint) { last in
                    _ = try await last.reset()
                    try await last.send(text: #"{"type":"close"}"#)
                    _ = try await last.receive()
                }
                try await expectSessionAdmitted(endpoint, within: .seconds(10))
            }
        }
    }

    @Test(
        "46 · after a TCP abort without close frame, the slot is released",
        .enabled(if: hasKnownCapacity, "set OPENENV_MAX_SESSIONS to the server's capacity"))
    func slotFreedByAbort() async throws {
        let capacity = try #require(ServerUnderTest.knownCapacity)
        try await ServerUnderTest.withCapacityServer { endpoint in
            try await holdingSessions(capacity - 1, on: endpoint) {
                try await withSession(endpoint) { last in
                    _ = try await last.reset()
                    await last.abort()
                }
                try await expectSessionAdmitted(endpoint, within: .seconds(10))
            }
        }
    }

    @Test(
        "47 · a client vanishing mid-step releases its slot; the server keeps serving",
        .enabled(if: hasKnownCapacity, "set OPENENV_MAX_SESSIONS to the server's capacity"))
    func slotFreedByAbortMidStep() async throws {
        let capacity = try #require(ServerUnderTest.knownCapacity)
        try await ServerUnderTest.withCapacityServer { endpoint in
            try await holdingSessions(capacity - 1, on: endpoint) {
                try await withSession(endpoint) { last in
                    _ = try await last.reset()
                    try await last.send(text: #"{"type":"step","data":{"wait_seconds":1.0}}"#)
                    try await Task.sleep(for: .milliseconds(200))
                    await last.abort()
                }
                try await expectSessionAdmitted(endpoint, within: .seconds(10))
            }
        }
    }

    @Test(
        "48 · with an idle timeout T, an idle session is closed and its slot freed",
        .enabled(
            if: ServerUnderTest.knownSessionTimeout != nil, "set OPENENV_SESSION_TIMEOUT to the server's idle timeout"))
    func idleTimeout() async throws {
        let timeout = try #require(ServerUnderTest.knownSessionTimeout)
        try await ServerUnderTest.withIdleTimeoutServer { endpoint in
            let event = try await withSession(endpoint) { session in
                _ = try await session.reset()
                return try await session.receive(timeout: .seconds(timeout + 10))
            }
            guard case .close = event else {
                Issue.record("expected the idle session to be closed, got \(event)")
                return
            }
            try await expectSessionAdmitted(endpoint, within: .seconds(5))
        }
    }

    @Test("49 · observations carry the serving pid and host_url; one server → one host_url")
    func servingProcessIdentity() async throws {
        try await ServerUnderTest.withServer { endpoint in
            var hosts = Set<String>()
            for _ in 1...5 {
                let observation = try await withSession(endpoint) { try await $0.reset() }
                guard case .integer(let pid)? = observation["pid"], pid > 0 else {
                    Issue.record("pid is not a positive integer: \(observation)")
                    return
                }
                let host = try #require(observation["host_url"]?.stringValue)
                #expect(host.contains(":"), "host_url is hostname:PORT, got \(host)")
                hosts.insert(host)
            }
            #expect(hosts.count == 1, "one server, one host_url: \(hosts)")
            if !ServerUnderTest.isRemote {
                #expect(hosts.first?.hasSuffix(":\(endpoint.port)") == true, "host_url carries the bound port")
            }
        }
    }
}

/// Holds `count` admitted sessions open while `body` runs.
func holdingSessions<Result>(
    _ count: Int, on endpoint: ServerEndpoint, _ body: () async throws -> Result
) async throws -> Result {
    guard count > 0 else { return try await body() }
    return try await withSession(endpoint) { session in
        let observation = try await session.reset()
        try #require(observation["step_count"] != nil, "held session \(count) was admitted")
        return try await holdingSessions(count - 1, on: endpoint, body)
    }
}
