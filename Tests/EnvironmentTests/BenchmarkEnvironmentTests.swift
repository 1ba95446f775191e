import BenchmarkEnvironment
import EnvProtocol
import Testing

@Suite("Benchmark environment and request validation")
struct BenchmarkEnvironmentTests {
    private func issueTypes(_ fields: [String: JSONValue]) -> [String] {
        do {
            _ = try BenchmarkAction(validating: fields)
            return []
        } catch {
            return error.issues.map(\.type)
        }
    }

    @Test("actions: defaults, strict numbers, no unknown fields")
    func actionValidation() throws {
        #expect(try BenchmarkAction(validating: [:]) == BenchmarkAction(waitSeconds: 0))
        #expect(try BenchmarkAction(validating: ["wait_seconds": 2]).waitSeconds == 2)
        #expect(try BenchmarkAction(validating: ["wait_seconds": -0.0]).waitSeconds.sign == .plus)
        #expect(issueTypes(["wait_seconds": "abc"]) == ["float_parsing"])
        #expect(issueTypes(["wait_seconds": "1"]) == ["float_parsing"])
        #expect(issueTypes(["wait_seconds": true]) == ["float_type"])
        #expect(issueTypes(["wait_seconds": -1]) == ["greater_than_equal"])
        #expect(issueTypes(["wait_seconds": 1, "bogus": 1]) == ["extra_forbidden"])
        #expect(issueTypes(["metadata": 3]) == ["dict_type"])
    }

    @Test("episodes: step_count counts, reset restarts, the session hash is fixed")
    func episode() async throws {
        var environment = BenchmarkEnvironment(configuration: .init(hostURL: "h:1", pid: 42))
        let first = try await environment.reset(options: ResetOptions())
        #expect(first.stepCount == 0 && first.pid == 42 && first.hostURL == "h:1")
        #expect(first.sessionHash.count == 12 && first.sessionHash.allSatisfy(\.isHexDigit))
        _ = try await environment.step(BenchmarkAction())
        let second = try await environment.step(BenchmarkAction(waitSeconds: 0.01))
        #expect(second.stepCount == 2 && second.waitedSeconds == 0.01)
        #expect(environment.state.stepCount == 2)
        let again = try await environment.reset(options: ResetOptions(episodeID: "ep"))
        #expect(again.stepCount == 0 && again.sessionHash == first.sessionHash)
        #expect(environment.state.episodeID == "ep")
        _ = try await environment.step(BenchmarkAction())
        let atOnce = try #require(try environment.resetAtOnce(options: ResetOptions(episodeID: "ep2")))
        #expect(atOnce.stepCount == 0 && atOnce.sessionHash == first.sessionHash, "resetAtOnce resets as reset does")
        #expect(environment.state.episodeID == "ep2" && environment.state.stepCount == 0)
        let otherHash = BenchmarkEnvironment(configuration: .init(hostURL: "h:1")).sessionHash
        #expect(
            otherHash.count == 12
                && otherHash.utf8.allSatisfy {
                    ("0"..."9").contains(Character(UnicodeScalar($0))) || ("a"..."f").contains(Character(UnicodeScalar($0)))
                }
        )
    }

    @Test("a wait above the configured maximum is a validation failure")
    func maximumWait() async {
        var environment = BenchmarkEnvironment(configuration: .init(hostURL: "h:1", maxWaitSeconds: 2))
        await #expect(throws: ValidationFailure.self) { try await environment.step(BenchmarkAction(waitSeconds: 2.5)) }
    }

    @Test("HTTP bodies: seed ≥ 0 integer, episode_id ≤ 255, action required, extras allowed")
    func httpBodies() throws {
        #expect(try ResetOptions(validatingBody: nil) == ResetOptions())
        #expect(try ResetOptions(validatingBody: ["seed": 42, "episode_id": "ep1", "x": 1]).seed == 42)
        #expect(throws: ValidationFailure.self) { try ResetOptions(validatingBody: ["seed": -1]) }
        #expect(throws: ValidationFailure.self) { try ResetOptions(validatingBody: ["seed": 1.5]) }
        #expect(throws: ValidationFailure.self) {
            try ResetOptions(validatingBody: ["episode_id": .string(String(repeating: "e", count: 256))])
        }
        #expect(throws: ValidationFailure.self) { try ResetOptions(validatingBody: [1]) }
        #expect(try StepRequest(validating: ["action": [:], "request_id": "r", "extra": 1]).requestID == "r")
        do {
            _ = try StepRequest(validating: [:])
            Issue.record("a step without action was accepted")
        } catch {
            #expect(error.issues.map(\.loc) == [["body", "action"]])
        }
        #expect(throws: ValidationFailure.self) { try StepRequest(validating: ["action": [:], "timeout_s": 0]) }
    }
}
