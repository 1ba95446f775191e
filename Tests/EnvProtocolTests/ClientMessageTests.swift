import EnvProtocol
import Testing

/// The classification order of PROTOCOL.md §3: not JSON → INVALID_JSON; missing or unknown
/// type → UNKNOWN_TYPE; a known type with bad fields → VALIDATION_ERROR.
@Suite("ClientMessage decoding")
struct ClientMessageTests {
    private func code(of text: String) -> ErrorCode? {
        do {
            _ = try ClientMessage.decode(text)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("valid messages decode to their cases")
    func validMessages() throws {
        #expect(try ClientMessage.decode(#"{"type":"reset"}"#) == .reset(options: [:]))
        #expect(try ClientMessage.decode(#"{"type":"reset","data":{"seed":3}}"#) == .reset(options: ["seed": 3]))
        #expect(try ClientMessage.decode(#"{"type":"step","data":{"wait_seconds":0.5}}"#) == .step(action: ["wait_seconds": 0.5]))
        #expect(try ClientMessage.decode(#"{"type":"state"}"#) == .state)
        #expect(try ClientMessage.decode(#"{"type":"close"}"#) == .close)
        #expect(try ClientMessage.decode(#"{"type":"mcp","data":{"id":1}}"#) == .mcp(request: ["id": 1]))
    }

    @Test(
        "bytes that are not JSON, including NaN literals → INVALID_JSON",
        arguments: ["", "{", "nope", #"{"type":"step","data":{"wait_seconds":NaN}}"#]
    )
    func invalidJSON(text: String) {
        #expect(code(of: text) == .invalidJSON)
    }

    @Test("missing, unknown or non-string type → UNKNOWN_TYPE naming it")
    func unknownType() {
        #expect(code(of: #"{}"#) == .unknownType)
        #expect(code(of: #"{"type":"jump"}"#) == .unknownType)
        #expect(code(of: #"{"type":5}"#) == .unknownType)
        #expect(throws: WireError.unknownType("jump")) { try ClientMessage.decode(#"{"type":"jump"}"#) }
    }

    @Test(
        "known type with bad fields → VALIDATION_ERROR",
        arguments: [
            #"{"type":"step"}"#,
            #"{"type":"step","data":5}"#,
            #"{"type":"reset","data":[]}"#,
            #"{"type":"reset","extra":1}"#,
            #"{"type":"state","data":{}}"#,
            #"{"type":"close","data":{}}"#,
            #"{"type":"mcp"}"#,
            "[1]", #""x""#, "null",
        ]
    )
    func validationErrors(text: String) {
        #expect(code(of: text) == .validationError)
    }

    @Test("a VALIDATION_ERROR lists every issue with its location")
    func validationIssues() {
        #expect(throws: WireError.self) { try ClientMessage.decode(#"{"type":"step","x":1}"#) }
        do {
            _ = try ClientMessage.decode(#"{"type":"step","x":1}"#)
        } catch {
            let kinds = error.errors?.map { "\($0.type)@\($0.loc.map(\.description))" } ?? []
            #expect(kinds == [#"extra_forbidden@["x"]"#, #"missing@["data"]"#])
        }
    }

    @Test("a VALIDATION_ERROR reports the first 100 issues and counts the rest, so a reply never multiplies its message")
    func validationIssuesAreCapped() throws {
        var reader = FieldReader(Dictionary(uniqueKeysWithValues: (0..<250).map { ("k\($0)", JSONValue.null) }))
        reader.allowOnly([])
        let failure = ValidationFailure(reader.issues)
        #expect(failure.issues.count == ValidationFailure.reportedLimit)
        #expect(failure.omitted == 150)
        #expect(failure.summary.hasSuffix("; and 150 more issues"))
        let prefixed = failure.prefixed(by: "data")
        #expect(prefixed.omitted == 150 && prefixed.issues.allSatisfy { $0.loc.first == "data" })
        let wire = WireError.validation(failure)
        #expect(wire.errors?.count == 100)
    }
}
