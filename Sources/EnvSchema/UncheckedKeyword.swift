/// A keyword of a schema that ``JSONSchema`` does not check, and why.
///
/// Validation never fails because of one of these; a caller that wants to be honest about
/// coverage reports them as "not checked" (for instance `format: date-time`).
public struct UncheckedKeyword: Sendable, Hashable, CustomStringConvertible {
    /// JSON pointer of the subschema that holds the keyword (`#/properties/when`).
    public var schemaPath: String
    /// The keyword (`format`, `unevaluatedProperties`, `$ref`, ...).
    public var keyword: String
    /// Why it is not checked.
    public var reason: String

    public init(schemaPath: String, keyword: String, reason: String) {
        self.schemaPath = schemaPath
        self.keyword = keyword
        self.reason = reason
    }

    public var description: String { "\(keyword) at \(schemaPath): \(reason)" }
}
