import Foundation

/// Typed reads of the environment variables Python OpenEnv users set (`PORT`,
/// `MAX_CONCURRENT_ENVS`, …), each failing with the variable's name when it does not parse.
/// An empty value counts as unset.
public struct EnvironmentVariables: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    public func string(_ name: String) -> String? {
        values[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    public func integer(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(name: name, value: text, expected: "an integer in \(range)")
        }
        return value
    }

    /// A finite number of seconds > 0.
    public func seconds(_ name: String) throws(ConfigurationError) -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite, value > 0 else {
            throw ConfigurationError(name: name, value: text, expected: "a positive number of seconds")
        }
        return value
    }
}
