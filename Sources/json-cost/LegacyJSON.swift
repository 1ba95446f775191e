import EnvProtocol
import Foundation

/// The JSON path the kit used before ``JSONParser``, kept here only to measure it beside the new
/// one: a pre-pass for depth and duplicate keys (whose key set is copied on every insert), then
/// Foundation's `JSONDecoder` into ``JSONValue``.
enum LegacyJSON {
    static let maxDepth = 128

    static func parse(_ data: Data) throws -> JSONValue {
        let structure = LegacyStructureCheck(data)
        guard structure.depth <= maxDepth else {
            throw LegacyError(reason: "Nesting deeper than \(maxDepth) levels")
        }
        let value = try JSONDecoder().decode(JSONValue.self, from: data)
        if let key = structure.duplicateKey {
            throw LegacyError(reason: "Duplicate key \"\(key.prefix(100))\" in an object")
        }
        return value
    }
}

struct LegacyError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// The former `JSONStructureCheck`, unchanged.
struct LegacyStructureCheck {
    private(set) var depth = 0
    private(set) var duplicateKey: String?

    init(_ data: some Collection<UInt8>) {
        let bytes = Array(data)
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

    private static func key(_ literal: ArraySlice<UInt8>) -> String {
        let inner = literal.dropFirst().dropLast()
        guard inner.contains(UInt8(ascii: "\\")) else { return String(decoding: inner, as: UTF8.self) }
        return (try? JSONDecoder().decode(String.self, from: Data(literal))) ?? String(decoding: inner, as: UTF8.self)
    }
}
