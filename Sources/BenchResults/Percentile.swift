/// Percentiles by linear interpolation between closest ranks, as the seed benchmark computed them
/// (`k = (n - 1) · p / 100`), so figures compare across the two tools.
public enum Percentile {
    /// The `p`th percentile (0…100) of `values`; 0 for no values.
    public static func of(_ values: [Double], _ p: Double) -> Double {
        sorted(values.sorted(), p)
    }

    /// Same, for values already sorted ascending (to take several percentiles of one sort).
    public static func sorted(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Double(sorted.count - 1) * p / 100
        let lower = Int(rank)
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (rank - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
