import EnvProtocol
import EnvSchema
import Testing

/// Parses JSON text written in a test; a typo is a test failure, not a crash.
func json(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
    do {
        return try JSONCoding.parse(text)
    } catch {
        Issue.record("not JSON: \(text): \(error)", sourceLocation: sourceLocation)
        throw error
    }
}

func schema(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONSchema {
    try JSONSchema(json(text, sourceLocation: sourceLocation))
}
