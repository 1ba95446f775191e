/// Why a balancer configuration could not be generated: bad `--backends` / `--listen` input or
/// limits that make no sense. The message names the flag and the offending value.
public struct DeployConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
