/// A `pattern` (or `patternProperties` key) compiled once with the standard library's `Regex`.
///
/// Semantics: JSON Schema says ECMA-262, but the schemas this kit reads come from pydantic,
/// whose default engine is Rust's `regex` crate, and the values come from servers that
/// pydantic already checked. The match is therefore set up to agree with Rust `regex` on
/// the syntax both engines accept:
/// - a search, not a full match (`"a"` matches `b?a`; use `^…$` to anchor), as in both;
/// - Unicode-scalar semantics: `.` is one code point, as in Rust and ECMA with `u`
///   (Swift's default would be one grapheme cluster);
/// - `\d`, `\w`, `\s` are Unicode-aware, as in Rust (ECMA's `\d`/`\w` are ASCII-only: `"٣"`
///   matches `^\d$` here and in pydantic, not in an ECMA engine);
/// - `\b` is the simple `\w`/`\W` boundary, as in Rust (Swift's default follows UAX #29);
/// - `$` matches only at the very end (Swift, Rust and ECMA agree; Python's `re`, which
///   pydantic falls back to for look-around, also accepts a final `"\n"`).
///
/// Syntax Swift cannot compile (look-behind, `\cX`, ...) makes the keyword unchecked.
/// The engine backtracks, so a pathological pattern can be slow on long input.
struct SchemaPattern: @unchecked Sendable {
    // `Regex<AnyRegexOutput>` is not `Sendable` only because its output type wraps `Any`.
    // A compiled regex is immutable; its lazily lowered program is published with an atomic
    // compare-and-swap (`Regex.Program.loweredProgram` in swift-experimental-string-processing),
    // so one value may be matched from several tasks at once.
    let source: String
    private let regex: Regex<AnyRegexOutput>

    /// Compiles `source`, or returns the compiler's complaint.
    static func compile(_ source: String) -> Result<SchemaPattern, PatternError> {
        do {
            let regex = try Regex(source)
                .matchingSemantics(.unicodeScalar)
                .wordBoundaryKind(.simple)
            return .success(SchemaPattern(source: source, regex: regex))
        } catch {
            return .failure(PatternError(message: "\(error)"))
        }
    }

    private init(source: String, regex: Regex<AnyRegexOutput>) {
        self.source = source
        self.regex = regex
    }

    /// Whether the pattern occurs anywhere in `text`.
    func matches(_ text: String) -> Bool {
        ((try? regex.firstMatch(in: text)) ?? nil) != nil
    }

    struct PatternError: Error {
        var message: String
    }
}
