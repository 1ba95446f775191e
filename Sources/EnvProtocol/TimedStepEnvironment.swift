/// An environment whose step is a wait followed by synchronous work, like the benchmark
/// environment's `wait_seconds`. A server may then time the wait on its own event loop instead
/// of suspending a task in `Task.sleep`, which costs a timer thread and a hand-off back per step.
///
/// Conforming declares the environment cheap: a server serves it entirely on its I/O event loop
/// (reset, state and tool calls included; ``HostedEnvironment/runsOnEventLoop``). Its code must
/// then never burn CPU or block: any other environment runs off the loop.
///
/// `step(action)` must behave exactly as `stepWait(for: action)`, a sleep that long, then
/// `finishStep(action)`: the server calls either `step` or the two halves.
public protocol TimedStepEnvironment: Environment {
    /// How long a step of `action` waits before its work.
    ///
    /// - Throws: what `step` throws before it starts waiting (e.g. ``ValidationFailure``).
    func stepWait(for action: Action) throws -> Duration
    /// The step's work, once its wait is over.
    mutating func finishStep(_ action: Action) throws -> Observation
    /// `reset(options:)` done at once, when it needs no waiting: the server then answers a
    /// reset on its event loop without starting a task for it. `nil` (the default) leaves the
    /// environment untouched and the server calls `reset(options:)`.
    mutating func resetAtOnce(options: ResetOptions) throws -> Observation?
}

extension TimedStepEnvironment {
    public mutating func resetAtOnce(options: ResetOptions) throws -> Observation? { nil }
}
