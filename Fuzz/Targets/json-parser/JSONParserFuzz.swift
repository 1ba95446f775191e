// libFuzzer target: JSONParser on arbitrary bytes. A parsed value must encode, and its encoding
// must parse back to the same value. Numbers compare by value: the writer prints integral
// doubles without `.0` (as Foundation's JSONEncoder did), so 1.0 comes back as the integer 1
// and -0.0 as 0, as `json.loads("-0")` in Python does too.
import EnvProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    guard let encoded = try? JSONWriter.encode(value) else { fatalError("a parsed value does not encode: \(value)") }
    guard let reparsed = try? JSONParser.parse(encoded), sameValue(value, reparsed) else {
        fatalError("the encoding of a parsed value does not parse back to it: \(String(decoding: encoded, as: UTF8.self))")
    }
    return 0
}

func sameValue(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.integer, _), (.number, _): return a.numberValue != nil && a.numberValue == b.numberValue
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { sameValue($0, $1) }
    case (.object(let x), .object(let y)):
        return x.count == y.count && x.allSatisfy { key, value in y[key].map { sameValue(value, $0) } ?? false }
    default: return a == b
    }
}
