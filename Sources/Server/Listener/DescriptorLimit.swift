#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-descriptor limit (`RLIMIT_NOFILE`): every connection is one descriptor.
public enum DescriptorLimit {
    /// The soft limit in force; `nil` when unlimited or unknown.
    public static var current: Int? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur != unlimited else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// Raises the soft limit to the hard one, as Go's runtime does at start: the soft default
    /// (often 1,024) is far below what thousands of sessions need, on either end, and the hard
    /// limit is the operator's real bound. ``current`` tells what is in force afterwards.
    public static func raiseToHard() {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(resource, &limit)
    }

    /// `RLIM_INFINITY` (all ones), which Swift cannot import from its C cast.
    private static let unlimited = rlim_t.max
    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
