import EnvClient
import EnvProtocol
import EnvServer
import EnvTesting
import Synchronization
import Testing

/// A graceful shutdown waits for open WebSocket sessions although none holds a task of its own
/// (its pipeline serves it once upgraded): the server stops only once they have closed.
@Suite("Graceful shutdown", .timeLimit(.minutes(1)))
struct GracefulShutdownTests {
    @Test("a session mid-step when the shutdown starts gets its reply and close 1000 before the server stops")
    func waitsForOpenSessions() async throws {
        let seen = Seen()
        let (server, client) = try await withTestServer { endpoint, server in
            let stepSent = Seen()
            // The session outlives the body: the shutdown starts while its step waits.
            let client = Task {
                try? await withSession(endpoint) { session in
                    _ = try await session.request(#"{"type":"reset","data":{}}"#)
                    try await session.send(text: #"{"type":"step","data":{"wait_seconds":2}}"#)
                    stepSent.add("step sent")
                    while true {
                        switch try await session.receive() {
                        case .text(let text): seen.add((try? JSONCoding.parse(text))?["type"]?.stringValue ?? text)
                        case .close(let code, _):
                            seen.add("close \(code.map(String.init) ?? "-")")
                            return
                        default: continue
                        }
                    }
                }
            }
            try await waitUntil { stepSent.events == ["step sent"] }
            // Let the server take the step (on a loaded machine it may not have: then the session
            // is closed at once, as an idle one is).
            try await Task.sleep(for: .milliseconds(200))
            return (server, client)
        }
        #expect(server.slots.activeCount == 0, "the server stopped while a session still held its slot")
        await client.value
        #expect(seen.events == ["observation", "close 1000"] || seen.events == ["close 1000"], "\(seen.events)")
    }
}

/// What a session saw, in order.
private final class Seen: Sendable {
    private let list = Mutex<[String]>([])
    func add(_ event: String) { list.withLock { $0.append(event) } }
    var events: [String] { list.withLock { $0 } }
}
