public import EnvProtocol

/// A JSON Schema, compiled once and then used to validate any number of values.
///
/// Covers the keywords pydantic v2 emits, plus the common rest of 2020-12 and draft 7 that
/// hand-written MCP tool schemas use:
/// - `type` (string or array; `integer` accepts any number without a fractional part, so
///   JSON `1.0` is an integer — JSON Schema's rule and pydantic's lax-mode rule), OpenAPI's
///   `nullable`, `enum`, `const` (JSON equality: `1 == 1.0`, `true != 1`);
/// - `properties`, `required`, `additionalProperties` (boolean or schema), `patternProperties`,
///   `propertyNames`, `minProperties`/`maxProperties`, `dependentRequired`;
/// - `items`/`prefixItems` (and draft 7's array `items` with `additionalItems`),
///   `minItems`/`maxItems`, `uniqueItems`, `contains` with `minContains`/`maxContains`;
/// - `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (numbers, or draft 4's
///   booleans), `multipleOf` (floats with pydantic's relative tolerance);
/// - `minLength`/`maxLength` (in Unicode code points, as Python's `len`), `pattern` (see
///   below);
/// - `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`, and `$ref` to any local JSON
///   pointer (`#/$defs/X`, `#/definitions/X`, `#`).
///
/// `title`, `description`, `default`, `examples`, `discriminator`, `x-…` and the other
/// annotations are ignored. `format` is not checked, nor are unknown keywords, a `$ref` that
/// leaves the document, or a `pattern` the standard library's `Regex` cannot compile
/// (look-behind): each is listed in ``unchecked`` and, for one validation, in
/// ``SchemaValidationResult/unchecked``.
///
/// Patterns are searched (not fully matched) with `Regex` in Unicode-scalar mode, which
/// agrees with pydantic's default engine (Rust `regex`) rather than ECMA 262 where the two
/// differ: `\d` and `\w` are Unicode-aware.
///
/// Validation is bounded: it follows at most ``Configuration/maxDepth`` nested subschemas
/// and values (so a `$ref` cycle that consumes no input stops) and evaluates at most
/// ``Configuration/maxEvaluations`` subschemas (so nested `anyOf`s cannot explode); hitting
/// either limit is reported as a violation.
///
/// ```swift
/// let schema = try JSONSchema(served["observation"]!)
/// let result = schema.validate(envelope["observation"]!, at: [.key("observation")])
/// for violation in result.violations { print(violation) }
/// // observation.step_count: Input should be a valid integer [type at #/properties/step_count]
/// ```
public struct JSONSchema: Sendable {
    /// Limits for compiling and validating.
    public struct Configuration: Sendable, Equatable {
        /// Deepest nesting of subschemas one compilation accepts, and of subschemas plus
        /// values one validation follows. Default 128.
        public var maxDepth: Int
        /// Most subschema evaluations one validation makes before it stops with a
        /// violation. Default 1,000,000.
        public var maxEvaluations: Int

        /// - Parameters:
        ///   - maxDepth: nesting limit, default 128.
        ///   - maxEvaluations: evaluation budget per validation, default 1,000,000.
        public init(maxDepth: Int = 128, maxEvaluations: Int = 1_000_000) {
            self.maxDepth = maxDepth
            self.maxEvaluations = maxEvaluations
        }

        /// A copy with a different depth limit.
        public func with(maxDepth: Int) -> Self {
            var copy = self
            copy.maxDepth = maxDepth
            return copy
        }

        /// A copy with a different evaluation budget.
        public func with(maxEvaluations: Int) -> Self {
            var copy = self
            copy.maxEvaluations = maxEvaluations
            return copy
        }
    }

    /// The schema document as given.
    public let document: JSONValue
    /// The limits this schema validates with.
    public let configuration: Configuration
    /// Every keyword of the reachable subschemas that is not checked, with the reason.
    public let unchecked: [UncheckedKeyword]

    let nodes: [FrozenNode]
    let root: Int

    /// Compiles a schema document.
    ///
    /// - Parameters:
    ///   - document: the schema, an object or a boolean.
    ///   - configuration: limits, default ``Configuration/init(maxDepth:maxEvaluations:)``.
    /// - Throws: ``JSONSchemaError`` when the document or a known keyword in it is malformed,
    ///   or subschemas nest deeper than the depth limit.
    public init(_ document: JSONValue, configuration: Configuration = Configuration()) throws(JSONSchemaError) {
        var compiler = SchemaCompiler(document: document, maxDepth: configuration.maxDepth)
        root = try compiler.compileDocument()
        nodes = compiler.nodes.map(FrozenNode.init)
        unchecked = compiler.unchecked
        self.document = document
        self.configuration = configuration
    }

    /// Validates a value.
    ///
    /// - Parameters:
    ///   - value: the value to check.
    ///   - prefix: the value's own location, prepended to every violation's `loc`
    ///     (default empty), e.g. `[.key("observation")]`.
    /// - Returns: every violation (empty when valid) and the unchecked keywords met.
    public func validate(_ value: JSONValue, at prefix: [PathComponent] = []) -> SchemaValidationResult {
        var evaluation = SchemaEvaluation(nodes: nodes, configuration: configuration, path: prefix)
        var violations: [SchemaViolation] = []
        evaluation.check(root, value, depth: 0, into: &violations)
        if evaluation.exhausted {
            violations.removeAll { $0.keyword == "$budget" }
            violations.append(
                SchemaViolation(
                    loc: prefix,
                    keyword: "$budget",
                    message: "Validation stopped after \(configuration.maxEvaluations) subschema evaluations; "
                        + "the value is not known to be valid",
                    schemaPath: "#"
                )
            )
        }
        let met = evaluation.uncheckedMet.sorted().map { unchecked[$0] }
        return SchemaValidationResult(violations: violations, unchecked: met)
    }

    /// True when `value` has no violation; stops at the first one.
    public func accepts(_ value: JSONValue) -> Bool {
        accepts(node: root, value)
    }

    /// Whether the subschema compiled as `node` accepts `value`.
    func accepts(node: Int, _ value: JSONValue) -> Bool {
        var evaluation = SchemaEvaluation(nodes: nodes, configuration: configuration, path: [], firstOnly: true)
        var violations: [SchemaViolation] = []
        evaluation.check(node, value, depth: 0, into: &violations)
        return violations.isEmpty && !evaluation.exhausted
    }
}
