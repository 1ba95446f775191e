// json-cost: what parsing one message costs, by shape (issue 15, target 6 "Linear JSON").
//
// For each shape of HostileJSON's HostileShape, filled to just under the 1 MiB message limit, prints the CPU
// time JSONParser needs per MiB (median of repeated runs, process CPU clock) and, with --old,
// what the former path (structure pre-pass + Foundation's JSONDecoder) needed for the same bytes
// (one run: it can take tens of seconds). A benchmark, not a test: Benchmarks/scripts/json-cost runs it.
//
// Usage: json-cost [--old] [--size BYTES] [--limit MS_PER_MIB] [--only SUBSTRING]
// Exit status 1 when a shape costs the new parser more than the limit (default 50 ms/MiB).

import EnvProtocol
import Foundation
import HostileJSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

var measureOld = false
var size = (1 << 20) - 64
var limit = 50.0
var only: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--old": measureOld = true
    case "--size": size = Int(arguments.next() ?? "") ?? size
    case "--limit": limit = Double(arguments.next() ?? "") ?? limit
    case "--only": only = arguments.next()
    default:
        FileHandle.standardError.write(Data("usage: json-cost [--old] [--size BYTES] [--limit MS_PER_MIB] [--only SUBSTRING]\n".utf8))
        exit(2)
    }
}

/// CPU seconds this process has used, all threads.
func cpuSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// What a parse ended with, for the table: the value's kind, or the error's first words.
func outcome(_ body: () throws -> JSONValue) -> String {
    do {
        switch try body() {
        case .array(let array): return "array of \(array.count)"
        case .object(let object): return "object of \(object.count)"
        case .string(let string): return "string of \(string.utf8.count) B"
        case let other: return "\(other)".prefix(24).description
        }
    } catch {
        return "refused: " + "\(error)".prefix(40)
    }
}

/// CPU milliseconds per MiB of `bytes` for one run of `body`, as the median of runs repeated
/// until at least `runs` runs and `seconds` CPU seconds have passed.
func cost(of bytes: Int, runs: Int, seconds: Double, _ body: () -> Void) -> Double {
    var samples: [Double] = []
    let begin = cpuSeconds()
    while samples.count < runs || cpuSeconds() - begin < seconds {
        let start = cpuSeconds()
        body()
        samples.append(cpuSeconds() - start)
        if samples.count >= 1000 { break }
    }
    samples.sort()
    return samples[samples.count / 2] * 1000 / (Double(bytes) / Double(1 << 20))
}

func column(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

print("json-cost: CPU ms per MiB of message, \(size)-byte documents, limit \(limit) ms/MiB")
print("| shape | bytes | new ms/MiB | old ms/MiB | new parser's result | old path's result |")
print("| --- | ---: | ---: | ---: | --- | --- |")
var over: [String] = []
for shape in HostileShape.all() where only.map({ shape.name.contains($0) }) ?? true {
    let bytes = shape.build(size)
    let data = Data(bytes)
    let newResult = outcome { try JSONParser.parse(bytes) }
    let newCost = cost(of: bytes.count, runs: 5, seconds: 0.5) { _ = try? JSONParser.parse(bytes) }
    var oldCost = "—"
    var oldResult = "not measured (--old)"
    if measureOld {
        let start = cpuSeconds()
        oldResult = outcome { try LegacyJSON.parse(data) }
        oldCost = String(format: "%.1f", (cpuSeconds() - start) * 1000 / (Double(bytes.count) / Double(1 << 20)))
    }
    if newCost > limit { over.append(shape.name) }
    print("| \(shape.name) | \(bytes.count) | \(String(format: "%.1f", newCost)) | \(oldCost) | \(newResult) | \(oldResult) |")
}
if over.isEmpty {
    print("target met: every shape costs the new parser at most \(limit) ms of CPU per MiB")
} else {
    print("target NOT met (\(limit) ms/MiB) for: \(over.joined(separator: "; "))")
    exit(1)
}
