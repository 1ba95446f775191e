// Not a fuzzer: run on files (`decisions FILE...`, which libFuzzer runs once each, in order), it
// prints JSONParser's decision on each, one line ("accept" or "reject<TAB>reason"), for
// ci/fuzz-libfuzzer to compare with Python's json. A libFuzzer entry point, so that one build
// (`swift build --sanitize=fuzzer`, where libFuzzer provides main) makes every product.
import EnvProtocol
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func printDecision(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        _ = try JSONParser.parse(Array(UnsafeBufferPointer(start: data, count: size)))
        print("accept")
    } catch {
        print("reject\t\(error.reason.replacingOccurrences(of: "\n", with: " "))")
    }
    return 0
}
