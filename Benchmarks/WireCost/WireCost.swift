import Benchmark

/// Cost gate: what decoding and encoding each wire message costs (ci/cost-gates).
let benchmarks: @Sendable () -> Void = {
    registerCodecBenchmarks()
}
