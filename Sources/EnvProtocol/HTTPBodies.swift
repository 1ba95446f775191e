/// The request bodies of the HTTP simulation endpoints (PROTOCOL.md §2), validated.
///
/// Both accept extra keys, as the reference's request models do; issues are located under
/// `body`, as FastAPI reports them.
public struct StepRequest: Sendable, Equatable {
    public var action: [String: JSONValue]
    public var timeoutSeconds: Double?
    public var requestID: String?

    /// - Parameter body: the parsed body.
    public init(validating body: JSONValue) throws(ValidationFailure) {
        guard let object = body.objectValue else {
            throw ValidationFailure([ValidationIssue.notAnObject(body).prefixed(by: "body")])
        }
        var reader = FieldReader(object)
        _ = reader.required("action")
        action = reader.object("action") ?? [:]
        timeoutSeconds = reader.number("timeout_s")
        if let timeout = timeoutSeconds, timeout <= 0 {
            reader.record(
                "greater_than", "timeout_s", "Input should be greater than 0", object["timeout_s"] ?? .null,
                ctx: ["gt": 0])
        }
        requestID = reader.string("request_id")
        do {
            try reader.finish()
        } catch {
            throw error.prefixed(by: "body")
        }
    }
}

extension ResetOptions {
    /// Validates a `POST /reset` body; an absent body means `{}`.
    public init(validatingBody body: JSONValue?) throws(ValidationFailure) {
        guard let body else {
            self.init()
            return
        }
        guard let object = body.objectValue else {
            throw ValidationFailure([ValidationIssue.notAnObject(body).prefixed(by: "body")])
        }
        do {
            try self.init(validating: object)
        } catch {
            throw error.prefixed(by: "body")
        }
    }
}
