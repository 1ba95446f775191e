import Histogram

extension Collection where Element == RunSummary {
    /// Profile runs: the repetitions' shares of steps answered (answered / sent) averaged; `nil`
    /// when no repetition sent a step or none has measures.
    public var meanStepsAnsweredShare: Double? {
        let shares = compactMap(\.measures).map(\.total).filter { $0.stepsSent > 0 }.map {
            Double($0.stepsAnswered) / Double($0.stepsSent)
        }
        return shares.isEmpty ? nil : shares.reduce(0, +) / Double(shares.count)
    }

    /// Profile runs: the worst repetition's step latency p99 in seconds; `nil` when no step was
    /// answered.
    public var worstStepP99: Double? {
        compactMap(\.measures).map(\.total.stepLatency).filter { $0.totalCount > 0 }
            .map { $0.seconds(atPercentile: 99) }.max()
    }
}
