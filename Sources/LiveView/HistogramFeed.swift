import BenchResults
import Histogram
import Prometheus

/// Carries an HdrHistogram that only grows (a run's step latencies so far) into a Prometheus
/// histogram: each call records what was added since the last one. So `/metrics` is filled from
/// the histograms the run keeps anyway, at scrape time, and the sessions record nothing twice.
///
/// Values are recorded at their HdrHistogram bucket's highest equivalent value (within 0.1 %).
struct HistogramFeed {
    private var fed = LoadMeasures.histogram()
    let target: DurationHistogram

    init(_ target: DurationHistogram) {
        self.target = target
    }

    /// Records into the target what `current` holds beyond what was fed before.
    mutating func feed(_ current: LoadMeasures.LatencyHistogram) {
        guard current.totalCount > fed.totalCount else { return }
        var before = fed.recordedValues().makeIterator()
        var previous = before.next()
        for entry in current.recordedValues() {
            var count = entry.count
            while let seen = previous, seen.value <= entry.value {
                if seen.value == entry.value { count -= seen.count }
                previous = before.next()
            }
            for _ in 0..<count { target.record(.microseconds(Int64(entry.value))) }
        }
        fed = current
    }
}
