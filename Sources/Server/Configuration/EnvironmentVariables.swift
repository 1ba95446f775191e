import Foundation

/// Typed, strict reads of environment variables: the server's (`PORT`, `MAX_CONCURRENT_ENVS`,
/// the ones Python OpenEnv users set) and the test suites' (`OPENENV_*`, ``TestSettings``). A
/// value that does not parse, or lies outside its range, is a ``ConfigurationError`` naming the
/// variable, never silently dropped; the flag that sets the same thing accepts the same values.
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

    /// A finite number of seconds > 0, or ≥ 0 with `allowingZero`.
    public func seconds(_ name: String, allowingZero: Bool = false) throws(ConfigurationError) -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite, allowingZero ? value >= 0 : value > 0 else {
            throw ConfigurationError(name: name, value: text, expected: allowingZero ? "a number of seconds ≥ 0" : "a positive number of seconds")
        }
        return value
    }

    /// `1` or `0` (also `true`/`false`, `yes`/`no`).
    public func flag(_ name: String) throws(ConfigurationError) -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw ConfigurationError(name: name, value: text, expected: "1 or 0")
        }
    }

    /// A comma-separated list of positive numbers (`32,512`; ≥ 0 with `allowingZero`), at least one.
    public func numbers<Number: LosslessStringConvertible & Comparable & Numeric>(
        _ name: String,
        allowingZero: Bool = false
    ) throws(ConfigurationError) -> [Number]? {
        guard let text = string(name) else { return nil }
        let values = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Number(String($0).trimmingCharacters(in: .whitespaces)) }
        let valid = values.allSatisfy { value in value.map { allowingZero ? $0 >= .zero : $0 > .zero } ?? false }
        guard valid else {
            let bound = allowingZero ? "numbers ≥ 0" : "positive numbers"
            throw ConfigurationError(name: name, value: text, expected: "a comma-separated list of \(bound)")
        }
        return values.compactMap { $0 }
    }
}
