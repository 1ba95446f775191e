import Foundation

/// The one place that turns bytes into ``JSONValue`` and wire types into bytes, so every
/// endpoint parses and prints JSON the same way.
///
/// Wire values are parsed by ``JSONParser``: one linear pass, no Foundation.
public enum JSONCoding {
    /// Parses a complete JSON document.
    ///
    /// - Throws: ``JSONSyntaxError`` when the bytes are not strict RFC 8259 JSON (NaN and
    ///   Infinity literals, trailing commas and trailing garbage included), are nested deeper
    ///   than ``JSONParser/maxDepth``, or repeat a key in one object (see ``JSONParser``).
    public static func parse(_ data: Data) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse(data)
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse(text)
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse(bytes)
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
}

extension JSONParser {
    /// Parses a complete JSON document held in `Data`, read in place.
    public static func parse(_ data: Data) throws(JSONSyntaxError) -> JSONValue {
        try data.withUnsafeBytes { raw in Result { () throws(JSONSyntaxError) in try parse(raw) } }.get()
    }

    /// Parses a complete JSON document held in any contiguous bytes, read in place.
    public static func parse(_ bytes: some ContiguousBytes) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBytes { raw in Result { () throws(JSONSyntaxError) in try parse(raw) } }.get()
    }
}
