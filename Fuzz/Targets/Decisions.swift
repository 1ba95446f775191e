// Not a fuzzer: prints JSONParser's decision for each file named on the command line, one line
// each ("accept" or "reject<TAB>reason"), for ci/fuzz-differential to compare with Python's json.
import Foundation

@main
enum Decisions {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
            do {
                _ = try JSONParser.parse(bytes)
                print("accept")
            } catch {
                print("reject\t\(error.reason.replacingOccurrences(of: "\n", with: " "))")
            }
        }
    }
}
