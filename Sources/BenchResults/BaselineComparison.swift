/// Measured figures against a baseline, cell by cell, with the baseline's tolerances.
///
/// The one comparison logic of the kit: the Scaling suite asserts with it and attaches its table.
public struct BaselineComparison: Sendable, Equatable {
    public enum Verdict: String, Sendable, Codable {
        case pass
        case regression
        /// The baseline has no figure for this cell, or the run could not measure it.
        case notCompared = "not compared"
    }

    /// One compared figure.
    public struct Cell: Sendable, Equatable, Codable {
        public var name: String
        public var baseline: String
        public var measured: String
        public var delta: String
        public var limit: String
        public var verdict: Verdict
    }

    public var cells: [Cell]

    public var hasRegression: Bool { cells.contains { $0.verdict == .regression } }

    /// Compares one case's runs (repetitions of one mode, wait and batch) with its baseline case.
    ///
    /// A burst is judged on session success (the mean over repetitions) and p99 total (the worst
    /// repetition's); a trainer-profile case on the share of steps answered and step p99, from
    /// its measures (a profile session lasts the run, so its total latency says nothing).
    public init(case expected: Baseline.Case?, runs: [RunSummary], tolerances: Baseline.Tolerances) {
        if expected?.profile != nil || runs.contains(where: { $0.measures != nil }) {
            cells = [
                runs.meanStepsAnsweredShare.map {
                    Self.share("steps answered", measured: $0, baseline: expected?.stepsAnsweredShare, tolerances: tolerances)
                },
                Self.p99("step p99", measured: runs.worstStepP99, baseline: expected?.stepP99, tolerances: tolerances),
            ].compactMap { $0 }
            return
        }
        cells = [
            runs.meanSuccessRate.map {
                Self.share("success", measured: $0, baseline: expected?.successRate, words: expected?.successRateText, tolerances: tolerances)
            },
            Self.p99("p99 total", measured: runs.worstServedP99, baseline: expected?.p99Total, tolerances: tolerances),
        ].compactMap { $0 }
    }

    /// A share (0…1) that may drop at most the tolerance's points below the baseline's.
    private static func share(
        _ name: String,
        measured: Double,
        baseline: Double?,
        words: String? = nil,
        tolerances: Baseline.Tolerances
    ) -> Cell {
        guard let baseline else {
            return Cell(name: name, baseline: words ?? "–", measured: percent(measured), delta: "–", limit: "–", verdict: .notCompared)
        }
        let floor = baseline - tolerances.successDropPoints / 100
        return Cell(
            name: name,
            baseline: percent(baseline),
            measured: percent(measured),
            delta: signedPoints(measured - baseline),
            limit: "≥ \(percent(max(0, floor)))",
            verdict: measured >= floor - 1e-9 ? .pass : .regression
        )
    }

    /// A p99 that may rise at most to the tolerance's ceiling over the baseline's; none
    /// measured where the baseline has one is itself a failure to serve.
    private static func p99(_ name: String, measured: Double?, baseline: Double?, tolerances: Baseline.Tolerances) -> Cell? {
        guard let baseline else {
            return measured.map { Cell(name: name, baseline: "–", measured: seconds($0), delta: "–", limit: "–", verdict: .notCompared) }
        }
        let ceiling = tolerances.p99Ceiling(baseline)
        guard let measured else {
            return Cell(
                name: name,
                baseline: seconds(baseline),
                measured: "not measured (no success)",
                delta: "–",
                limit: "≤ \(seconds(ceiling))",
                verdict: .regression
            )
        }
        return Cell(
            name: name,
            baseline: seconds(baseline),
            measured: seconds(measured),
            delta: signedPercent(measured / baseline - 1),
            limit: "≤ \(seconds(ceiling))",
            verdict: measured <= ceiling ? .pass : .regression
        )
    }

    /// Compares capacity figures (max batch, latency-bounded capacity) over the grid that ran.
    ///
    /// A baseline figure that is not one of the batch sizes that ran cannot be checked and is
    /// not compared.
    public init(capacity analysis: CapacityAnalysis, baseline: Baseline, grid: [Int]) {
        let sortedGrid = grid.sorted()
        var cells: [Cell] = []
        func compare(_ name: String, expected: Int??, measured: Int??, gridSteps: Int) {
            guard let expected else { return }
            let measuredValue = measured ?? nil
            let measuredText = measuredValue.map(String.init) ?? "none"
            guard let expectedValue = expected else {
                cells.append(Cell(name: name, baseline: "none", measured: measuredText, delta: "–", limit: "–", verdict: .notCompared))
                return
            }
            guard let expectedIndex = sortedGrid.firstIndex(of: expectedValue) else {
                cells.append(
                    Cell(
                        name: name,
                        baseline: String(expectedValue),
                        measured: measuredText,
                        delta: "–",
                        limit: "grid \(sortedGrid) does not contain \(expectedValue)",
                        verdict: .notCompared
                    )
                )
                return
            }
            let floorIndex = max(0, expectedIndex - gridSteps)
            let floor = sortedGrid[floorIndex]
            let passes = (measuredValue ?? 0) >= floor
            cells.append(
                Cell(
                    name: name,
                    baseline: String(expectedValue),
                    measured: measuredText,
                    delta: measuredValue.map { String($0 - expectedValue) } ?? "–",
                    limit: "≥ \(floor)",
                    verdict: passes ? .pass : .regression
                )
            )
        }
        for key in analysis.maxBatch.keys.sorted() {
            let label = "\(key.mode.rawValue) wait \(key.wait) s"
            let expected = baseline.maxBatch.first { $0.mode == key.mode && $0.waitSeconds == key.wait }.map { $0.maxBatch }
            compare(
                "max batch (\(label))",
                expected: expected,
                measured: analysis.maxBatch[key],
                gridSteps: baseline.tolerances.maxBatchGridSteps
            )
            let expectedBounded = baseline.latencyBoundedCapacity?.first { $0.mode == key.mode && $0.waitSeconds == key.wait }
                .map { $0.capacity }
            compare(
                "latency-bounded capacity (\(label))",
                expected: expectedBounded,
                measured: analysis.latencyBoundedCapacity[key],
                gridSteps: baseline.tolerances.latencyBoundedGridSteps ?? baseline.tolerances.maxBatchGridSteps
            )
        }
        self.cells = cells
    }

    /// A Markdown table: baseline, measured, delta, limit, verdict per cell.
    public var markdown: String {
        (["| figure | baseline | measured | delta | limit | verdict |", "|---|---|---|---|---|---|"]
            + cells.map { "| \($0.name) | \($0.baseline) | \($0.measured) | \($0.delta) | \($0.limit) | \($0.verdict.rawValue) |" })
            .joined(separator: "\n")
    }

    static func percent(_ rate: Double) -> String { SweepReport.format(rate * 100, 1) + "%" }
    static func seconds(_ value: Double) -> String { SweepReport.format(value, 3) + " s" }
    static func signedPoints(_ value: Double) -> String { (value >= 0 ? "+" : "") + SweepReport.format(value * 100, 1) + " pt" }
    static func signedPercent(_ value: Double) -> String { (value >= 0 ? "+" : "") + SweepReport.format(value * 100, 0) + "%" }
}
