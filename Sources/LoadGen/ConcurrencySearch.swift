/// The largest concurrency that still passes, found by doubling and then bisecting: what
/// `openenv-bench capacity` reports as a server's sustainable concurrency.
///
/// Each probe is a whole run at one N; the search doubles N from `start` until a run fails
/// (or `limit` is reached), then bisects between the last pass and the first failure until
/// they are within `resolution` of each other. It assumes that passing is monotone in N.
///
/// ```swift
/// let search = ConcurrencySearch(start: 16, limit: 32_768)
/// let best = await search.run { n in await passes(n) }   // nil: not even `start` passed
/// ```
public struct ConcurrencySearch: Sendable {
    public var start: Int
    public var limit: Int
    /// Stop bisecting when the failing and passing N are this close, as a share of the passing
    /// one (at least 1 session).
    public var resolution: Double

    public init(start: Int, limit: Int, resolution: Double = 0.05) {
        self.start = max(1, start)
        self.limit = max(self.start, limit)
        self.resolution = resolution
    }

    /// The largest N that passed, or `nil` when `start` did not; `probe` says whether a run of N
    /// passed, and is called once per N tried, in the order tried.
    public func run(_ probe: (Int) async throws -> Bool) async rethrows -> Int? {
        var passing: Int?
        var failing: Int?
        var n = start
        while true {
            if try await probe(n) {
                passing = n
                if n >= limit { return n }
                n = min(limit, n * 2)
            } else {
                failing = n
                break
            }
        }
        guard var low = passing, var high = failing else { return nil }
        while high - low > max(1, Int(Double(low) * resolution)) {
            let middle = low + (high - low) / 2
            if try await probe(middle) { low = middle } else { high = middle }
        }
        return low
    }
}
