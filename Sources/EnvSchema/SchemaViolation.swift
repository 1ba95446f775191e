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

/// What ``JSONSchema/validate(_:at:)`` found.
public struct SchemaValidationResult: Sendable, Equatable {
    /// Every violation found, in a stable order (object keys sorted, array indices ascending).
    public var violations: [SchemaViolation]
    /// The unchecked keywords of the subschemas this value was actually validated against.
    public var unchecked: [UncheckedKeyword]

    /// True when no violation was found (unchecked keywords do not count).
    public var isValid: Bool { violations.isEmpty }

    public init(violations: [SchemaViolation], unchecked: [UncheckedKeyword]) {
        self.violations = violations
        self.unchecked = unchecked
    }
}
