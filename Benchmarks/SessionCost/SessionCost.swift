import Benchmark

/// Cost gate: what a whole loopback session costs, server and client (ci/cost-gates).
let benchmarks: @Sendable () -> Void = {
    registerSessionBenchmarks()
}
