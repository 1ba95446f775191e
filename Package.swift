// swift-tools-version: 6.1
import PackageDescription

/// One set of compiler settings for every target (as Hummingbird does), so the whole kit
/// builds in Swift 6 language mode with the same upcoming-feature flags.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "OpenEnvKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EnvProtocol", targets: ["EnvProtocol"]),
        .library(name: "EnvServer", targets: ["EnvServer"]),
        .library(name: "LoadGen", targets: ["LoadGen"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "Deploy", targets: ["Deploy"]),
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
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Wire types, validation and the benchmark environment. Deliberately free of NIO so
        // environment authors and analysis tools can use it without a server stack.
        .target(name: "EnvProtocol", swiftSettings: swiftSettings),
        .target(
            name: "EnvServer",
            dependencies: [
                "EnvProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Sources/Server",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LoadGen",
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
        // Our own small SVG charting: line chart, bar chart, heatmap. No dependencies.
        .target(name: "Charts", swiftSettings: swiftSettings),
        // The report model (results directories and baselines side by side) and its HTML,
        // Markdown and experiment-log renderers.
        .target(name: "Reports", dependencies: ["LoadGen", "Charts"], swiftSettings: swiftSettings),
        // Balancer configurations for multi-node deployments (openenv-bench deploy).
        .target(name: "Deploy", dependencies: ["EnvProtocol"], swiftSettings: swiftSettings),
        // Shared by the test targets: start a server on port 0, or point at OPENENV_URL.
        .target(
            name: "EnvTesting",
            dependencies: [
                "EnvProtocol", "EnvServer", "LoadGen",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "openenv-server",
            dependencies: [
                "EnvServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "openenv-bench",
            dependencies: [
                "EnvServer", "LoadGen", "Reports", "Deploy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConformanceTests",
            dependencies: ["EnvProtocol", "EnvServer", "LoadGen", "EnvTesting"],
            path: "Tests/Conformance",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LoadGenTests",
            dependencies: [
                "LoadGen", "EnvServer", "EnvTesting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Hostile input, fuzzing, faults and overload against an in-process server (issue 8).
        .testTarget(
            name: "ReliabilityTests",
            dependencies: [
                "EnvProtocol", "EnvServer", "LoadGen", "EnvTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
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
            dependencies: ["LoadGen", "EnvServer", "EnvTesting"],
            path: "Tests/Scaling",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "Charts", "LoadGen"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChartsTests",
            dependencies: ["Charts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: ["EnvProtocol", "EnvServer"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeployTests",
            dependencies: ["Deploy", "EnvProtocol"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnvProtocolTests",
            dependencies: ["EnvProtocol"],
            swiftSettings: swiftSettings
        ),
    ]
)
