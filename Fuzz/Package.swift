// swift-tools-version: 6.2
// The libFuzzer targets of ci/fuzz-libfuzzer, on EnvProtocol by path (as swift-protobuf's
// FuzzTesting package does). Every product is a libFuzzer entry point; build them all with
//   swift build --package-path Fuzz -c release --sanitize=fuzzer --sanitize=address
import PackageDescription

let envProtocol: Target.Dependency = .product(name: "EnvProtocol", package: "OpenEnvKit")
let settings: [SwiftSetting] = [.swiftLanguageMode(.v6), .treatAllWarnings(as: .error)]

let package = Package(
    name: "Fuzz",
    dependencies: [.package(name: "OpenEnvKit", path: "..")],
    targets: [
        .executableTarget(name: "json-parser", dependencies: [envProtocol], path: "Targets/json-parser", swiftSettings: settings),
        .executableTarget(name: "ws-message", dependencies: [envProtocol], path: "Targets/ws-message", swiftSettings: settings),
        .executableTarget(name: "http-bodies", dependencies: [envProtocol], path: "Targets/http-bodies", swiftSettings: settings),
        .executableTarget(name: "decisions", dependencies: [envProtocol], path: "Targets/decisions", swiftSettings: settings),
    ]
)
