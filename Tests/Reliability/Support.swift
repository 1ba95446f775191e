import EnvClient
import EnvProtocol
import EnvTesting
import Foundation
import Testing

/// Checks that a fresh session on `endpoint` is admitted and served: what every hostile case
/// verifies afterwards, so one client's bad input can never take the server down for others.
func expectServing(_ endpoint: ServerEndpoint, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    try await withSession(endpoint) { session in
        try await session.expectAlive(sourceLocation: sourceLocation)
        let step = try await session.request(#"{"type":"step","data":{"wait_seconds":0}}"#)
        #expect(step["data"]?["observation"]?["step_count"] == 1, "\(step)", sourceLocation: sourceLocation)
    }
    let health = try await HTTPProbe.get(endpoint, "/health")
    #expect(health.status == 200, sourceLocation: sourceLocation)
}

/// This process's resident set size in bytes, or `nil` where there is no procfs: memory
/// checks are then skipped, never invented.
func residentBytes() -> Int? {
    residentKiB(process: "self").map { $0 * 1024 }
}

/// The resident set of `process` (a pid, or `self`) in KiB: `VmRSS` of /proc/PROCESS/status;
/// `nil` where there is no procfs.
func residentKiB(process: String) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return nil }
    return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
}

/// Runs `body` `repetitions` times and checks resident memory grew by less than `bound` from
/// after the first run (which warms allocator arenas) to after the last: a per-input leak of
/// the big inputs these cases send would exceed it. A generous bound, not a performance check.
func expectNoLeak(
    repetitions: Int,
    bound: Int = 96 << 20,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async throws {
    try await body()
    let baseline = residentBytes()
    for _ in 1..<repetitions { try await body() }
    guard let baseline, let after = residentBytes() else { return }
    #expect(
        after - baseline < bound,
        "resident memory grew \((after - baseline) >> 20) MB over \(repetitions - 1) repetitions",
        sourceLocation: sourceLocation
    )
}

/// `depth` nested arrays around `inner`.
func nested(_ depth: Int, _ inner: String = "0") -> String {
    String(repeating: "[", count: depth) + inner + String(repeating: "]", count: depth)
}

/// `{"a":{"a":…{}…}}`: `depth` objects around an empty one.
func nestedObjects(_ depth: Int) -> String {
    String(repeating: #"{"a":"#, count: depth) + "{}" + String(repeating: "}", count: depth)
}

/// An object with `count` distinct keys.
func manyKeys(_ count: Int) -> String {
    "{" + (0..<count).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"
}

/// The load-heavy suites (floods, 1,000 connections, 10× overload) run on their own, as
/// Scaling does, so their load cannot make other suites' timing checks flaky: selected by
/// `OPENENV_RELIABILITY_LOAD=1` (`ci/reliability-load` sets it).
enum ReliabilityLoad {
    static let isSelected = TestSettings.current.runsReliabilityLoad

    static let note: Comment =
        "load-heavy: run on its own with OPENENV_RELIABILITY_LOAD=1 swift test --filter ReliabilityTests (or ci/reliability-load)"
}
