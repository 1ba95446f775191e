/// Writes a string that matches a regular expression, for the common shapes pydantic
/// schemas use (`^[0-9a-f]{12}$`, `^[A-Z]{3}-\d{4}$`, `^(foo|bar)_[a-z]+$`).
///
/// Understood: literals and escapes, `.`, classes (`[a-z0-9_]`, `[^…]`, `\d \w \s` and their
/// negations, `\p{…}` as a letter), groups (capturing, `(?:…)`, named), alternation (the
/// first branch is used), quantifiers (`* + ? {n} {n,} {n,m}`, lazy or possessive), and
/// anchors and look-arounds as zero-width (ignored here; the result is verified against the
/// real pattern afterwards). Anything else (back-references, inline flags) makes ``parse(_:)``
/// return nil: the synthesizer then reports that it cannot satisfy the pattern.
struct PatternGenerator {
    indirect enum Node {
        case literal(Character)
        /// A character class; `sample` is a member chosen when the class was parsed.
        case oneOf(sample: Character)
        case sequence([Node])
        case alternation([Node])
        case repeated(Node, min: Int, max: Int?)
        case zeroWidth
    }

    let root: Node

    static func parse(_ source: String) -> PatternGenerator? {
        var parser = Parser(characters: Array(source))
        guard let node = parser.alternation(), parser.position == parser.characters.count else { return nil }
        return PatternGenerator(root: node)
    }

    /// A matching string; every quantifier repeats `min + extra` times (capped at its max).
    func generate(extra: Int = 0) -> String {
        var out = ""
        Self.emit(root, extra: extra, into: &out)
        return out
    }

    private static func emit(_ node: Node, extra: Int, into out: inout String) {
        switch node {
        case .literal(let character), .oneOf(sample: let character):
            out.append(character)
        case .sequence(let nodes):
            for child in nodes { emit(child, extra: extra, into: &out) }
        case .alternation(let branches):
            if let first = branches.first { emit(first, extra: extra, into: &out) }
        case .repeated(let child, let min, let max):
            let count = Swift.min(min + extra, max ?? Int.max)
            for _ in 0..<Swift.max(count, 0) { emit(child, extra: extra, into: &out) }
        case .zeroWidth:
            break
        }
    }

    private struct Parser {
        let characters: [Character]
        var position = 0

        var atEnd: Bool { position >= characters.count }
        var current: Character? { atEnd ? nil : characters[position] }

        mutating func alternation() -> Node? {
            var branches: [Node] = []
            while true {
                guard let branch = sequence() else { return nil }
                branches.append(branch)
                guard current == "|" else { break }
                position += 1
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func sequence() -> Node? {
            var items: [Node] = []
            while let character = current, character != "|", character != ")" {
                guard let atom = atom(), let quantified = quantifier(atom) else { return nil }
                items.append(quantified)
            }
            return .sequence(items)
        }

        mutating func quantifier(_ atom: Node) -> Node? {
            var result = atom
            guard let character = current else { return result }
            switch character {
            case "*": result = .repeated(atom, min: 0, max: nil)
            case "+": result = .repeated(atom, min: 1, max: nil)
            case "?": result = .repeated(atom, min: 0, max: 1)
            case "{":
                guard let (min, max, length) = braces() else {
                    return result  // a literal "{" (Rust rejects it; Swift and ECMA allow it)
                }
                position += length - 1
                result = .repeated(atom, min: min, max: max)
            default:
                return result
            }
            position += 1
            if current == "?" || current == "+" { position += 1 }  // lazy / possessive
            // A quantifier on a quantifier (`a{2}{3}`, `a**`) is an error in Swift and Rust.
            if let next = current, "*+?".contains(next) || (next == "{" && braces() != nil) { return nil }
            return result
        }

        /// `{n}`, `{n,}`, `{n,m}`, `{,m}` at the current position: bounds and length in characters.
        func braces() -> (Int, Int?, Int)? {
            var index = position + 1
            var first = ""
            var second = ""
            var comma = false
            while index < characters.count, characters[index] != "}" {
                let character = characters[index]
                if character == "," && !comma {
                    comma = true
                } else if character.isASCII, character.isNumber {
                    if comma { second.append(character) } else { first.append(character) }
                } else {
                    return nil
                }
                index += 1
            }
            guard index < characters.count, !(first.isEmpty && second.isEmpty) else { return nil }
            let min = Int(first) ?? 0
            let max = comma ? Int(second) : min
            if let max, max < min { return nil }
            return (min, max, index - position + 1)
        }

        mutating func atom() -> Node? {
            guard let character = current else { return nil }
            position += 1
            switch character {
            case "^", "$": return .zeroWidth
            case ".": return .oneOf(sample: "a")
            case "[": return characterClass()
            case "(": return group()
            case "\\": return escape(inClass: false).map { $0.node }
            case "*", "+", "?": return nil
            default: return .literal(character)
            }
        }

        mutating func group() -> Node? {
            var lookaround = false
            if current == "?" {
                position += 1
                switch current {
                case ":": position += 1
                case "=", "!":
                    position += 1
                    lookaround = true
                case "<" where position + 1 < characters.count && "=!".contains(characters[position + 1]):
                    position += 2
                    lookaround = true
                case "<", "P", "'":
                    // Named group `(?<n>…)`, `(?P<n>…)`, `(?'n'…)`; `(?P=n)` is a back-reference.
                    if current == "P" {
                        position += 1
                        guard current == "<" else { return nil }
                    }
                    let close: Character = current == "'" ? "'" : ">"
                    position += 1
                    while let c = current, c != close { position += 1 }
                    guard current == close else { return nil }
                    position += 1
                default:
                    return nil  // inline flags, atomic groups, conditionals
                }
            }
            guard let inner = alternation(), current == ")" else { return nil }
            position += 1
            return lookaround ? .zeroWidth : inner
        }

        /// An escape after the backslash: a single character, a class sample, or zero-width.
        mutating func escape(inClass: Bool) -> (node: Node, single: Character?)? {
            guard let character = current else { return nil }
            position += 1
            switch character {
            case "d": return (.oneOf(sample: "0"), nil)
            case "w": return (.oneOf(sample: "a"), nil)
            case "s": return (.oneOf(sample: " "), nil)
            case "D", "S": return (.oneOf(sample: "a"), nil)
            case "W": return (.oneOf(sample: "-"), nil)
            case "b" where !inClass, "B", "A", "z", "Z", "G": return (.zeroWidth, nil)
            case "b": return (.literal("\u{8}"), "\u{8}")
            case "n": return (.literal("\n"), "\n")
            case "t": return (.literal("\t"), "\t")
            case "r": return (.literal("\r"), "\r")
            case "f": return (.literal("\u{c}"), "\u{c}")
            case "v": return (.literal("\u{b}"), "\u{b}")
            case "0": return (.literal("\0"), "\0")
            case "p", "P":
                guard current == "{" else { return nil }
                while let c = current, c != "}" { position += 1 }
                guard current == "}" else { return nil }
                position += 1
                return character == "p" ? (.oneOf(sample: "a"), nil) : (.oneOf(sample: "0"), nil)
            case "x", "u":
                var digits = ""
                if current == "{" {
                    position += 1
                    while let c = current, c != "}" {
                        digits.append(c)
                        position += 1
                    }
                    guard current == "}" else { return nil }
                    position += 1
                } else {
                    let count = character == "x" ? 2 : 4
                    guard position + count <= characters.count else { return nil }
                    digits = String(characters[position..<position + count])
                    position += count
                }
                guard let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else { return nil }
                return (.literal(Character(scalar)), Character(scalar))
            default:
                if character.isLetter || character.isNumber { return nil }  // back-references, \k, \c...
                return (.literal(character), character)
            }
        }

        mutating func characterClass() -> Node? {
            var negated = false
            if current == "^" {
                negated = true
                position += 1
            }
            var ranges: [ClosedRange<Character>] = []
            var samples: [Character] = []
            var first = true
            while let character = current, character != "]" || first {
                first = false
                position += 1
                var low: Character
                if character == "\\" {
                    guard let (node, single) = escape(inClass: true) else { return nil }
                    guard let single else {
                        if case .oneOf(let sample) = node { samples.append(sample) }
                        continue
                    }
                    low = single
                } else if character == "[" && current == ":" {
                    // POSIX class [:alpha:]: take a letter or digit.
                    while let c = current, c != "]" { position += 1 }
                    position += 1
                    samples.append("a")
                    continue
                } else {
                    low = character
                }
                if current == "-", position + 1 < characters.count, characters[position + 1] != "]" {
                    position += 1
                    var high = characters[position]
                    position += 1
                    if high == "\\" {
                        guard let (_, single) = escape(inClass: true), let single else { return nil }
                        high = single
                    }
                    guard low <= high else { return nil }
                    ranges.append(low...high)
                } else {
                    ranges.append(low...low)
                }
            }
            guard current == "]" else { return nil }
            position += 1
            if negated {
                // A printable character outside the class (only ranges and single characters
                // are known exactly; `\d`-style members make the guess less certain, and the
                // result is verified anyway).
                let excluded = Set(samples)
                let candidates: [Character] = ["a", "z", "A", "Z", "0", "9", "_", "-", " ", ".", "x", "q", "~", "é"]
                guard
                    let pick = candidates.first(where: { c in
                        !excluded.contains(c) && !ranges.contains { $0.contains(c) }
                    })
                else { return nil }
                return .oneOf(sample: pick)
            }
            // Prefer a lowercase letter or digit when the class offers one: readable values.
            let preferred: [Character] = ["a", "0", "x"]
            if let pick = preferred.first(where: { c in ranges.contains { $0.contains(c) } }) {
                return .oneOf(sample: pick)
            }
            if let range = ranges.first { return .oneOf(sample: range.lowerBound) }
            if let sample = samples.first { return .oneOf(sample: sample) }
            return nil
        }
    }
}
