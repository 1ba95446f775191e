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
