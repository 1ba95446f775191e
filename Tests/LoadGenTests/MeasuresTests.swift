import BenchResults
import Foundation
import Histogram
import LoadGen
import Testing

/// Long-run measures: windows, the interval log written and read back exactly, the capacity
/// verdict and the concurrency search.
@Suite("Measures, interval logs and the capacity search")
struct MeasuresTests {
    static func measures() -> LoadMeasures {
        var measures = LoadMeasures(window: 10, startTime: 1_700_000_000.25)
        for index in 0..<1_000 {
            measures.recordStepSent(at: Double(index) / 40)
            measures.recordStep(latency: 0.1 + Double(index % 97) * 0.003, at: Double(index) / 40)
        }
        measures.recordStep(latency: 42.5, at: 3)
        measures.recordEpisode(at: 12)
        measures.recordSlotWait(3.25, at: 21)
        measures.recordDropped(at: 5)
        measures.recordReconnects(2, at: 5)
        measures.recordHeld(1)
        measures.recordHeld(1)
        measures.recordHeld(-1)
        return measures
    }

    @Test("steps land in the window of their time; the total adds the windows")
    func windows() {
        let measures = Self.measures()
        #expect(measures.windows.count == 3)
        #expect(measures.windows.map(\.stepsAnswered) == [401, 400, 200])
        #expect(measures.total.stepsAnswered == 1_001 && measures.total.stepsSent == 1_000)
        #expect(measures.total.stepLatency.max >= 42_500_000 - 42_500 && measures.peakHeld == 2)
    }

    @Test("an interval log reads back into the same measures, histogram counts exactly")
    func intervalLogRoundTrip() throws {
        let measures = Self.measures()
        let text = try IntervalLog.encode(measures)
        #expect(text.hasPrefix("#[Histogram log format version 1.3]\n#[StartTime: 1700000000.250 "))
        let intervals = try IntervalLog.decode(text)
        #expect(intervals.count == 4 && intervals.filter { $0.tag == IntervalLog.slotWaitTag }.count == 1)
        #expect(intervals.map(\.start) == [0, 10, 20, 20])
        var read = try IntervalLog.measures(text, window: 10)
        #expect(read == measures)
        read.recordStep(latency: 0.1, at: 0)
        #expect(read != measures, "the comparison sees one count more")
    }

    @Test("the compressed histogram is the standard V2 encoding (cookie, zlib) in base64")
    func standardEncoding() throws {
        let line = try #require(try IntervalLog.encode(Self.measures()).split(separator: "\n").first { !$0.hasPrefix("#") && !$0.hasPrefix("\"") })
        let fields = line.split(separator: ",")
        #expect(fields.count == 4 && fields[0] == "1700000000.250" && fields[1] == "10.000")
        let bytes = try #require(Data(base64Encoded: String(fields[3])))
        #expect(Array(bytes.prefix(4)) == [0x1c, 0x84, 0x93, 0x14], "the V2 compressed cookie")
        #expect(bytes[8] == 0x78, "a zlib stream")
    }

    @Test(
        "a damaged log is an error naming the line, never a crash",
        arguments: [
            "0.000,10.000,1.000,notbase64!", "0.000,10.000", "0.000,10.000,1.000,HISTFAAAAAB42g==",
        ]
    )
    func damaged(_ line: String) {
        #expect(throws: IntervalLogError.self) { try IntervalLog.decode("#[StartTime: 0 (seconds since epoch)]\n" + line + "\n") }
    }

    @Test("the capacity verdict: p99 bound, answered share, failed and dropped sessions")
    func verdict() {
        var measures = LoadMeasures(window: 10)
        for _ in 0..<1_000 {
            measures.recordStepSent(at: 0)
            measures.recordStep(latency: 0.2, at: 0)
        }
        #expect(CapacityVerdict.judge(measures, failedSessions: 0, stepP99Bound: 0.7).passed)
        #expect(!CapacityVerdict.judge(measures, failedSessions: 0, stepP99Bound: 0.1).passed)
        #expect(!CapacityVerdict.judge(measures, failedSessions: 1, stepP99Bound: 0.7).passed)
        measures.recordStepSent(at: 0)
        measures.recordStepSent(at: 0)
        #expect(!CapacityVerdict.judge(measures, failedSessions: 0, stepP99Bound: 0.7).passed, "998/1000 answered")
    }

    @Test("the search doubles, then bisects to the largest passing N", arguments: [(1, 100, 37), (16, 1_000, 600), (8, 64, 64), (8, 64, 7)])
    func search(start: Int, limit: Int, largest: Int) async {
        var tried: [Int] = []
        let found = await ConcurrencySearch(start: start, limit: limit, resolution: 0).run { n in
            tried.append(n)
            return n <= largest
        }
        #expect(found == (largest >= start ? min(largest, limit) : nil), "tried \(tried)")
        #expect(tried.count <= 2 * Int(log2(Double(limit))) + 2)
    }
}
