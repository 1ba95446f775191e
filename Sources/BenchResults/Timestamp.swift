public import Foundation

/// Timestamps as the seed wrote them: `datetime.utcnow().isoformat() + "Z"`, i.e. UTC with
/// microseconds, e.g. `2026-01-13T12:23:22.123456Z`.
///
/// Every load-test session takes one, so they are written digit by digit into a 27-byte
/// string: Foundation's `String(format:)` cost more than the rest of a session's bookkeeping.
public enum Timestamp {
    public static func now() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return format(seconds: now.tv_sec, microseconds: Int(now.tv_nsec) / 1000)
    }

    public static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        return format(seconds: time_t(whole), microseconds: Int(((interval - whole) * 1_000_000).rounded(.down)))
    }

    private static func format(seconds: time_t, microseconds: Int) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else {
            return String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                year,
                Int(parts.tm_mon) + 1,
                Int(parts.tm_mday),
                Int(parts.tm_hour),
                Int(parts.tm_min),
                Int(parts.tm_sec),
                microseconds
            )
        }
        let fields: [(value: Int, width: Int, separator: UInt8)] = [
            (year, 4, UInt8(ascii: "-")), (Int(parts.tm_mon) + 1, 2, UInt8(ascii: "-")),
            (Int(parts.tm_mday), 2, UInt8(ascii: "T")), (Int(parts.tm_hour), 2, UInt8(ascii: ":")),
            (Int(parts.tm_min), 2, UInt8(ascii: ":")), (Int(parts.tm_sec), 2, UInt8(ascii: ".")),
            (microseconds, 6, UInt8(ascii: "Z")),
        ]
        return String(unsafeUninitializedCapacity: 27) { buffer in
            var end = 0
            for field in fields {
                var value = field.value
                for position in stride(from: end + field.width - 1, through: end, by: -1) {
                    buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                end += field.width
                buffer[end] = field.separator
                end += 1
            }
            return end
        }
    }
}

extension Timestamp {
    /// Reads a timestamp written by ``format(_:)`` (or the seed: seconds' fraction and `Z`
    /// optional), as seconds since 1970; `nil` when `text` is not one.
    public static func parse(_ text: String) -> Double? {
        var body = Substring(text)
        if body.hasSuffix("Z") { body = body.dropLast() }
        let dateAndTime = body.split(separator: "T", omittingEmptySubsequences: false)
        guard dateAndTime.count == 2 else { return nil }
        let date = dateAndTime[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        let secondsAndFraction = dateAndTime[1].split(separator: ".", omittingEmptySubsequences: false)
        guard secondsAndFraction.count <= 2 else { return nil }
        let time = secondsAndFraction[0].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard date.count == 3, time.count == 3, let year = date[0], let month = date[1], let day = date[2],
            let hour = time[0], let minute = time[1], let second = time[2],
            (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
            (0...60).contains(second)
        else { return nil }
        var fraction = 0.0
        if secondsAndFraction.count == 2 {
            let digits = secondsAndFraction[1]
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
                let value = Double("0." + digits)
            else { return nil }
            fraction = value
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Double(timegm(&parts)) + fraction
    }
}
