// swift-tools-version: 6.2
import PackageDescription

/// One set of compiler settings for every target (as Hummingbird does), so the whole kit
/// builds in Swift 6 language mode with the same upcoming-feature flags. A warning in our own
/// code is an error, in every build (dependencies keep theirs: SwiftPM applies this setting to
/// our targets only).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "OpenEnvKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EnvProtocol", targets: ["EnvProtocol"]),
        .library(name: "EnvSchema", targets: ["EnvSchema"]),
        .library(name: "BenchmarkEnvironment", targets: ["BenchmarkEnvironment"]),
        .library(name: "EchoEnvironment", targets: ["EchoEnvironment"]),
        .library(name: "EnvServer", targets: ["EnvServer"]),
        .library(name: "EnvClient", targets: ["EnvClient"]),
        .library(name: "BenchResults", targets: ["BenchResults"]),
        .library(name: "LoadGen", targets: ["LoadGen"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "Deploy", targets: ["Deploy"]),
        .library(name: "EnvTesting", targets: ["EnvTesting"]),
        .executable(name: "openenv-server", targets: ["openenv-server"]),
        .executable(name: "openenv-bench", targets: ["openenv-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        // `openenv-bench record`: the recording proxy's WebSocket upgrade and upstream client.
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Step latencies of long runs: HdrHistogram, written as standard interval logs (.hlog).
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // zlib for the interval log's compressed histograms.
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        // Cost gates (Benchmarks/, ci/cost-gates): malloc counts through the interposer; its
        // RuntimeInterposer trait (ARC counts) is left off.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Wire types, validation, the `Environment` protocol and its type-erased host form.
        // Free of NIO and of any concrete environment, so authors and tools can use it alone.
        .target(name: "EnvProtocol", swiftSettings: swiftSettings),
        // One timer per connection for all its deadlines, re-armed by comparing times and never
        // cancelled: shared by the server's connection state machines (and the load generator's).
        .target(
            name: "LazyDeadline",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // JSON Schema for the schemas environments serve: a validator for the keywords pydantic
        // emits and a synthesizer of valid and invalid values. Pure Swift, no NIO.
        .target(name: "EnvSchema", dependencies: ["EnvProtocol"], swiftSettings: swiftSettings),
        // The benchmark environment of PROTOCOL.md §4 (wait_seconds, pid, session hash, host).
        .target(name: "BenchmarkEnvironment", dependencies: ["EnvProtocol"], swiftSettings: swiftSettings),
        // OpenEnv's echo environment: an MCP tool environment (echo_message, echo_with_length).
        .target(name: "EchoEnvironment", dependencies: ["EnvProtocol"], swiftSettings: swiftSettings),
        // The server: Hummingbird HTTP routes, the /ws session handler, workers, and the
        // `ServerOptions` any executable serving any environment embeds.
        .target(
            name: "EnvServer",
            dependencies: [
                "EnvProtocol", "LazyDeadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Sources/Server",
            swiftSettings: swiftSettings
        ),
        // Everything that talks to a server: endpoints, the frame-level WebSocket client, the HTTP probe.
        .target(
            name: "EnvClient",
            dependencies: [
                "EnvProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // Results without a network stack: session rows, run summaries, CSV/JSONL, percentiles,
        // baselines and their comparison, capacity analysis, sweep state, long-run measures
        // (HdrHistogram). No NIO.
        .target(
            name: "BenchResults",
            dependencies: ["EnvProtocol", .product(name: "Histogram", package: "hdrhistogram-swift")],
            resources: [.copy("Baselines")],
            swiftSettings: swiftSettings
        ),
        // The load generator: one session state machine and handler for every load pattern (bursts,
        // open model, hold, trainer profiles), measures and interval logs, sweeps and their checks.
        .target(
            name: "LoadGen",
            dependencies: [
                "EnvProtocol", "EnvClient", "BenchResults", "LazyDeadline",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // `openenv-bench record`: the transparent HTTP + WebSocket proxy that writes a LoadGen trace.
        .target(
            name: "TraceRecorder",
            dependencies: [
                "EnvClient", "LoadGen",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Our own small SVG charting: line chart, bar chart, heatmap. No dependencies.
        .target(name: "Charts", swiftSettings: swiftSettings),
        // The report model (results directories and baselines side by side) and its HTML,
        // Markdown and experiment-log renderers. No NIO.
        .target(name: "Reports", dependencies: ["BenchResults", "Charts"], swiftSettings: swiftSettings),
        // openenv-bench run --web: a run's live page (Charts' SVG, refreshed by a small script) and
        // its Prometheus /metrics, served by Hummingbird from samples of the run's measures.
        .target(
            name: "LiveView",
            dependencies: [
                "EnvProtocol", "BenchResults", "LoadGen", "Charts", "Reports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Balancer configurations for multi-node deployments (openenv-bench deploy).
        .target(name: "Deploy", dependencies: ["EnvProtocol"], swiftSettings: swiftSettings),
        // Test support for every test target (and for users' own suites): the in-process or
        // remote server under test, the OPENENV_* settings read once, session helpers, and a
        // launcher for built executables that waits for their ready line.
        .target(
            name: "EnvTesting",
            dependencies: [
                "EnvProtocol", "EnvServer", "BenchmarkEnvironment", "EchoEnvironment", "EnvClient", "EnvSchema",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Prints what parsing each hostile-but-legal 1 MiB message shape costs (Benchmarks/scripts/json-cost).
        .executableTarget(name: "json-cost", dependencies: ["EnvProtocol", "HostileJSON"], swiftSettings: swiftSettings),
        // JSON documents shaped to find super-linear parsing (json-cost and the Reliability suite).
        .target(name: "HostileJSON", swiftSettings: swiftSettings),
        .executableTarget(
            name: "openenv-server",
            dependencies: [
                "EnvProtocol", "EnvServer", "BenchmarkEnvironment", "EchoEnvironment",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "openenv-bench",
            dependencies: [
                "EnvProtocol", "EnvServer", "BenchmarkEnvironment", "EnvClient", "BenchResults", "LoadGen", "Reports", "Deploy",
                "TraceRecorder", "LiveView",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Examples/: serving an environment of your own with EnvServer (built in CI, run by a test).
        .executableTarget(
            name: "counter-server",
            dependencies: ["EnvProtocol", "EnvServer", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/CounterServer",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // Cost gates (package-benchmark; ci/cost-gates): malloc counts per wire message (WireCost)
        // and per loopback session (SessionCost), checked against Benchmarks/Thresholds.
        .target(
            name: "CostGateSupport",
            dependencies: [.product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/CostGateSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "WireCost",
            dependencies: ["CostGateSupport", "EnvProtocol", "EchoEnvironment", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/WireCost",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Runs openenv-server in a child process for its client-only gate: build that product first.
        .executableTarget(
            name: "SessionCost",
            dependencies: [
                "CostGateSupport", "EnvClient", "EnvServer", "EnvTesting", "LoadGen", "BenchResults",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SessionCost",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .testTarget(
            name: "ConformanceTests",
            dependencies: ["EnvProtocol", "EnvClient", "EnvSchema", "EnvServer", "EnvTesting"],
            path: "Tests/Conformance",
            swiftSettings: swiftSettings
        ),
        // The load generator's sessions, workloads, measures and sweeps, against our server in
        // process and against NIO test channels.
        .testTarget(
            name: "LoadGenTests",
            dependencies: [
                "LoadGen", "BenchResults", "EchoEnvironment", "EnvClient", "EnvProtocol", "EnvServer", "EnvTesting",
                "LazyDeadline",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The client's wire: the WebSocket connection, backpressure, TLS trust, and servers that
        // misbehave on purpose (a bare NIO WebSocket server).
        .testTarget(
            name: "EnvClientTests",
            dependencies: [
                "EnvClient", "LoadGen", "BenchResults", "BenchmarkEnvironment", "EnvServer", "EnvTesting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Both executables as users run them: the built `openenv-bench` and `openenv-server`
        // (and the example server), their flags, output, exit codes and signals.
        .testTarget(
            name: "CLITests",
            dependencies: [
                "BenchResults", "EnvClient", "EnvProtocol", "EnvServer", "EnvTesting", "LoadGen",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The environments this package ships, driven directly (no server).
        .testTarget(
            name: "EnvironmentTests",
            dependencies: ["BenchmarkEnvironment", "EchoEnvironment", "EnvProtocol"],
            swiftSettings: swiftSettings
        ),
        // Hostile input, fuzzing, faults and overload against an in-process server.
        .testTarget(
            name: "ReliabilityTests",
            dependencies: [
                "EnvProtocol", "BenchmarkEnvironment", "EnvServer", "EnvClient", "BenchResults", "LoadGen",
                "EnvTesting", "HostileJSON",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Tests/Reliability",
            exclude: ["Corpus"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScalingTests",
            dependencies: ["LoadGen", "BenchResults", "EnvClient", "EnvServer", "EnvTesting"],
            path: "Tests/Scaling",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "Charts", "BenchResults"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        // The results files' logic alone (no NIO): summaries, statistics, baselines and their
        // comparison, merging shards.
        .testTarget(
            name: "BenchResultsTests",
            dependencies: ["BenchResults", "EnvProtocol"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChartsTests",
            dependencies: ["Charts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "EnvProtocol", "BenchmarkEnvironment", "EnvServer", "EnvClient", "EnvTesting", "LazyDeadline",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeployTests",
            dependencies: ["Deploy", "EnvProtocol"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnvSchemaTests",
            dependencies: ["EnvSchema", "EnvProtocol"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnvProtocolTests",
            dependencies: ["EnvProtocol"],
            swiftSettings: swiftSettings
        ),
    ]
)
