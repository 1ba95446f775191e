import Foundation

/// A message a client sends on `/ws` (PROTOCOL.md §3), validated.
public enum ClientMessage: Sendable, Equatable {
    /// `{"type":"reset","data":{...}}`; `data` defaults to `{}`.
    case reset(options: [String: JSONValue])
    /// `{"type":"step","data":<action fields>}`; the action is validated by the environment.
    case step(action: [String: JSONValue])
    /// `{"type":"state"}`.
    case state
    /// `{"type":"close"}`: no reply, the server closes with 1000.
    case close
    /// `{"type":"mcp","data":<JSON-RPC request>}`.
    case mcp(request: JSONValue)
}

extension ClientMessage {
    /// Parses and validates one text frame.
    ///
    /// Order matters and follows the reference: bytes that are not JSON are `INVALID_JSON`;
    /// a `type` that is missing or unknown is `UNKNOWN_TYPE`; anything else wrong with a known
    /// message is `VALIDATION_ERROR`. Valid JSON that is not an object (`[1]`, `"x"`, `null`)
    /// is a `VALIDATION_ERROR` here, where the reference ends the session.
    public static func decode(_ text: String) throws(WireError) -> ClientMessage {
        let json: JSONValue
        do {
            json = try JSONCoding.parse(text)
        } catch {
            throw .invalidJSON(error.description)
        }
        guard let object = json.objectValue else {
            throw .validation(ValidationFailure([.notAnObject(json)]))
        }
        let type: String
        switch object["type"] {
        case .string(let name)?: type = name
        case nil: type = ""
        case let other?: type = other.description
        }
        var reader = FieldReader(object)
        let message: ClientMessage
        switch type {
        case "reset":
            reader.allowOnly(["type", "data"])
            message = .reset(options: reader.object("data") ?? [:])
        case "step":
            reader.allowOnly(["type", "data"])
            _ = reader.required("data")
            message = .step(action: reader.object("data") ?? [:])
        case "state":
            reader.allowOnly(["type"])
            message = .state
        case "close":
            reader.allowOnly(["type"])
            message = .close
        case "mcp":
            reader.allowOnly(["type", "data"])
            _ = reader.required("data")
            message = .mcp(request: reader.object("data").map(JSONValue.object) ?? .null)
        default:
            throw .unknownType(type)
        }
        do {
            try reader.finish()
        } catch {
            throw .validation(error)
        }
        return message
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text (a string prints without quotes, as Python's `str()` would).
    public var description: String {
        if case .string(let value) = self { return value }
        return JSONCoding.encodeString(self)
    }
}
