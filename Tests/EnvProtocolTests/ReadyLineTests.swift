import EnvProtocol
import Testing

@Suite("Ready line")
struct ReadyLineTests {
    @Test("prints and parses back, IPv6 hosts bracketed")
    func roundTrip() throws {
        let line = ReadyLine(scheme: "https", host: "::1", port: 8443, pid: 42)
        #expect(line.description == "listening https://[::1]:8443 pid=42")
        #expect(ReadyLine(parsing: line.description) == line)
        #expect(ReadyLine(parsing: "listening http://127.0.0.1:0 pid=7")?.port == 0)
    }

    @Test(
        "other lines are not ready lines",
        arguments: [
            "Listening on 127.0.0.1:8000", "listening http://127.0.0.1 pid=1", "listening http://h:1 pid=x", "",
        ]
    )
    func notReady(line: String) {
        #expect(ReadyLine(parsing: line) == nil)
    }
}
