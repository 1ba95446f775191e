import EnvProtocol

/// The fields a load-test session keeps from an `observation` reply, read by one pass over the
/// reply's bytes instead of a full parse into a ``JSONValue`` tree (issue 22: the reply check
/// by scan).
///
/// The scan accepts only a plain shape it can read exactly: `{"type":"observation","data":{…}}`
/// (members in any order, JSON whitespace anywhere) whose `data.observation` is an object of
/// flat members. Keys and strings must be printable ASCII without escapes; values are such
/// strings, JSON numbers, `true`, `false`, `null`, `{}` or `[]` (and, outside the observation,
/// nothing deeper). A repeated key, a number out of range, trailing bytes, or anything else
/// makes ``init(_:)`` return `nil`, and the caller parses the reply in full, so every reply
/// the scan does not read is judged and reported exactly as before. What the scan does accept,
/// the strict parser would accept too, with the same values.
package struct ObservationScan {
    /// `waited_seconds` when it is a number.
    package var waitedSeconds: Double?
    /// `pid` when it is a whole number.
    package var pid: Int?
    package var sessionHash: String?
    package var hostURL: String?
    /// Whether the benchmark's numbers are there with their types, so a strict check passes;
    /// otherwise the full parse decides (an absent field reads as 0, a mistyped one fails).
    package var hasBenchmarkFields: Bool { waitedSeconds != nil && pid != nil }

    /// Reads `text`, an `observation` reply; `nil` when it is anything else or not in the plain shape.
    package init?(_ text: String) {
        var text = text
        let scanned = text.withUTF8 { utf8 -> ObservationScan? in
            var reader = Reader(utf8)
            return reader.reply()
        }
        guard let scanned else { return nil }
        self = scanned
    }

    private init() {}

    /// A cursor over the reply's bytes; every method returns `nil` (or `false`) when the bytes
    /// leave the plain shape.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        /// The whole reply: `{"type":"observation","data":{…,"observation":{…},…}}`, nothing after.
        mutating func reply() -> ObservationScan? {
            var fields: ObservationScan?
            var isObservation = false
            let members = object { key, reader in
                if reader.is(key, "type") {
                    guard let type = reader.stringRange() else { return false }
                    isObservation = reader.is(type, "observation")
                    return true
                }
                guard reader.is(key, "data") else { return reader.flatValue() != nil }
                return reader.object { key, reader in
                    guard reader.is(key, "observation") else { return reader.flatValue() != nil }
                    fields = reader.observation()
                    return fields != nil
                }
            }
            skipWhitespace()
            guard members, offset == bytes.count, isObservation else { return nil }
            return fields
        }

        /// The observation object: its flat members, the four kept.
        mutating func observation() -> ObservationScan? {
            var fields = ObservationScan()
            let members = object { key, reader in
                guard let value = reader.flatValue() else { return false }
                if reader.is(key, "waited_seconds") {
                    fields.waitedSeconds = value.number
                } else if reader.is(key, "pid") {
                    // A whole number written as a fraction or exponent (`7.0`): the parser's call.
                    guard value.integer != nil || value.number == nil else { return false }
                    fields.pid = value.integer
                } else if reader.is(key, "session_hash") {
                    fields.sessionHash = value.text.map(reader.string)
                } else if reader.is(key, "host_url") {
                    fields.hostURL = value.text.map(reader.string)
                }
                return true
            }
            return members ? fields : nil
        }

        /// An object, each member's value read by `member` (called after the colon, with the
        /// key's bytes). Keys must not repeat (the strict parser refuses that); more than
        /// ``maxKeys`` members are left to the parser.
        mutating func object(_ member: (Range<Int>, inout Reader) -> Bool) -> Bool {
            skipWhitespace()
            guard take(UInt8(ascii: "{")) else { return false }
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return true }
            return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: Self.maxKeys) { keys in
                var count = 0
                repeat {
                    skipWhitespace()
                    guard count < Self.maxKeys, let key = stringRange() else { return false }
                    for index in 0..<count where equal(keys[index], key) { return false }
                    keys[count] = key
                    count += 1
                    skipWhitespace()
                    guard take(UInt8(ascii: ":")) else { return false }
                    skipWhitespace()
                    guard member(key, &self) else { return false }
                    skipWhitespace()
                } while take(UInt8(ascii: ","))
                return take(UInt8(ascii: "}"))
            }
        }

        static let maxKeys = 32

        /// Whether the bytes in `range` are `word`'s.
        func `is`(_ range: Range<Int>, _ word: StaticString) -> Bool {
            guard range.count == word.utf8CodeUnitCount else { return false }
            for index in 0..<range.count where bytes[range.lowerBound + index] != word.utf8Start[index] { return false }
            return true
        }

        private func equal(_ first: Range<Int>, _ second: Range<Int>) -> Bool {
            guard first.count == second.count else { return false }
            for index in 0..<first.count where bytes[first.lowerBound + index] != bytes[second.lowerBound + index] { return false }
            return true
        }

        /// A member value with nothing nested in it.
        struct FlatValue {
            var number: Double?
            /// The number, when written as a plain integer that fits an `Int`.
            var integer: Int?
            /// Where a string's characters are.
            var text: Range<Int>?
        }

        mutating func flatValue() -> FlatValue? {
            skipWhitespace()
            guard offset < bytes.count else { return nil }
            switch bytes[offset] {
            case UInt8(ascii: "\""):
                return stringRange().map { FlatValue(text: $0) }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return number()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = bytes[offset] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                offset += 1
                skipWhitespace()
                return take(close) ? FlatValue() : nil
            default:
                return literal("true") || literal("false") || literal("null") ? FlatValue() : nil
            }
        }

        /// The string whose characters ``stringRange()`` found in `range`.
        func string(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        /// Where the characters of a string of printable ASCII without escapes are (its quotes
        /// read, not included).
        mutating func stringRange() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = offset
            while offset < bytes.count {
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") {
                    offset += 1
                    return start..<offset - 1
                }
                guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
                offset += 1
            }
            return nil
        }

        /// A JSON number, read by the strict parser's own number reader. Only a plain integer
        /// (no fraction or exponent) counts as ``FlatValue/integer``: a whole number written
        /// otherwise (`7.0`) is left to the full parse where an integer is wanted.
        mutating func number() -> FlatValue? {
            guard let (value, end) = JSONParser.number(in: bytes, at: offset) else { return nil }
            let isPlainInteger = !bytes[offset..<end].contains { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }
            offset = end
            switch value {
            case .integer(let integer): return FlatValue(number: Double(integer), integer: isPlainInteger ? integer : nil)
            case .number(let number): return FlatValue(number: number)
            default: return nil
            }
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard offset + count <= bytes.count else { return false }
            for index in 0..<count where bytes[offset + index] != word.utf8Start[index] { return false }
            offset += count
            return true
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard offset < bytes.count, bytes[offset] == byte else { return false }
            offset += 1
            return true
        }

        mutating func skipWhitespace() {
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x20, 0x09, 0x0A, 0x0D: offset += 1
                default: return
                }
            }
        }
    }
}
