/// One way in which a JSON value breaks a ``JSONSchema``.
///
/// ```swift
/// // loc ["observation", "step_count"], keyword "type",
/// // message "Input should be a valid integer"
/// ```
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// Where in the validated value the problem is, as pydantic spells a `loc`.
    public var loc: [PathComponent]
    /// The JSON Schema keyword that failed (`type`, `required`, `additionalProperties`, ...).
    public var keyword: String
    /// What is wrong, worded like pydantic's message for the same constraint where one exists.
    public var message: String
    /// JSON pointer of the failing keyword inside the schema document (`#/properties/cell/maximum`).
    public var schemaPath: String

    public init(loc: [PathComponent], keyword: String, message: String, schemaPath: String) {
        self.loc = loc
        self.keyword = keyword
        self.message = message
        self.schemaPath = schemaPath
    }

    public var description: String {
        "\(loc.dotted): \(message) [\(keyword) at \(schemaPath)]"
    }
}
