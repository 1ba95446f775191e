public import BenchResults
import CompressNIO
public import Foundation
public import Histogram
import NIOCore

/// HdrHistogram interval logs (`.hlog`, log format 1.3), as the standard tools read and write
/// them (`HistogramLogProcessor`, `hdr-plot`, the Python `hdrh`): one line per window, its
/// histogram in the V2 compressed encoding (zlib, zig-zag LEB128 counts), base64.
///
/// A profile run's log holds its step latencies (untagged lines) and, when there were any,
/// its slot waits (`Tag=slot_wait`), both in microseconds; `Interval_Max` is in seconds.
///
/// ```swift
/// let text = try IntervalLog.encode(measures)
/// let windows = try IntervalLog.decode(text)   // the same histograms, exactly
/// ```
public enum IntervalLog {
    /// One line of a log.
    public struct Interval: Sendable {
        /// `nil` for step latencies; `slot_wait` for slot waits.
        public var tag: String?
        /// Seconds from the log's start time.
        public var start: Double
        public var length: Double
        public var histogram: LoadMeasures.LatencyHistogram
    }

    public static let slotWaitTag = "slot_wait"
    static let encodingCookie: UInt32 = 0x1c84_9303 | 0x10
    static let compressedCookie: UInt32 = 0x1c84_9304 | 0x10

    /// The log of `measures`: every window's step latencies, then the windows' slot waits,
    /// timed from `measures.startTime`.
    public static func encode(_ measures: LoadMeasures) throws -> String {
        let startTime = measures.startTime
        var text = "#[Histogram log format version 1.3]\n"
        text += "#[StartTime: \(format(startTime)) (seconds since epoch), \(Date(timeIntervalSince1970: startTime))]\n"
        text += "#[openenv-bench: values in microseconds; untagged lines: step latency; Tag=\(slotWaitTag): waits for a slot]\n"
        // The counts that are no histogram, as comments the standard tools skip; `merge` reads them.
        text += "#[PeakHeld: \(measures.peakHeld)]\n"
        for (index, window) in measures.windows.enumerated() {
            text +=
                "#[Window: \(index) steps_sent=\(window.stepsSent) episodes=\(window.episodes) "
                + "sessions_dropped=\(window.sessionsDropped) reconnects=\(window.reconnects)]\n"
        }
        text += #""StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram""# + "\n"
        let lines: [(tag: String?, index: Int, histogram: LoadMeasures.LatencyHistogram)] =
            measures.windows.enumerated().map { (nil, $0.offset, $0.element.stepLatency) }
            + measures.windows.enumerated().filter { $0.element.slotWait.totalCount > 0 }.map {
                (slotWaitTag, $0.offset, $0.element.slotWait)
            }
        for line in lines {
            let start = startTime + Double(line.index) * measures.window
            text +=
                (line.tag.map { "Tag=\($0)," } ?? "")
                + "\(format(start)),\(format(measures.window)),\(format(line.histogram.maxSeconds)),"
                + Data(try compressed(line.histogram)).base64EncodedString() + "\n"
        }
        return text
    }

    /// Writes `measures` beside a run's rows, at ``url(in:run:)``.
    ///
    /// - Returns: the file's URL.
    @discardableResult
    public static func write(_ measures: LoadMeasures, to directory: URL, run: RunSummary) throws -> URL {
        let url = url(in: directory, run: run)
        try encode(measures).write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Where a run's log is: `<directory>/<run's timestamp>-<mode>-n<N>.hlog`.
    public static func url(in directory: URL, run: RunSummary) -> URL {
        directory.appendingPathComponent(
            "\(run.timestamp.replacingOccurrences(of: ":", with: "-"))-\(run.mode.rawValue)-n\(run.numRequests).hlog"
        )
    }

    /// The window length of a log written by ``encode(_:)`` (its intervals' length).
    public static func window(_ text: String) -> Double? {
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") && !line.hasPrefix("\"") {
            let fields = line.split(separator: ",")
            let lengthField = fields.first?.hasPrefix("Tag=") == true ? 2 : 1
            if fields.count > lengthField, let length = Double(fields[lengthField]), length > 0 { return length }
        }
        return nil
    }

    /// The intervals of a log, their start relative to its `StartTime` (or absolute, when it
    /// has none).
    ///
    /// - Throws: ``IntervalLogError`` naming the line that cannot be read.
    public static func decode(_ text: String) throws -> [Interval] {
        var startTime = 0.0
        var intervals: [Interval] = []
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            if line.hasPrefix("#[StartTime: ") {
                let value = line.dropFirst("#[StartTime: ".count).prefix { !$0.isWhitespace }
                guard let parsed = Double(value) else { throw IntervalLogError(line: number + 1, reason: "StartTime is not a number") }
                startTime = parsed
                continue
            }
            if line.hasPrefix("#") || line.hasPrefix("\"StartTimestamp\"") { continue }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var tag: String?
            if let first = fields.first, first.hasPrefix("Tag=") {
                tag = String(first.dropFirst(4))
                fields.removeFirst()
            }
            guard fields.count == 4, let start = Double(fields[0]), let length = Double(fields[1]),
                let bytes = Data(base64Encoded: fields[3])
            else {
                throw IntervalLogError(line: number + 1, reason: "expected [Tag=T,]START,LENGTH,MAX,BASE64")
            }
            do {
                intervals.append(
                    Interval(tag: tag, start: start - startTime, length: length, histogram: try histogram(compressed: Array(bytes)))
                )
            } catch {
                throw IntervalLogError(line: number + 1, reason: "\(error)")
            }
        }
        return intervals
    }

    /// Reads a log written by ``encode(_:)`` back into measures of `window`-second windows
    /// (`merge`): the step latencies and slot waits exactly, and the counts of its comments.
    public static func measures(_ text: String, window: Double) throws -> LoadMeasures {
        var measures = LoadMeasures(window: window)
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("#[") && line.hasSuffix("]") {
            let words = line.dropFirst(2).dropLast().split(separator: " ")
            if words.first == "StartTime:", words.count > 1, let start = Double(words[1]) { measures.startTime = start }
            if words.first == "PeakHeld:", words.count == 2, let peak = Int(words[1]) { measures.recordHeld(peak) }
            guard words.first == "Window:", words.count == 6, let index = Int(words[1]), (0..<1_000_000).contains(index)
            else { continue }
            var counts = LoadMeasures.Window()
            for word in words.dropFirst(2) {
                let pair = word.split(separator: "=")
                guard pair.count == 2, let value = Int(pair[1]) else { continue }
                switch pair[0] {
                case "steps_sent": counts.stepsSent = value
                case "episodes": counts.episodes = value
                case "sessions_dropped": counts.sessionsDropped = value
                case "reconnects": counts.reconnects = value
                default: continue
                }
            }
            measures.add(counts, window: index)
        }
        for interval in try decode(text) {
            let index = max(0, Int((interval.start / window).rounded()))
            var histograms = LoadMeasures.Window()
            switch interval.tag {
            case nil: histograms.stepLatency = interval.histogram
            case slotWaitTag: histograms.slotWait = interval.histogram
            default: continue
            }
            measures.add(histograms, window: index)
        }
        return measures
    }

    // MARK: The V2 encoding

    /// The compressed V2 encoding of `histogram`.
    static func compressed(_ histogram: LoadMeasures.LatencyHistogram) throws -> [UInt8] {
        var plain = ByteBuffer()
        plain.writeInteger(encodingCookie)
        let lengthAt = plain.writerIndex
        plain.writeInteger(UInt32(0))
        plain.writeInteger(UInt32(0))  // normalizing index offset
        plain.writeInteger(UInt32(histogram.numberOfSignificantValueDigits.rawValue))
        plain.writeInteger(histogram.lowestDiscernibleValue)
        plain.writeInteger(histogram.highestTrackableValue)
        plain.writeInteger((1.0 as Double).bitPattern)  // integer-to-double ratio
        let payloadStart = plain.writerIndex
        var zeros = 0
        for count in counts(histogram) {
            if count == 0 {
                zeros += 1
                continue
            }
            if zeros > 0 { writeZigZag(zeros == 1 ? 0 : -Int64(zeros), to: &plain) }
            zeros = 0
            writeZigZag(Int64(count), to: &plain)
        }
        plain.setInteger(UInt32(plain.writerIndex - payloadStart), at: lengthAt)
        let deflated = try plain.compress(with: .zlib())
        var out = ByteBuffer()
        out.writeInteger(compressedCookie)
        out.writeInteger(UInt32(deflated.readableBytes))
        out.writeImmutableBuffer(deflated)
        return Array(out.readableBytesView)
    }

    /// The histogram of a compressed V2 encoding.
    static func histogram(compressed bytes: [UInt8]) throws -> LoadMeasures.LatencyHistogram {
        var buffer = ByteBuffer(bytes: bytes)
        guard let cookie = buffer.readInteger(as: UInt32.self), cookie & ~0xf0 == compressedCookie & ~0xf0,
            let length = buffer.readInteger(as: UInt32.self), var deflated = buffer.readSlice(length: Int(length))
        else { throw IntervalLogError(line: 0, reason: "not a compressed V2 histogram") }
        var plain = try deflated.decompress(with: .zlib(), maxSize: 64 << 20)
        guard let inner = plain.readInteger(as: UInt32.self), inner & ~0xf0 == encodingCookie & ~0xf0,
            let payloadLength = plain.readInteger(as: UInt32.self), let offset = plain.readInteger(as: Int32.self),
            offset == 0, let digits = plain.readInteger(as: UInt32.self), digits == 3,
            let lowest = plain.readInteger(as: UInt64.self), lowest == 1, plain.readInteger(as: UInt64.self) != nil,
            plain.readInteger(as: UInt64.self) != nil, var payload = plain.readSlice(length: Int(payloadLength))
        else { throw IntervalLogError(line: 0, reason: "not a V2 histogram of 3 significant digits from 1") }
        var histogram = LoadMeasures.histogram()
        var value: UInt64 = 0
        while payload.readableBytes > 0 {
            // Values past about 12 days in microseconds are no latency of ours: a hostile or
            // corrupt log, refused before it costs time or memory.
            guard value < 1 << 40 else { throw IntervalLogError(line: 0, reason: "a value beyond 2^40 µs") }
            let count = try readZigZag(&payload)
            if count < 0 {
                guard count >= -(1 << 24) else { throw IntervalLogError(line: 0, reason: "a run of \(-count) empty buckets") }
                for _ in 0..<(-count) {
                    value = histogram.highestEquivalentForValue(value) + 1
                    guard value < 1 << 40 else { throw IntervalLogError(line: 0, reason: "a value beyond 2^40 µs") }
                }
                continue
            }
            // A count past 2^40 in one bucket is no run of ours either, and could wrap the total.
            guard count <= 1 << 40 else { throw IntervalLogError(line: 0, reason: "a bucket count of \(count)") }
            if count > 0 { _ = histogram.record(value, count: UInt64(count)) }
            value = histogram.highestEquivalentForValue(value) + 1
        }
        return histogram
    }

    /// The counts of `histogram`'s buckets, lowest first, up to the one holding its maximum.
    private static func counts(_ histogram: LoadMeasures.LatencyHistogram) -> [UInt64] {
        guard histogram.totalCount > 0 else { return [] }
        var counts: [UInt64] = []
        var value: UInt64 = 0
        let max = histogram.max
        while true {
            counts.append(histogram.countForValue(value))
            let highest = histogram.highestEquivalentForValue(value)
            if highest >= max { return counts }
            value = highest + 1
        }
    }

    /// Zig-zag LEB128 as HdrHistogram writes it: up to 8 groups of 7 bits, a 9th byte of 8.
    private static func writeZigZag(_ signed: Int64, to buffer: inout ByteBuffer) {
        var value = UInt64(bitPattern: (signed << 1) ^ (signed >> 63))
        for _ in 0..<8 {
            if value >> 7 == 0 {
                buffer.writeInteger(UInt8(value))
                return
            }
            buffer.writeInteger(UInt8(value & 0x7f | 0x80))
            value >>= 7
        }
        buffer.writeInteger(UInt8(truncatingIfNeeded: value))
    }

    private static func readZigZag(_ buffer: inout ByteBuffer) throws -> Int64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard let byte = buffer.readInteger(as: UInt8.self) else {
                throw IntervalLogError(line: 0, reason: "a count is cut short")
            }
            if shift == 56 {
                value |= UInt64(byte) << 56
                break
            }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}

/// An interval log line that cannot be read.
public struct IntervalLogError: Error, Sendable, CustomStringConvertible {
    /// 1-based; 0 when the histogram itself is at fault.
    public let line: Int
    public let reason: String

    public var description: String { line > 0 ? "interval log line \(line): \(reason)" : "interval log: \(reason)" }
}
