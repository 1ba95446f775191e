/// One JSON document shape chosen to find super-linear parsing: a name and a builder for a
/// document of about `size` bytes. Shared by `json-cost` (the parser alone) and the Reliability
/// suite's cost bounds (the whole server, over the wire).
public struct HostileShape: Sendable {
    public let name: String
    public let build: @Sendable (_ size: Int) -> [UInt8]
}

extension HostileShape {
    /// Hostile-but-legal shapes (and a few that are refused), each filling about one frame.
    /// - Parameter depthLimit: the deepest nesting the parser accepts: the nested shapes go
    ///   exactly that deep (less when the document is embedded in a message), one past it is refused.
    public static func all(depthLimit: Int = 128) -> [HostileShape] {
        [
            HostileShape(name: "distinct keys {\"k<n>\":<n>}") { size in
                object(size) { n in "\"k\(n)\":\(n % 10)" }
            },
            HostileShape(name: "duplicate-looking keys (30-byte shared prefix, half spelled with \\u escapes)") { size in
                object(size) { n in
                    let prefix = n % 2 == 0 ? "\\u0070" : "p"
                    return "\"\(prefix)refix_shared_by_all_the_keys_\(n)\":0"
                }
            },
            HostileShape(name: "integer array [12345,...]") { size in
                array(size) { n in "\(10_000 + (n &* 7919) % 90_000)" }
            },
            HostileShape(name: "array of zeros [0,0,...]") { size in array(size) { _ in "0" } },
            HostileShape(name: "float array, 17 significant digits") { size in
                array(size) { n in "0.\(10_000_000_000_000_000 + (n &* 104_729) % 89_999_999_999_999_999)" }
            },
            HostileShape(name: "float array, short [0.5,...]") { size in array(size) { n in "\(n % 10).5" } },
            HostileShape(name: "40-digit integers") { size in
                array(size) { n in "1234567890123456789012345678901234\(100_000 + n % 900_000)" }
            },
            HostileShape(name: "small objects [{\"a\":1},...]") { size in array(size) { _ in #"{"a":1}"# } },
            HostileShape(name: "empty objects [{},...]") { size in array(size) { _ in "{}" } },
            HostileShape(name: "empty arrays [[],...]") { size in array(size) { _ in "[]" } },
            HostileShape(name: "step messages [{\"type\":\"step\",\"data\":{...}},...]") { size in
                array(size) { n in #"{"type":"step","data":{"wait_seconds":0.\#(n % 10),"metadata":{"n":\#(n)}}}"# }
            },
            HostileShape(name: "one ASCII string") { size in Array(("\"" + String(repeating: "x", count: size - 2) + "\"").utf8) },
            HostileShape(name: "one non-ASCII string (é)") { size in
                Array(("\"" + String(repeating: "é", count: (size - 2) / 2) + "\"").utf8)
            },
            HostileShape(name: "one key") { size in
                Array(("{\"" + String(repeating: "k", count: size - 6) + "\":1}").utf8)
            },
            HostileShape(name: "1 KiB keys") { size in
                object(size) { n in "\"\(n)\(String(repeating: "k", count: 1024))\":1" }
            },
            HostileShape(name: "escapes \\n") { size in
                Array(("\"" + String(repeating: "\\n", count: (size - 2) / 2) + "\"").utf8)
            },
            HostileShape(name: "escapes \\u00e9") { size in
                Array(("\"" + String(repeating: "\\u00e9", count: (size - 2) / 6) + "\"").utf8)
            },
            HostileShape(name: "escaped surrogate pairs \\ud83d\\ude00") { size in
                Array(("\"" + String(repeating: "\\ud83d\\ude00", count: (size - 2) / 12) + "\"").utf8)
            },
            HostileShape(name: "string array [\"ab\\\"c\",...]") { size in array(size) { _ in #""ab\"c""# } },
            HostileShape(name: "arrays nested \(depthLimit) deep, repeated") { size in
                array(size) { _ in
                    String(repeating: "[", count: depthLimit - 1) + "0" + String(repeating: "]", count: depthLimit - 1)
                }
            },
            HostileShape(name: "objects nested \(depthLimit) deep, repeated") { size in
                array(size) { _ in
                    String(repeating: #"{"a":"#, count: depthLimit - 1) + "0" + String(repeating: "}", count: depthLimit - 1)
                }
            },
            HostileShape(name: "whitespace around one value") { size in Array((String(repeating: " ", count: size - 1) + "0").utf8) },
            HostileShape(name: "one long integer (refused: out of range)") { size in Array(String(repeating: "7", count: size).utf8) },
            HostileShape(name: "one long fraction 0.777...") { size in Array(("0." + String(repeating: "7", count: size - 2)).utf8) },
            HostileShape(name: "one long exponent 1e000...01") { size in Array(("1e" + String(repeating: "0", count: size - 3) + "1").utf8) },
            HostileShape(name: "nesting beyond the limit (refused)") { size in
                Array((String(repeating: "[", count: size / 2) + String(repeating: "]", count: size / 2)).utf8)
            },
            HostileShape(name: "duplicate key at the end (refused)") { size in
                var bytes = object(size - 16) { n in "\"k\(n)\":0" }
                bytes.removeLast()
                bytes += Array(#","k0":1}"#.utf8)
                return bytes
            },
        ]
    }

    /// `{member,member,...}` filled to about `size` bytes.
    static func object(_ size: Int, _ member: (Int) -> String) -> [UInt8] {
        container(size, open: "{", close: "}", member)
    }

    /// `[element,element,...]` filled to about `size` bytes.
    static func array(_ size: Int, _ element: (Int) -> String) -> [UInt8] {
        container(size, open: "[", close: "]", element)
    }

    static func container(_ size: Int, open: String, close: String, _ item: (Int) -> String) -> [UInt8] {
        var bytes = Array(open.utf8)
        bytes.reserveCapacity(size)
        var n = 0
        while true {
            let next = Array(item(n).utf8)
            if bytes.count + next.count + 2 > size { break }
            if n > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += next
            n += 1
        }
        bytes += Array(close.utf8)
        return bytes
    }
}
