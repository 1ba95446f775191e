import Deploy
import Testing

@Suite struct BalancerPlanTests {
    @Test func parsesHostPortIPv6AndBarePorts() throws {
        #expect(try BalancerAddress(parsing: "node1:8001", flag: "--backends") == BalancerAddress(host: "node1", port: 8001))
        #expect(try BalancerAddress(parsing: "[::1]:9000", flag: "--backends") == BalancerAddress(host: "::1", port: 9000))
        #expect(try BalancerAddress(parsing: ":8000", flag: "--listen", defaultHost: "0.0.0.0").host == "0.0.0.0")
        #expect(try BalancerAddress(parsing: "8000", flag: "--listen", defaultHost: "0.0.0.0").port == 8000)
        #expect(BalancerAddress(host: "::", port: 80).description == "[::]:80")
        let list = try BalancerAddress.list(parsing: "10.0.0.2:8001, 10.0.0.3:8001", flag: "--backends")
        #expect(list.map(\.description) == ["10.0.0.2:8001", "10.0.0.3:8001"])
    }

    @Test(arguments: ["node1", "node1:", "node1:0", "node1:70000", ":8001", "::1:8001", "[::1]8001"])
    func rejectsBadBackends(_ text: String) {
        #expect(throws: DeployConfigError.self) { try BalancerAddress(parsing: text, flag: "--backends") }
    }

    @Test func errorsNameTheFlag() {
        #expect(throws: DeployConfigError("--backends: \"node1\" has no port in 1...65535")) {
            try BalancerAddress.list(parsing: "node1", flag: "--backends")
        }
        #expect(throws: DeployConfigError("--backends: give at least one host:port")) {
            try BalancerAddress.list(parsing: ",", flag: "--backends")
        }
    }

    @Test func rejectsImpossibleLimits() {
        let backend = BalancerAddress(host: "node1", port: 8001)
        let listen = BalancerAddress(host: "0.0.0.0", port: 8000)
        #expect(throws: DeployConfigError.self) { try BalancerPlan(backends: [], listen: listen) }
        #expect(throws: DeployConfigError.self) { try BalancerPlan(backends: [backend], listen: listen, maxSessions: 0) }
        #expect(throws: DeployConfigError.self) {
            try BalancerPlan(backends: [backend], listen: listen, maxSessions: BalancerPlan.maxSessionsLimit + 1)
        }
        #expect(throws: DeployConfigError.self) {
            try BalancerPlan(backends: [backend], listen: listen, idleTimeoutSeconds: 0)
        }
    }
}

/// A two-backend plan the generator tests share.
func samplePlan(maxSessions: Int = 16_384) throws -> BalancerPlan {
    try BalancerPlan(
        backends: BalancerAddress.list(parsing: "node1:8001,10.0.0.3:8001", flag: "--backends"),
        listen: BalancerAddress(parsing: ":8000", flag: "--listen", defaultHost: "0.0.0.0"),
        maxSessions: maxSessions
    )
}
