public import EnvProtocol

extension HostedEnvironment {
    /// OpenEnv's echo environment (MCP tools `echo_message`, `echo_with_length`), as a server hosts it.
    public static func echo() -> HostedEnvironment {
        HostedEnvironment(
            metadata: EnvironmentMetadata(
                name: "echo_env",
                description: "Echoes messages back through MCP tools (echo_message, echo_with_length)."
            ),
            name: "echo_env",
            resetObservationSchema: EchoSchemas.resetObservation,
            make: { _ in EchoEnvironment() }
        )
    }
}
