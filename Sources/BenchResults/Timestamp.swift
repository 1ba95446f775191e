import Foundation

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
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", year, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), microseconds)
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
