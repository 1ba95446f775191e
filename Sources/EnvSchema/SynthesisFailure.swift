/// Why ``SchemaSynthesizer`` could not write a valid value.
public struct SynthesisFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the value being built the problem is (`["options", "limit"]`).
    public var loc: [PathComponent]
    /// JSON pointer of the subschema that could not be satisfied.
    public var schemaPath: String
    /// What could not be satisfied, e.g. "pattern '(?<=a)b' is beyond the pattern generator".
    public var reason: String

    public init(loc: [PathComponent], schemaPath: String, reason: String) {
        self.loc = loc
        self.schemaPath = schemaPath
        self.reason = reason
    }

    public var description: String { "cannot synthesize \(loc.dotted) (\(schemaPath)): \(reason)" }
}
