import Foundation

/// Two things about a JSON text that the decoder does not refuse but a strict server must:
///
/// - **Nesting deeper than ``maxDepth``.** Validation errors echo the offending input, and the
///   encoder refuses values nested deeper than its own limit (512), so a 500-level array that
///   decodes fine would make its error reply unencodable. Refusing deep input up front keeps
///   every reply encodable (found by the fuzzer: `POST /reset` with 510 nested arrays trapped).
/// - **A key repeated in one object.** Parsers disagree on `{"type":"state","type":"reset"}`
///   (Foundation keeps the first, Python the last), so two readers would see two messages.
///
/// One pass that follows strings, brackets and commas; it does not validate JSON itself.
struct JSONStructureCheck {
    /// Deepest nesting of arrays and objects a message may have.
    static let maxDepth = 128

    /// Deepest nesting seen.
    private(set) var depth = 0
    /// The first repeated key (unescaped), if any.
    private(set) var duplicateKey: String?

    init(_ data: some Collection<UInt8>) {
        let bytes = Array(data)
        // One entry per open bracket: the keys seen so far for an object, `nil` for an array.
        var open: [Set<String>?] = []
        var expectingKey = false
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"):
                open.append([])
                depth = max(depth, open.count)
                expectingKey = true
            case UInt8(ascii: "["):
                open.append(nil)
                depth = max(depth, open.count)
                expectingKey = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = open.popLast()
                expectingKey = false
            case UInt8(ascii: ","):
                expectingKey = open.last.map { $0 != nil } ?? false
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if expectingKey, duplicateKey == nil, var keys = open.last ?? nil {
                    let key = Self.key(bytes[start...min(index, bytes.count - 1)])
                    if keys.insert(key).inserted {
                        open[open.count - 1] = keys
                    } else {
                        duplicateKey = key
                    }
                    expectingKey = false
                }
            default:
                break
            }
            index += 1
        }
    }

    /// A key's text: escapes (rare in keys) are resolved by the JSON decoder itself, so
    /// `"a"` and `"\u0061"` are the same key.
    private static func key(_ literal: ArraySlice<UInt8>) -> String {
        let inner = literal.dropFirst().dropLast()
        guard inner.contains(UInt8(ascii: "\\")) else { return String(decoding: inner, as: UTF8.self) }
        return (try? JSONDecoder().decode(String.self, from: Data(literal))) ?? String(decoding: inner, as: UTF8.self)
    }
}
