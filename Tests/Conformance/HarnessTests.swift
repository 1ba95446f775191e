import EnvTesting
import Testing

/// The conditions the suites need from the server under test, checked once.
@Suite("Harness")
struct HarnessTests {
    @Test("the server under test holds the suites' parallel sessions (else every suite is skipped, and this says why)")
    func serverHoldsTheSuites() {
        if let refusal = ServerUnderTest.parallelRefusal { Issue.record(Comment(rawValue: refusal)) }
    }

    @Test("every OPENENV_* setting given can be used (a bad value is reported, never dropped)")
    func settingsParse() {
        for problem in TestSettings.current.problems { Issue.record(Comment(rawValue: "\(problem)")) }
    }
}
