public import EnvProtocol

/// A value a schema rejects, made from a valid one by one change, and why it is invalid.
///
/// A server that validates with that schema (as openenv does with pydantic) must refuse it:
/// HTTP 422, WebSocket `VALIDATION_ERROR`.
public struct InvalidVariant: Sendable, Equatable, CustomStringConvertible {
    /// What was changed. A struct with static members so kinds can be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        public let name: String

        /// A field the schema does not declare, where `additionalProperties` is false
        /// (pydantic `extra_forbidden`).
        public static let unknownField = Kind(name: "unknown_field")
        /// A required field with a value of a JSON type the field's schema does not allow
        /// (pydantic `*_type` / `*_parsing`).
        public static let wrongType = Kind(name: "wrong_type")
        /// A required field left out (pydantic `missing`).
        public static let missingRequired = Kind(name: "missing_required")
        /// A required field with a value of the right type just outside a `minimum`/`maximum`,
        /// length, `enum` or `const` constraint (pydantic `less_than_equal`, `literal_error`, ...).
        public static let constraint = Kind(name: "constraint")

        public var description: String { name }
    }

    public var kind: Kind
    /// The field that was changed (`["cell"]`); what pydantic's error `loc` will name.
    public var loc: [PathComponent]
    /// The whole invalid value (for an action: the action object to send).
    public var value: JSONValue
    /// Human-readable: what was changed and which keyword rejects it.
    public var reason: String

    public init(kind: Kind, loc: [PathComponent], value: JSONValue, reason: String) {
        self.kind = kind
        self.loc = loc
        self.value = value
        self.reason = reason
    }

    public var description: String { "\(kind) at \(loc.dotted): \(reason)" }
}

/// The invalid variants of a schema, and the ones that could not be made.
public struct InvalidVariants: Sendable, Equatable {
    /// A variant that was not derived, and why (a field that accepts every JSON type has no
    /// wrong type; a variant the schema still accepts is dropped).
    public struct Skipped: Sendable, Equatable, CustomStringConvertible {
        public var kind: InvalidVariant.Kind
        public var loc: [PathComponent]
        public var reason: String

        public init(kind: InvalidVariant.Kind, loc: [PathComponent], reason: String) {
            self.kind = kind
            self.loc = loc
            self.reason = reason
        }

        public var description: String { "no \(kind) at \(loc.dotted): \(reason)" }
    }

    /// The valid value every variant was derived from.
    public var base: JSONValue
    /// Each one rejected by the schema (checked).
    public var variants: [InvalidVariant]
    public var skipped: [Skipped]

    public init(base: JSONValue, variants: [InvalidVariant], skipped: [Skipped]) {
        self.base = base
        self.variants = variants
        self.skipped = skipped
    }
}
