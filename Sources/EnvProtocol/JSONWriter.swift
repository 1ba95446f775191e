/// Somewhere ``JSONWriter`` can append encoded bytes: a `[UInt8]`, or (in the server) a NIO
/// `ByteBuffer`, so a reply is encoded straight into the buffer that is written to the socket.
///
/// The writer appends runs (a whole unescaped string, a number, punctuation), so a sink that is
/// called through a witness table is still called a few times per value, not once per byte.
///
/// ```swift
/// extension ByteBuffer: JSONByteSink {
///     public mutating func append(_ byte: UInt8) { writeInteger(byte) }
///     public mutating func append(contentsOf bytes: UnsafeRawBufferPointer) { writeBytes(bytes) }
/// }
/// ```
public protocol JSONByteSink {
    /// Appends one byte.
    mutating func append(_ byte: UInt8)
    /// Appends a run of bytes.
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer)
}

extension Array: JSONByteSink where Element == UInt8 {}

/// Encodes ``JSONValue`` as compact JSON with sorted keys, byte for byte what Foundation's
/// `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]` prints on Linux, without Foundation
/// and without an intermediate tree:
///
/// - keys in the lexicographic order of their UTF-8 bytes;
/// - strings with `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t` and `\u00xx` (lower-case hex) for other
///   control characters; `/`, DEL and all non-ASCII characters as they are;
/// - integers in decimal; doubles as Swift's shortest round-trip `description`, without a
///   trailing `.0` (`1.0` prints `1`, `-0.0` prints `-0`, `1e16` prints `1e+16`).
///
/// A value that JSON cannot carry throws ``JSONEncodingError`` instead of trapping: a NaN or an
/// infinity anywhere (an environment's arithmetic can produce one), or nesting of 512 levels or
/// more (the encoder's limit).
///
/// ```swift
/// var bytes: [UInt8] = []
/// try JSONWriter.write(["reward": 1.5, "done": false], into: &bytes)
/// // {"done":false,"reward":1.5}
/// ```
public struct JSONWriter: Sendable {
    /// Nesting at which encoding fails: containers may nest 511 levels, as with `JSONEncoder`.
    public static let depthLimit = 512

    /// Encodes `value` into a new byte array.
    ///
    /// - Throws: ``JSONEncodingError`` for a non-finite number or nesting of ``depthLimit`` levels.
    public static func encode(_ value: JSONValue) throws(JSONEncodingError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        try write(value, into: &bytes)
        return bytes
    }

    /// Appends the encoding of `value` to `sink`.
    ///
    /// - Parameters:
    ///   - value: the value to encode.
    ///   - sink: where the bytes go; what it held before is kept.
    /// - Throws: ``JSONEncodingError`` for a non-finite number or nesting of ``depthLimit``
    ///   levels. The sink then holds a partial document, which the caller discards.
    public static func write(_ value: JSONValue, into sink: inout some JSONByteSink) throws(JSONEncodingError) {
        try write(value, depth: 0, into: &sink)
    }

    static func write(_ value: JSONValue, depth: Int, into sink: inout some JSONByteSink) throws(JSONEncodingError) {
        switch value {
        case .null: append("null", to: &sink)
        case .bool(let flag): append(flag ? "true" : "false", to: &sink)
        case .integer(let integer): writeInteger(integer, into: &sink)
        case .number(let number): try writeDouble(number, into: &sink)
        case .string(let string): writeString(string, into: &sink)
        case .array(let array):
            guard depth + 1 < depthLimit else { throw .nestingTooDeep }
            sink.append(UInt8(ascii: "["))
            for (position, element) in array.enumerated() {
                if position > 0 { sink.append(UInt8(ascii: ",")) }
                do {
                    try write(element, depth: depth + 1, into: &sink)
                } catch {
                    throw error.inside(index: position)
                }
            }
            sink.append(UInt8(ascii: "]"))
        case .object(let object):
            guard depth + 1 < depthLimit else { throw .nestingTooDeep }
            sink.append(UInt8(ascii: "{"))
            var first = true
            for (key, member) in object.sorted(by: { precedes($0.key, $1.key) }) {
                if !first { sink.append(UInt8(ascii: ",")) }
                first = false
                writeString(key, into: &sink)
                sink.append(UInt8(ascii: ":"))
                do {
                    try write(member, depth: depth + 1, into: &sink)
                } catch {
                    throw error.inside(key: key)
                }
            }
            sink.append(UInt8(ascii: "}"))
        }
    }

    /// Whether `a` sorts before `b` by their UTF-8 bytes (not by Swift's `<`, which compares
    /// canonically normalized scalars: `"e\u{301}x"` and `"éa"` would swap).
    static func precedes(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in
                let shared = min(left.count, right.count)
                for position in 0..<shared where left[position] != right[position] {
                    return left[position] < right[position]
                }
                return left.count < right.count
            }
        }
        return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func append(_ text: StaticString, to sink: inout some JSONByteSink) {
        sink.append(contentsOf: UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    static func writeInteger(_ integer: Int, into sink: inout some JSONByteSink) {
        if integer >= 0, integer < 10 {
            sink.append(UInt8(ascii: "0") + UInt8(integer))
            return
        }
        // 20 bytes hold Int.min's 19 digits and its sign.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var magnitude = integer.magnitude
            var start = 20
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if integer < 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            sink.append(contentsOf: UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[start...]))
        }
    }

    static func writeDouble(_ number: Double, into sink: inout some JSONByteSink) throws(JSONEncodingError) {
        guard number.isFinite else { throw .nonFiniteNumber(number) }
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        text.withUTF8 { sink.append(contentsOf: UnsafeRawBufferPointer($0)) }
    }

    static func writeString(_ string: String, into sink: inout some JSONByteSink) {
        var string = string
        sink.append(UInt8(ascii: "\""))
        string.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            var runStart = 0
            for position in 0..<utf8.count {
                let byte = utf8[position]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if position > runStart {
                    sink.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[runStart..<position]))
                }
                runStart = position + 1
                sink.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): sink.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): sink.append(UInt8(ascii: "\\"))
                case 0x08: sink.append(UInt8(ascii: "b"))
                case 0x0C: sink.append(UInt8(ascii: "f"))
                case 0x0A: sink.append(UInt8(ascii: "n"))
                case 0x0D: sink.append(UInt8(ascii: "r"))
                case 0x09: sink.append(UInt8(ascii: "t"))
                default:
                    append("u00", to: &sink)
                    sink.append(hexDigit(byte >> 4))
                    sink.append(hexDigit(byte & 0x0F))
                }
            }
            if utf8.count > runStart {
                sink.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[runStart...]))
            }
        }
        sink.append(UInt8(ascii: "\""))
    }

    static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}

/// A ``JSONValue`` that JSON cannot carry.
///
/// Compare with the static members (`error == .nonFiniteNumber`); ``path`` says where in the
/// value the problem is and is not part of the comparison.
public struct JSONEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case nonFiniteNumber
        case nestingTooDeep
    }

    private let kind: Kind
    /// The offending number's spelling (`nan`, `inf`, `-inf`), for non-finite numbers.
    private let number: String?
    /// Where the problem is, from the top of the value: `$`, `$.data.reward`, `$[3]["a b"]`.
    public private(set) var path: String = "$"

    /// A NaN or an infinity: JSON has no spelling for them.
    public static let nonFiniteNumber = JSONEncodingError(kind: .nonFiniteNumber, number: nil)
    /// Arrays and objects nested ``JSONWriter/depthLimit`` levels deep or more.
    public static let nestingTooDeep = JSONEncodingError(kind: .nestingTooDeep, number: nil)

    static func nonFiniteNumber(_ number: Double) -> JSONEncodingError {
        JSONEncodingError(kind: .nonFiniteNumber, number: number.description)
    }

    public static func == (lhs: JSONEncodingError, rhs: JSONEncodingError) -> Bool { lhs.kind == rhs.kind }

    public var description: String {
        switch kind {
        case .nonFiniteNumber: "The number \(number ?? "") at \(path) cannot be encoded in JSON"
        case .nestingTooDeep: "The value at \(path) nests \(JSONWriter.depthLimit) levels or more"
        }
    }

    /// The same error, seen from the array that holds the failing element at `index`.
    func inside(index: Int) -> JSONEncodingError {
        var copy = self
        copy.path = "$[\(index)]" + path.dropFirst()
        return copy
    }

    /// The same error, seen from the object that holds the failing member under `key`.
    func inside(key: String) -> JSONEncodingError {
        var copy = self
        let plain =
            !key.isEmpty
            && key.utf8.allSatisfy { byte in
                byte == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            }
        var component = "."
        if plain {
            component += key
        } else {
            var quoted: [UInt8] = Array("[".utf8)
            JSONWriter.writeString(key, into: &quoted)
            quoted.append(UInt8(ascii: "]"))
            component = String(decoding: quoted, as: UTF8.self)
        }
        copy.path = "$" + component + path.dropFirst()
        return copy
    }
}
