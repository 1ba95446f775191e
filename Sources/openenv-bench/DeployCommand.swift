import ArgumentParser
import Deploy
import Foundation

/// `openenv-bench deploy envoy|haproxy`: writes a load-balancer configuration for a set of
/// OpenEnv backends, so multi-node recipes generate their balancer instead of `sed`-filling a
/// template (the seed's template had no circuit breakers, which capped it at 1,024 sessions).
struct DeployCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Generate a load-balancer configuration for several OpenEnv servers.",
        subcommands: [EnvoyDeployCommand.self, HAProxyDeployCommand.self]
    )
}

/// The flags both balancers take.
struct DeployOptions: ParsableArguments {
    @Option(help: "Comma-separated backend servers, host:port (IPv6 as [addr]:port).")
    var backends: String

    @Option(help: "Where the balancer listens, [host]:port (default host 0.0.0.0).")
    var listen = ":8000"

    @Option(help: "Concurrent sessions to plan for; connection limits are set above it.")
    var maxSessions = 16_384

    @Option(help: "Seconds an idle session or request may last before the balancer drops it.")
    var idleTimeout = 3_600

    @Option(name: .shortAndLong, help: "Write the configuration to this file instead of stdout.")
    var output: String?

    func plan() throws -> BalancerPlan {
        do {
            return try BalancerPlan(
                backends: BalancerAddress.list(parsing: backends, flag: "--backends"),
                listen: BalancerAddress(parsing: listen, flag: "--listen", defaultHost: "0.0.0.0"),
                maxSessions: maxSessions,
                idleTimeoutSeconds: idleTimeout
            )
        } catch {
            throw ValidationError(error.description)
        }
    }

    func emit(_ text: String) throws {
        guard let output else {
            print(text, terminator: "")
            return
        }
        try OutputFile.write(text, to: output)
    }
}

struct EnvoyDeployCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envoy",
        abstract: "Envoy bootstrap (JSON, which Envoy reads as YAML): least-request, WebSocket, /health checks.",
        discussion: "Check it with: envoy --mode validate -c FILE"
    )

    @OptionGroup var options: DeployOptions

    func run() throws {
        try options.emit(EnvoyConfig.render(options.plan()))
    }
}

struct HAProxyDeployCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haproxy",
        abstract: "HAProxy configuration: balance leastconn, timeout tunnel, /health checks.",
        discussion: "Check it with: haproxy -c -f FILE"
    )

    @OptionGroup var options: DeployOptions

    func run() throws {
        try options.emit(HAProxyConfig.render(options.plan()))
    }
}
