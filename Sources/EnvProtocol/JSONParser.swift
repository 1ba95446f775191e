/// A strict RFC 8259 parser from UTF-8 bytes to ``JSONValue``, in one linear pass.
///
/// Everything a strict server must refuse is refused while the bytes are read, so no message
/// costs more than a constant amount of work per byte, whatever its shape:
///
/// - **Syntax**: only RFC 8259 JSON. No `NaN`/`Infinity` literals, comments, trailing commas,
///   leading zeros, byte-order mark, single quotes or unquoted keys; nothing but whitespace
///   after the value; strings must be valid UTF-8 without unescaped control characters, and an
///   escaped surrogate must be half of a pair (`"\ud800"` alone is refused).
/// - **Nesting deeper than ``maxDepth``** (128): validation errors echo the offending input, and
///   ``JSONWriter`` refuses values nested deeper than 511, so refusing deep input keeps every
///   reply encodable. The parser recurses at most ``maxDepth`` levels, so a 10,000-level input
///   is refused without touching the stack limit.
/// - **A key repeated in one object**, however it is spelled (`"type"` and `"t\u0079pe"`):
///   parsers disagree on which copy wins (Foundation keeps the first, Python the last), so two
///   readers would see two messages. Each object is checked as its dictionary is built, O(1) per
///   key. Keys are Swift strings, so two spellings that are canonically equivalent Unicode
///   (`"é"` precomposed and `"e\u0301"`) are the same key, and repeat each other.
/// - **A number out of a `Double`'s range** (`1e400`): refused, as the Foundation decoder did.
///
/// Numbers whose value is a whole number that fits an `Int` (`42`, `-0`, `4.2e1`, `0.0`) become
/// ``JSONValue/integer(_:)`` with that exact value; every other number becomes
/// ``JSONValue/number(_:)``, correctly rounded (`1e-400` is `0.0`, a 40-digit integer is a
/// `Double`).
///
/// ```swift
/// let value = try JSONParser.parse(#"{"type":"step","data":{"wait_seconds":0.5}}"#)
/// value["data"]?["wait_seconds"] // .number(0.5)
/// ```
///
/// The parser uses no Foundation; ``JSONCoding`` adds entry points for `Data`.
public struct JSONParser: Sendable {
    /// Deepest nesting of arrays and objects a document may have.
    public static let maxDepth = 128

    /// Parses a complete JSON document held in raw bytes.
    ///
    /// - Parameter bytes: the whole document, UTF-8. Nothing but whitespace may follow the value.
    /// - Returns: the document's value.
    /// - Throws: ``JSONSyntaxError`` naming the first problem and where it is.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONSyntaxError(reason: "The document is empty")
        }
        var parser = Parser(base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        defer { parser.release() }
        return try parser.document()
    }

    /// Parses a complete JSON document held in an array of UTF-8 bytes.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBytes { raw in Result { () throws(JSONSyntaxError) in try parse(raw) } }.get()
    }

    /// The JSON number that starts at `offset` in `bytes` (its first byte `-` or a digit), read
    /// exactly as a number inside a document is, and the offset just past it; `nil` when the
    /// bytes there are not a number in range. For scanners that read a few fields of a reply
    /// without a full parse, so both agree on every number.
    package static func number(in bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> (value: JSONValue, end: Int)? {
        guard let base = bytes.baseAddress, offset < bytes.count else { return nil }
        var parser = Parser(base, count: bytes.count)
        parser.index = offset
        guard let value = try? parser.number() else { return nil }
        return (value, parser.index)
    }

    /// Parses a complete JSON document held in a string (its UTF-8, read in place).
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        let result = text.utf8.withContiguousStorageIfAvailable { utf8 in
            Result { () throws(JSONSyntaxError) in try parse(UnsafeRawBufferPointer(utf8)) }
        }
        if let result { return try result.get() }
        // Only strings bridged from elsewhere lack contiguous UTF-8; copy those once.
        return try parse(Array(text.utf8))
    }
}

/// Bytes that are not a JSON document.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in the parser's words (the text of an `INVALID_JSON` reply).
    public let reason: String

    public var description: String { reason }
}

extension JSONSyntaxError {
    /// The document nests arrays and objects deeper than `limit`.
    static func tooDeep(_ limit: Int) -> JSONSyntaxError {
        JSONSyntaxError(reason: "Nesting deeper than \(limit) levels")
    }

    /// An object repeats `key`.
    static func duplicateKey(_ key: String) -> JSONSyntaxError {
        JSONSyntaxError(reason: "Duplicate key \"\(key.prefix(100))\" in an object")
    }
}

// MARK: - The parser

private enum ASCII {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let slash = UInt8(ascii: "/")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let lowerE = UInt8(ascii: "e")
    static let upperE = UInt8(ascii: "E")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
}

/// One parse over one buffer. Arrays and objects collect their elements on shared scratch
/// stacks and are built once, at their exact size, when they close.
private struct Parser {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    var index = 0
    var depth = 0
    /// Elements of the arrays being parsed, innermost last.
    var elements = ScratchStack<JSONValue>()
    /// Members of the objects being parsed, innermost last.
    var members = ScratchStack<(key: String, value: JSONValue)>()
    /// The unescaped bytes of the string being parsed, when it has escapes.
    var unescaped: [UInt8] = []

    init(_ bytes: UnsafePointer<UInt8>, count: Int) {
        self.bytes = bytes
        self.count = count
    }

    /// Frees the scratch stacks (and whatever a failed parse left on them).
    mutating func release() {
        elements.release()
        members.release()
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard index < count else { throw JSONSyntaxError(reason: "The document holds only whitespace") }
        let result = try value()
        skipWhitespace()
        guard index == count else { throw unexpected("after the JSON value") }
        return result
    }

    // MARK: Values

    mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard index < count else { throw endOfInput("a value") }
        switch bytes[index] {
        case ASCII.openBrace: return try object()
        case ASCII.openBracket: return try array()
        case ASCII.quote: return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case ASCII.minus, ASCII.zero...ASCII.nine:
            return try number()
        default:
            throw unexpected("where a value should start")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let length = word.utf8CodeUnitCount
        let start = word.utf8Start
        for offset in 0..<length {
            guard index + offset < count, bytes[index + offset] == start[offset] else {
                index += offset
                throw index < count ? unexpected("in the literal '\(word)'") : endOfInput("the literal '\(word)'")
            }
        }
        index += length
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= JSONParser.maxDepth else { throw .tooDeep(JSONParser.maxDepth) }
        index += 1
    }

    mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        skipWhitespace()
        if index < count, bytes[index] == ASCII.closeBracket {
            index += 1
            return .array([])
        }
        let start = elements.count
        while true {
            elements.push(try value())
            skipWhitespace()
            guard index < count else { throw endOfInput("',' or ']' in an array") }
            switch bytes[index] {
            case ASCII.comma:
                index += 1
                skipWhitespace()
            case ASCII.closeBracket:
                index += 1
                return .array(elements.popArray(from: start))
            default:
                throw unexpected("where ',' or ']' should follow an array element")
            }
        }
    }

    mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        skipWhitespace()
        if index < count, bytes[index] == ASCII.closeBrace {
            index += 1
            return .object([:])
        }
        let start = members.count
        while true {
            guard index < count else { throw endOfInput("a key in an object") }
            guard bytes[index] == ASCII.quote else { throw unexpected("where a quoted key should be") }
            let key = try string()
            skipWhitespace()
            guard index < count else { throw endOfInput("':' after a key") }
            guard bytes[index] == ASCII.colon else { throw unexpected("where ':' should follow a key") }
            index += 1
            skipWhitespace()
            members.push((key, try value()))
            skipWhitespace()
            guard index < count else { throw endOfInput("',' or '}' in an object") }
            switch bytes[index] {
            case ASCII.comma:
                index += 1
                skipWhitespace()
            case ASCII.closeBrace:
                index += 1
                var object = [String: JSONValue](minimumCapacity: members.count - start)
                var repeated: String?
                members.pop(from: start) { member in
                    // `updateValue` answers the value it replaced: a repeat, found in O(1).
                    if object.updateValue(member.value, forKey: member.key) != nil, repeated == nil {
                        repeated = member.key
                    }
                }
                if let repeated { throw .duplicateKey(repeated) }
                return .object(object)
            default:
                throw unexpected("where ',' or '}' should follow an object member")
            }
        }
    }

    // MARK: Strings

    /// A string starting at the opening quote under `index`.
    mutating func string() throws(JSONSyntaxError) -> String {
        index += 1
        let start = index
        var seen: UInt8 = 0
        while index < count {
            let byte = bytes[index]
            if byte == ASCII.quote {
                let text = try makeString(buffer(start..<index), ascii: seen < 0x80)
                index += 1
                return text
            }
            if byte == ASCII.backslash { return try escapedString(from: start) }
            if byte < 0x20 { throw controlCharacter(byte) }
            seen |= byte
            index += 1
        }
        throw endOfInput("the closing quote of a string")
    }

    /// The rest of a string with escapes; `start` is its first content byte.
    mutating func escapedString(from start: Int) throws(JSONSyntaxError) -> String {
        unescaped.removeAll(keepingCapacity: true)
        unescaped.append(contentsOf: buffer(start..<index))
        while index < count {
            let byte = bytes[index]
            switch byte {
            case ASCII.quote:
                index += 1
                let result = unescaped.withUnsafeBufferPointer { buffer in
                    Result { () throws(JSONSyntaxError) in try makeString(buffer, ascii: false) }
                }
                return try result.get()
            case ASCII.backslash:
                try escape()
            case 0..<0x20:
                throw controlCharacter(byte)
            default:
                // Copy the run up to the next quote, escape or control character at once.
                let runStart = index
                index += 1
                while index < count {
                    let next = bytes[index]
                    if next == ASCII.quote || next == ASCII.backslash || next < 0x20 { break }
                    index += 1
                }
                unescaped.append(contentsOf: buffer(runStart..<index))
            }
        }
        throw endOfInput("the closing quote of a string")
    }

    /// One escape sequence starting at the backslash under `index`, appended unescaped.
    mutating func escape() throws(JSONSyntaxError) {
        guard index + 1 < count else {
            index += 1
            throw endOfInput("an escape sequence")
        }
        let code = bytes[index + 1]
        let simple: UInt8? =
            switch code {
            case ASCII.quote: ASCII.quote
            case ASCII.backslash: ASCII.backslash
            case ASCII.slash: ASCII.slash
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): ASCII.newline
            case UInt8(ascii: "r"): ASCII.carriageReturn
            case UInt8(ascii: "t"): ASCII.tab
            default: nil
            }
        if let simple {
            unescaped.append(simple)
            index += 2
            return
        }
        guard code == UInt8(ascii: "u") else {
            index += 1
            throw syntax("Invalid escape sequence '\\\(Self.show(code))'")
        }
        let escapeStart = index
        let unit = try hexEscape()
        let scalar: Unicode.Scalar?
        switch unit {
        case 0xD800...0xDBFF:
            // A high surrogate must be followed at once by an escaped low surrogate.
            guard index + 1 < count, bytes[index] == ASCII.backslash, bytes[index + 1] == UInt8(ascii: "u") else {
                index = escapeStart
                throw syntax("Unpaired high surrogate '\\u\(Self.hex(unit))' in a string")
            }
            let low = try hexEscape()
            guard (0xDC00...0xDFFF).contains(low) else {
                index = escapeStart
                throw syntax(
                    "High surrogate '\\u\(Self.hex(unit))' is followed by '\\u\(Self.hex(low))', not a low surrogate"
                )
            }
            scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
        case 0xDC00...0xDFFF:
            index = escapeStart
            throw syntax("Unpaired low surrogate '\\u\(Self.hex(unit))' in a string")
        default:
            scalar = Unicode.Scalar(unit)
        }
        guard let scalar else { throw syntax("Invalid escape sequence") }
        UTF8.encode(scalar) { unescaped.append($0) }
    }

    /// `\uXXXX` under `index`: its code unit; `index` moves past it.
    mutating func hexEscape() throws(JSONSyntaxError) -> UInt16 {
        var unit: UInt16 = 0
        for offset in 2..<6 {
            guard index + offset < count else {
                index += offset
                throw endOfInput("a '\\u' escape sequence")
            }
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case ASCII.zero...ASCII.nine: digit = byte - ASCII.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                index += offset
                throw unexpected("in a '\\u' escape sequence (four hex digits expected)")
            }
            unit = unit << 4 | UInt16(digit)
        }
        index += 6
        return unit
    }

    func makeString(_ utf8: UnsafeBufferPointer<UInt8>, ascii: Bool) throws(JSONSyntaxError) -> String {
        if ascii { return String(decoding: utf8, as: UTF8.self) }
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw syntax("Invalid UTF-8 in a string")
        }
        return text
    }

    // MARK: Numbers

    /// A number starting under `index`, checked against the RFC 8259 grammar and then valued.
    mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        let negative = bytes[index] == ASCII.minus
        if negative { index += 1 }
        // Integer part: `0` or a non-zero digit followed by digits.
        let integerStart = index
        guard index < count, Self.isDigit(bytes[index]) else {
            throw index < count ? unexpected("where a digit should follow '-'") : endOfInput("a digit after '-'")
        }
        if bytes[index] == ASCII.zero {
            index += 1
            if index < count, Self.isDigit(bytes[index]) { throw syntax("Number with a leading zero") }
        } else {
            while index < count, Self.isDigit(bytes[index]) { index += 1 }
        }
        let integerEnd = index
        var fractionEnd = index
        if index < count, bytes[index] == ASCII.dot {
            index += 1
            guard index < count, Self.isDigit(bytes[index]) else {
                throw index < count ? unexpected("where a digit should follow '.'") : endOfInput("a digit after '.'")
            }
            while index < count, Self.isDigit(bytes[index]) { index += 1 }
            fractionEnd = index
        }
        var exponent = 0
        var hasExponent = false
        if index < count, bytes[index] == ASCII.lowerE || bytes[index] == ASCII.upperE {
            hasExponent = true
            index += 1
            var exponentNegative = false
            if index < count, bytes[index] == ASCII.minus || bytes[index] == ASCII.plus {
                exponentNegative = bytes[index] == ASCII.minus
                index += 1
            }
            guard index < count, Self.isDigit(bytes[index]) else {
                throw index < count
                    ? unexpected("where a digit should be in an exponent") : endOfInput("the digits of an exponent")
            }
            while index < count, Self.isDigit(bytes[index]) {
                // Saturate: beyond ±10^15 every such number is 0 or out of range anyway.
                if exponent < 1_000_000_000_000_000 { exponent = exponent * 10 + Int(bytes[index] - ASCII.zero) }
                index += 1
            }
            if exponentNegative { exponent = -exponent }
        }

        let integerDigits = integerEnd - integerStart
        // The common case: a plain integer of at most 18 digits always fits an Int.
        if fractionEnd == integerEnd, !hasExponent, integerDigits <= 18 {
            var value = 0
            for position in integerStart..<integerEnd { value = value &* 10 &+ Int(bytes[position] &- ASCII.zero) }
            return .integer(negative ? -value : value)
        }
        return try value(
            negative: negative,
            integer: integerStart..<integerEnd,
            fraction: (fractionEnd == integerEnd ? integerEnd : integerEnd + 1)..<fractionEnd,
            exponent: exponent,
            text: start..<index
        )
    }

    /// The value of `[-] integer [. fraction] [e exponent]`, its digits known to be well-formed.
    func value(
        negative: Bool,
        integer: Range<Int>,
        fraction: Range<Int>,
        exponent: Int,
        text: Range<Int>
    ) throws(JSONSyntaxError) -> JSONValue {
        // The significant digits, without leading or trailing zeros: value = digits × 10^scale.
        var digits = Digits(bytes: bytes, integer: integer, fraction: fraction)
        while let first = digits.first, first == 0 { digits.dropFirst() }
        var scale = exponent - fraction.count
        while let last = digits.last, last == 0 {
            digits.dropLast()
            scale += 1
        }
        if digits.count == 0 { return .integer(0) }

        // A whole number that fits an Int keeps its exact value.
        if scale >= 0, digits.count + scale <= 19 {
            var magnitude: UInt64 = 0
            for position in 0..<digits.count { magnitude = magnitude * 10 + UInt64(digits[position]) }
            var fits = true
            for _ in 0..<scale {
                let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                magnitude = product
                if overflow { fits = false }
            }
            if fits, negative ? magnitude <= UInt64(Int.max) + 1 : magnitude <= UInt64(Int.max) {
                return .integer(negative ? Int(truncatingIfNeeded: 0 &- magnitude) : Int(magnitude))
            }
        }

        let double: Double
        if digits.count <= 15, scale >= -22, scale <= 22 {
            // Clinger's fast path: both operands are exact Doubles, so one rounding is correct.
            var mantissa: UInt64 = 0
            for position in 0..<digits.count { mantissa = mantissa * 10 + UInt64(digits[position]) }
            let power = Self.powersOfTen[abs(scale)]
            double = scale < 0 ? Double(mantissa) / power : Double(mantissa) * power
        } else if text.count <= 800 {
            // The standard library's reader (strtod) rounds correctly; the token is its grammar.
            let token = String(decoding: buffer(text), as: UTF8.self)
            // The token carries its sign.
            guard let signed = Double(token), signed.isFinite else { throw outOfRange(text) }
            return .number(signed)
        } else {
            double = Self.correctlyRounded(digits, scale: scale)
        }
        guard double.isFinite else { throw outOfRange(text) }
        return .number(negative ? -double : double)
    }

    func outOfRange(_ text: Range<Int>) -> JSONSyntaxError {
        let shown = String(decoding: buffer(text.prefix(40)), as: UTF8.self)
        let excerpt = text.count > 40 ? "\(shown)… (\(text.count) characters)" : shown
        return JSONSyntaxError(reason: "Number \(excerpt) is out of the range of a Double \(position(text.lowerBound))")
    }

    /// `digits × 10^scale`, correctly rounded by the standard library's decimal reader. Digits
    /// past the 800th only decide rounding as "something non-zero follows" (a Double's halfway
    /// points have at most 767 significant digits), so they are replaced by one sticky `1`:
    /// a megabyte-long number costs no more than an 801-digit one.
    static func correctlyRounded(_ digits: Digits, scale: Int) -> Double {
        let kept = min(digits.count, 800)
        var exponent = scale + (digits.count - kept)
        if kept < digits.count { exponent -= 1 }
        // Beyond these exponents the result is 0 or infinite whatever the digits.
        exponent = max(-100_000, min(100_000, exponent))
        let suffix = "e\(exponent)".utf8
        let text = String(unsafeUninitializedCapacity: kept + 1 + suffix.count) { buffer in
            for position in 0..<kept { buffer[position] = ASCII.zero + digits[position] }
            var written = kept
            if kept < digits.count {
                buffer[written] = UInt8(ascii: "1")
                written += 1
            }
            for byte in suffix {
                buffer[written] = byte
                written += 1
            }
            return written
        }
        return Double(text) ?? .infinity
    }

    static let powersOfTen: [Double] = (0...22).map { exponent in
        var power = 1.0
        for _ in 0..<exponent { power *= 10 }
        return power
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte &- ASCII.zero < 10 }

    // MARK: Whitespace and errors

    mutating func skipWhitespace() {
        while index < count {
            switch bytes[index] {
            case ASCII.space, ASCII.newline, ASCII.carriageReturn, ASCII.tab: index += 1
            default: return
            }
        }
    }

    /// "line L, column C (byte B)" for a byte offset; computed only when reporting an error.
    func position(_ offset: Int) -> String {
        var line = 1
        var lineStart = 0
        for position in 0..<min(offset, count) where bytes[position] == ASCII.newline {
            line += 1
            lineStart = position + 1
        }
        return "at line \(line), column \(offset - lineStart + 1) (byte \(offset))"
    }

    func syntax(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(reason: "\(reason) \(position(index))")
    }

    func unexpected(_ context: String) -> JSONSyntaxError {
        JSONSyntaxError(reason: "Unexpected character \(Self.show(bytes[index])) \(context) \(position(index))")
    }

    func endOfInput(_ expected: String) -> JSONSyntaxError {
        JSONSyntaxError(reason: "Unexpected end of input: expected \(expected) \(position(count))")
    }

    func controlCharacter(_ byte: UInt8) -> JSONSyntaxError {
        syntax("Unescaped control character U+\(Self.hex(UInt16(byte))) in a string")
    }

    /// A byte as an error message shows it: `'x'` when printable ASCII, else its hex value.
    static func show(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(hex(UInt16(byte)).suffix(2))"
    }

    static func hex(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// The bytes at `range` of the input.
    func buffer(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count)
    }
}

/// The significant digits of a number, as one view over its integer and fraction digits.
private struct Digits {
    let bytes: UnsafePointer<UInt8>
    let integer: Range<Int>
    let fraction: Range<Int>
    /// The window over the concatenated digits.
    var start = 0
    var end: Int

    init(bytes: UnsafePointer<UInt8>, integer: Range<Int>, fraction: Range<Int>) {
        self.bytes = bytes
        self.integer = integer
        self.fraction = fraction
        end = integer.count + fraction.count
    }

    var count: Int { end - start }
    var first: UInt8? { count > 0 ? self[0] : nil }
    var last: UInt8? { count > 0 ? self[count - 1] : nil }

    mutating func dropFirst() { start += 1 }
    mutating func dropLast() { end -= 1 }

    /// The digit value (0–9) at `position` within the window.
    subscript(position: Int) -> UInt8 {
        let offset = start + position
        let byte =
            offset < integer.count ? bytes[integer.lowerBound + offset] : bytes[fraction.lowerBound + offset - integer.count]
        return byte &- ASCII.zero
    }
}

/// A stack of values in memory the parser manages itself, so closing an array or object moves
/// its elements out (one `memcpy`, no reference counting) instead of copying and destroying
/// them. The owner calls ``release()`` once, on every path.
private struct ScratchStack<Element> {
    private var base: UnsafeMutablePointer<Element>?
    private var capacity = 0
    private(set) var count = 0

    mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (base! + count).initialize(to: element)
        count += 1
    }

    /// The elements from `start` to the top, moved into an array of exactly their count.
    mutating func popArray(from start: Int) -> [Element] {
        let moved = count - start
        guard moved > 0, let base else { return [] }
        // `reserveCapacity` and `append` are specialized here; `init(unsafeUninitializedCapacity:)`
        // goes through the runtime's generic metadata lookup for every array, which cost more
        // than the rest of parsing for arrays of one element.
        if moved == 1 {
            count = start
            return [(base + start).move()]
        }
        var array: [Element] = []
        array.reserveCapacity(moved)
        for position in start..<count { array.append((base + position).move()) }
        count = start
        return array
    }

    /// Hands each element from `start` to the top to `body`, bottom first, and removes them.
    mutating func pop(from start: Int, _ body: (consuming Element) -> Void) {
        guard let base else { return }
        for position in start..<count { body((base + position).move()) }
        count = start
    }

    private mutating func grow() {
        let newCapacity = max(16, capacity * 2)
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if let base {
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
        }
        base = grown
        capacity = newCapacity
    }

    mutating func release() {
        guard let base else { return }
        base.deinitialize(count: count)
        base.deallocate()
        self.base = nil
        capacity = 0
        count = 0
    }
}
