public import Foundation

/// Typed, strict reads of environment variables: the server's (`PORT`, `MAX_CONCURRENT_ENVS`,
/// the ones Python OpenEnv users set) and the test suites' (`OPENENV_*`, ``TestSettings``). A
/// value that does not parse, or lies outside its range, is a ``ConfigurationError`` naming the
/// variable, never silently dropped; the flag that sets the same thing reads it with the same
/// ``SettingRule``, so it accepts the same values and refuses a bad one with the same message.
/// An empty value counts as unset.
public struct EnvironmentVariables: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    public func string(_ name: String) -> String? {
        values[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The variable's value under `rule`, or nil when it is unset.
    public func value<Value>(_ name: String, _ rule: SettingRule<Value>) throws(ConfigurationError) -> Value? {
        guard let text = string(name) else { return nil }
        return try rule.value(text, for: name)
    }
}
