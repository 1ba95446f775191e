public import Foundation

/// The one place that turns bytes into ``JSONValue`` and wire types into bytes, so every
/// endpoint parses and prints JSON the same way.
///
/// Wire values (``JSONValue``) are parsed by ``JSONParser`` and printed by ``JSONWriter``: one
/// linear pass each, no Foundation. The generic ``encode(_:)-(Encodable)`` is for other
/// `Encodable` types (metadata, reports) and goes through Foundation's `JSONEncoder`, with the
/// same output format.
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
    ///
    /// - Throws: ``JSONEncodingError`` when the value holds a NaN or an infinity, or nests
    ///   ``JSONWriter/depthLimit`` levels or more. Servers answer that as `EXECUTION_ERROR`.
    public static func encodeBytes(_ value: JSONValue) throws(JSONEncodingError) -> [UInt8] {
        try JSONWriter.encode(value)
    }

    /// Encodes a wire value with sorted keys (``JSONWriter``).
    ///
    /// - Important: a value that cannot be encoded (a NaN, an infinity, nesting of 512 levels)
    ///   stops the process, as it always has here. Values from an environment may hold one:
    ///   encode those with ``encodeBytes(_:)`` and answer the error.
    public static func encode(_ value: JSONValue) -> Data {
        Data(encodeOrTrap(value))
    }

    /// Encodes a wire value with sorted keys as text (see ``encode(_:)-(JSONValue)``).
    public static func encodeString(_ value: JSONValue) -> String {
        String(decoding: encodeOrTrap(value), as: UTF8.self)
    }

    /// Encodes any `Encodable` value with sorted keys, through Foundation's `JSONEncoder`
    /// (a ``JSONValue`` passed here goes through ``JSONWriter``; the bytes are the same).
    public static func encode(_ value: some Encodable) -> Data {
        if let json = value as? JSONValue { return encode(json) }
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
        if let json = value as? JSONValue { return encodeString(json) }
        return String(decoding: encode(value), as: UTF8.self)
    }

    private static func encodeOrTrap(_ value: JSONValue) -> [UInt8] {
        do {
            return try JSONWriter.encode(value)
        } catch {
            preconditionFailure("wire value failed to encode: \(error)")
        }
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
