import Foundation

/// Timestamps as the seed wrote them: `datetime.utcnow().isoformat() + "Z"`, i.e. UTC with
/// microseconds, e.g. `2026-01-13T12:23:22.123456Z`.
public enum Timestamp {
    public static func now() -> String {
        format(Date())
    }

    public static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let micros = Int(((interval - interval.rounded(.down)) * 1_000_000).rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }
}
