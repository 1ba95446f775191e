import Foundation

/// The one place that turns bytes into ``JSONValue`` and wire types into bytes, so every
/// endpoint parses and prints JSON the same way.
public enum JSONCoding {
    /// Parses a complete JSON document.
    ///
    /// - Throws: ``JSONSyntaxError`` when the bytes are not JSON (NaN and Infinity literals and
    ///   trailing garbage included), are nested deeper than ``JSONStructureCheck/maxDepth``,
    ///   or repeat a key in one object (see ``JSONStructureCheck``).
    public static func parse(_ data: Data) throws(JSONSyntaxError) -> JSONValue {
        let structure = JSONStructureCheck(data)
        guard structure.depth <= JSONStructureCheck.maxDepth else {
            throw JSONSyntaxError(reason: "Nesting deeper than \(JSONStructureCheck.maxDepth) levels")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw JSONSyntaxError(reason: Self.describe(error))
        }
        if let key = structure.duplicateKey {
            throw JSONSyntaxError(reason: "Duplicate key \"\(key.prefix(100))\" in an object")
        }
        return value
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Data(text.utf8))
    }

    /// Encodes a wire value with sorted keys, so replies are byte-for-byte reproducible.
    public static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(value)
        } catch {
            // Only non-finite numbers can fail here, and validation rejects them before any
            // value reaches an encoder; reaching this line is a programming error.
            preconditionFailure("wire value failed to encode: \(error)")
        }
    }

    public static func encodeString(_ value: some Encodable) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    private static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "\(error)" }
        switch decodingError {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey]
            return (underlying as? String) ?? context.debugDescription
        default:
            return "\(decodingError)"
        }
    }
}

/// Bytes that are not a JSON document.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in the parser's words (the text of an `INVALID_JSON` reply).
    public let reason: String

    public var description: String { reason }
}
