import EnvProtocol
import Foundation
import Testing

/// A small seeded generator (SplitMix64), so random corpora are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The oracles: Foundation's `JSONEncoder` configured as `JSONCoding` used to be, and its
/// `JSONDecoder` into ``JSONValue`` (the former parse path, without the structure pre-pass).
enum FoundationOracle {
    static func encode(_ value: JSONValue) -> [UInt8]? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { Array($0) }
    }

    static func decode(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }
}

/// Whether two values are the same tree, numbers compared by value: `.integer(1)` and
/// `.number(1.0)` are equal (the two parsers classify some spellings differently, see
/// `JSONParserTests`), `.number` values compare as Doubles.
func sameValue(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.integer(let x), .integer(let y)): x == y
    case (.integer, .number), (.number, .integer), (.number, .number): a.numberValue == b.numberValue
    case (.array(let x), .array(let y)): x.count == y.count && zip(x, y).allSatisfy(sameValue)
    case (.object(let x), .object(let y)):
        x.count == y.count && x.allSatisfy { key, value in y[key].map { sameValue(value, $0) } ?? false }
    default: a == b
    }
}

/// Random JSON values and random (valid) spellings of them.
struct RandomJSON {
    var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// Characters that exercise escaping, sorting and validation.
    static let characters: [String] = [
        "a", "b", "z", "A", "Z", "0", "9", "_", " ", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\u{A}",
        "\u{B}", "\u{C}", "\u{D}", "\u{1B}", "\u{1F}", "\u{7F}", "\u{80}", "é", "e\u{301}", "ß", "\u{2028}", "\u{2029}",
        "中", "\u{FEFF}", "\u{FFFF}", "😀", "\u{10FFFF}", "{", "}", "[", "]", ":", ",",
    ]

    static let doubles: [Double] = [
        0.1, 0.5, 1.5, -2.25, 1e16, 1e15, 123456789.125, 1e-7, 1e-5, 0.001, .leastNonzeroMagnitude, 2.2250738585072014e-308,
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e21, 1e22, 1e23, 9_007_199_254_740_992, 0.3, 2.0 / 3.0, -0.0,
        100, 1e300, 12345678901234567890.0, 4.35, 1.7976931348623157e308,
    ]

    mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &generator) }

    mutating func string(maxLength: Int = 12) -> String {
        (0..<int(0..<(maxLength + 1))).map { _ in Self.characters.randomElement(using: &generator)! }.joined()
    }

    mutating func double() -> Double {
        if int(0..<3) == 0 { return Self.doubles.randomElement(using: &generator)! }
        while true {
            let value = Double(bitPattern: generator.next())
            if value.isFinite { return value }
        }
    }

    mutating func integer() -> Int {
        switch int(0..<4) {
        case 0: int(-10..<10)
        case 1: [Int.min, Int.max, 0, -1, 1 << 53, (1 << 53) + 1].randomElement(using: &generator)!
        default: Int(truncatingIfNeeded: generator.next()) >> int(0..<63)
        }
    }

    mutating func value(depth: Int = 0) -> JSONValue {
        let kind = depth >= 4 ? int(0..<5) : int(0..<7)
        switch kind {
        case 0: return [.null, .bool(true), .bool(false)].randomElement(using: &generator)!
        case 1: return .integer(integer())
        case 2: return .number(double())
        case 3, 4: return .string(string())
        case 5: return .array((0..<int(0..<6)).map { _ in value(depth: depth + 1) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<int(0..<6) { object[string(maxLength: 4)] = value(depth: depth + 1) }
            return .object(object)
        }
    }

    /// A valid JSON text for `value`, with random whitespace, escapes and number spellings.
    mutating func spell(_ value: JSONValue) -> String {
        var text = space()
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .integer(let integer):
            text += "\(integer)" + ["", "", ".0", ".000", "e0", "E+0", "e-0"].randomElement(using: &generator)!
        case .number(let number):
            var spelled = number.description
            if int(0..<2) == 0, spelled.hasSuffix(".0") { spelled.removeLast(2) }
            text += spelled
        case .string(let string): text += spell(string)
        case .array(let array):
            text += "[" + space() + array.map { spell($0) }.joined(separator: ",") + space() + "]"
        case .object(let object):
            let members = object.map { key, member in space() + spell(key) + space() + ":" + spell(member) }
            text += "{" + space() + members.joined(separator: ",") + space() + "}"
        }
        return text + space()
    }

    mutating func spell(_ string: String) -> String {
        var text = "\""
        for scalar in string.unicodeScalars {
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            let choice = int(0..<4)
            if mustEscape || choice == 0 {
                switch scalar {
                case "\"" where choice < 2: text += "\\\""
                case "\\" where choice < 2: text += "\\\\"
                case "\n" where choice < 2: text += "\\n"
                case "/" where choice < 2: text += "\\/"
                default:
                    for unit in String(scalar).utf16 {
                        let hex = String(unit, radix: 16, uppercase: int(0..<2) == 0)
                        text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    }
                }
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    mutating func space() -> String {
        (0..<[0, 0, 0, 1, 2].randomElement(using: &generator)!).map { _ in [" ", "\t", "\n", "\r"].randomElement(using: &generator)! }
            .joined()
    }
}

/// `depth` nested arrays around nothing.
func nestedArrays(_ depth: Int) -> String {
    String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
}

/// A value nested `depth` arrays deep.
func nestedArrayValue(_ depth: Int) -> JSONValue {
    var value = JSONValue.array([])
    for _ in 1..<depth { value = .array([value]) }
    return value
}
