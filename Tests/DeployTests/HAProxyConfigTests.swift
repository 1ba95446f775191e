import Deploy
import Foundation
import Testing

@Suite struct HAProxyConfigTests {
    func lines(_ plan: BalancerPlan) -> [String] {
        HAProxyConfig.render(plan).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func balancesByLeastConnectionsWithTunnelTimeoutAndHealthChecks() throws {
        let lines = lines(try samplePlan())
        for expected in [
            "balance leastconn", "timeout tunnel 3600s", "option httpchk", "http-check send meth GET uri /health",
            "http-check expect status 200", "bind 0.0.0.0:8000", "server backend0 node1:8001",
            "server backend1 10.0.0.3:8001",
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
    }

    @Test(arguments: [1, 1_024, 16_384])
    func connectionLimitsExceedTheRequestedSessions(_ sessions: Int) throws {
        let limits = lines(try samplePlan(maxSessions: sessions))
            .filter { $0.hasPrefix("maxconn ") }
            .compactMap { Int($0.dropFirst("maxconn ".count)) }
        #expect(limits.count == 2)
        #expect(limits.allSatisfy { $0 > sessions })
    }

    @Test(
        .enabled(if: Validator.haproxy != nil, "haproxy not found: set OPENENV_HAPROXY or apt-get install haproxy"),
        .timeLimit(.minutes(1))
    )
    func realHAProxyAcceptsTheConfiguration() throws {
        let haproxy = try #require(Validator.haproxy)
        // HAProxy resolves server names when it starts (an unknown name is an error, not a
        // silently dead backend), so the names here must resolve on any machine.
        let resolvable = try BalancerPlan(
            backends: BalancerAddress.list(parsing: "localhost:8001,10.0.0.3:8001", flag: "--backends"),
            listen: BalancerAddress(host: "0.0.0.0", port: 8000)
        )
        let ipv6 = try BalancerPlan(
            backends: [BalancerAddress(host: "::1", port: 8001)],
            listen: BalancerAddress(host: "::", port: 8000)
        )
        for plan in [resolvable, ipv6] {
            let result = try haproxy.check(HAProxyConfig.render(plan), fileExtension: "cfg") { ["-c", "-f", $0] }
            #expect(result.status == 0, "haproxy -c: \(result.output)")
        }
        let broken = HAProxyConfig.render(resolvable).replacingOccurrences(of: "leastconn", with: "mostconn")
        #expect(try haproxy.check(broken, fileExtension: "cfg") { ["-c", "-f", $0] }.status != 0)
    }
}
