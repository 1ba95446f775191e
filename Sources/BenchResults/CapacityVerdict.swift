/// Whether a profile run at one concurrency was sustained: step p99 within the bound, at least
/// 99.9 % of the steps sent answered, no session failed or dropped by the server.
public enum CapacityVerdict {
    /// Share of steps sent that must be answered.
    public static let answeredShare = 0.999

    /// The verdict and a line saying why.
    public static func judge(_ measures: LoadMeasures, failedSessions: Int, stepP99Bound: Double) -> (passed: Bool, reason: String) {
        let total = measures.total
        let p99 = total.stepLatency.seconds(atPercentile: 99)
        let share = total.stepsSent > 0 ? Double(total.stepsAnswered) / Double(total.stepsSent) : 0
        var problems: [String] = []
        if total.stepsAnswered == 0 { problems.append("no step answered") }
        if p99 > stepP99Bound { problems.append("step p99 \(CSV.number(p99)) s > \(CSV.number(stepP99Bound)) s") }
        if share < answeredShare { problems.append("\(total.stepsAnswered)/\(total.stepsSent) steps answered") }
        if failedSessions > 0 { problems.append("\(failedSessions) sessions failed") }
        if total.sessionsDropped > 0 { problems.append("\(total.sessionsDropped) sessions dropped by the server") }
        let figures = "step p99 \(CSV.number(p99)) s, \(total.stepsAnswered)/\(total.stepsSent) steps answered, \(failedSessions) sessions failed"
        return problems.isEmpty ? (true, figures) : (false, problems.joined(separator: "; "))
    }
}
