public import EnvProtocol

extension HostedEnvironment {
    /// The benchmark environment of PROTOCOL.md §4, as a server hosts it.
    ///
    /// - Parameter maxWaitSeconds: the longest `wait_seconds` a step may ask for (default 600).
    public static func benchmark(maxWaitSeconds: Double = 600) -> HostedEnvironment {
        HostedEnvironment(
            metadata: EnvironmentMetadata(
                name: "benchmark_env",
                description: "OpenEnv benchmark environment: each step waits wait_seconds without blocking."
            ),
            make: { process in
                BenchmarkEnvironment(
                    configuration: .init(hostURL: process.hostURL, maxWaitSeconds: maxWaitSeconds)
                )
            }
        )
    }
}
