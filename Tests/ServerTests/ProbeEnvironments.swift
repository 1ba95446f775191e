import EnvProtocol
import NIOPosix
import Synchronization

/// What test environments report about where and when their code ran.
final class EnvironmentProbe: Sendable {
    private struct Record {
        var onEventLoop: [String: Bool] = [:]
        var stepsBegun = 0
        var stepsEnded = 0
        var factoriesBegun = 0
        var slowFactoryDone = false
        var released = false
    }

    private let record = Mutex(Record())

    /// Whether the environment's code for each operation ran on an event-loop thread (the last call of each).
    var onEventLoop: [String: Bool] { record.withLock { $0.onEventLoop } }
    var stepsBegun: Int { record.withLock { $0.stepsBegun } }
    var stepsEnded: Int { record.withLock { $0.stepsEnded } }
    var released: Bool { record.withLock { $0.released } }
    var factoriesBegun: Int { record.withLock { $0.factoriesBegun } }
    var slowFactoryDone: Bool { record.withLock { $0.slowFactoryDone } }

    /// Notes where `operation` is running now.
    func ran(_ operation: String) {
        let onLoop = MultiThreadedEventLoopGroup.currentEventLoop != nil
        record.withLock { $0.onEventLoop[operation] = onLoop }
    }

    func stepBegan() { record.withLock { $0.stepsBegun += 1 } }
    func stepEnded() { record.withLock { $0.stepsEnded += 1 } }
    /// Returns how many factories have begun, this one included.
    func factoryBegan() -> Int {
        record.withLock {
            $0.factoriesBegun += 1
            return $0.factoriesBegun
        }
    }
    func slowFactoryEnded() { record.withLock { $0.slowFactoryDone = true } }
    /// Lets a heavy step finish once it has burnt its minimum.
    func release() { record.withLock { $0.released = true } }
}

/// A test environment that reports to an ``EnvironmentProbe``: its reset and state are shared.
protocol ProbedEnvironment: Environment where Action == ProbeAction, Observation == ProbeObservation, State == ProbeState {
    static var name: String { get }
    var probe: EnvironmentProbe { get }
    var steps: Int { get set }
    init(probe: EnvironmentProbe)
}

extension ProbedEnvironment {
    mutating func reset(options: ResetOptions) async throws -> ProbeObservation {
        probe.ran("reset")
        steps = 0
        return ProbeObservation(fields: ["done": false])
    }

    var state: ProbeState {
        probe.ran("state")
        return ProbeState(fields: ["episode_id": .string(Self.name), "step_count": .integer(steps)])
    }

    static func hosted(_ probe: EnvironmentProbe) -> HostedEnvironment {
        HostedEnvironment(
            metadata: EnvironmentMetadata(name: name, description: "A test environment."),
            make: { _ in
                probe.ran("make")
                return Self(probe: probe)
            }
        )
    }
}

/// A step that burns CPU: at least 200 ms of a busy loop, and on until the test releases it
/// (at most 10 s), so a test can look at the server while the step is certainly still running.
/// Not a ``TimedStepEnvironment``: the server must run it off the event loop.
struct HeavyStepEnvironment: ProbedEnvironment {
    static let name = "heavy_step"
    let probe: EnvironmentProbe
    var steps = 0

    init(probe: EnvironmentProbe) {
        self.probe = probe
    }

    mutating func step(_ action: ProbeAction) async throws -> ProbeObservation {
        probe.ran("step")
        probe.stepBegan()
        defer { probe.stepEnded() }
        let started = ContinuousClock.now
        var spins = 0
        while ContinuousClock.now - started < .milliseconds(200)
            || (!probe.released && ContinuousClock.now - started < .seconds(10))
        {
            spins &+= 1
        }
        steps += 1
        return ProbeObservation(fields: ["done": false, "spins": .integer(spins)])
    }
}

/// A first factory that burns CPU until the test releases it (at most 10 s), so a test can look
/// at the server while that environment is certainly still being made; later ones are quick (two
/// burning at once would take both of Swift's pool threads on 2 cores, the test's included). Not
/// declared cheap: the server must make it off the event loop.
struct SlowFactoryEnvironment: ProbedEnvironment {
    static let name = "slow_factory"
    let probe: EnvironmentProbe
    var steps = 0

    init(probe: EnvironmentProbe) {
        let first = probe.factoryBegan() == 1
        defer { if first { probe.slowFactoryEnded() } }
        let started = ContinuousClock.now
        var spins = 0
        while first && !probe.released && ContinuousClock.now - started < .seconds(10) {
            spins &+= 1
        }
        self.probe = probe
    }

    mutating func step(_ action: ProbeAction) async throws -> ProbeObservation {
        probe.ran("step")
        steps += 1
        return ProbeObservation(fields: ["done": false])
    }
}

/// A step that is a timed wait (1 ms) plus cheap work: declared cheap, so served on the loop.
struct CheapTimedEnvironment: ProbedEnvironment, TimedStepEnvironment {
    static let name = "cheap_timed"
    let probe: EnvironmentProbe
    var steps = 0

    init(probe: EnvironmentProbe) {
        self.probe = probe
    }

    mutating func step(_ action: ProbeAction) async throws -> ProbeObservation {
        try finishStep(action)
    }

    func stepWait(for action: ProbeAction) throws -> Duration {
        probe.ran("stepWait")
        return .milliseconds(1)
    }

    mutating func finishStep(_ action: ProbeAction) throws -> ProbeObservation {
        probe.ran("step")
        steps += 1
        return ProbeObservation(fields: ["done": false])
    }
}

/// Any action: no fields.
struct ProbeAction: EnvironmentAction {
    init(validating fields: [String: JSONValue]) throws(ValidationFailure) {
        var reader = FieldReader(fields)
        reader.allowOnly([])
        try reader.finish()
    }

    static var jsonSchema: JSONValue { ["type": "object", "properties": [:], "additionalProperties": false] }
}

struct ProbeObservation: EnvironmentObservation {
    let fields: [String: JSONValue]
    static var jsonSchema: JSONValue { ["type": "object"] }
}

struct ProbeState: EnvironmentState {
    let fields: [String: JSONValue]
    static var jsonSchema: JSONValue { ["type": "object"] }
}
