#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What this process has used (`getrusage(RUSAGE_SELF)`): CPU time and peak resident set. The
/// load generator records it around each run, so `--summary-json` carries its own cost and
/// scripts need not read `/proc` or parse the console.
public struct ProcessUsage: Sendable, Equatable {
    public var userSeconds: Double
    public var systemSeconds: Double
    /// The peak resident set so far, in KiB (`ru_maxrss`; Linux reports KiB).
    public var peakResidentKiB: Int

    public init(userSeconds: Double, systemSeconds: Double, peakResidentKiB: Int) {
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.peakResidentKiB = peakResidentKiB
    }

    /// This process's usage now.
    public static func current() -> ProcessUsage {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return ProcessUsage(
            userSeconds: seconds(usage.ru_utime),
            systemSeconds: seconds(usage.ru_stime),
            peakResidentKiB: Int(usage.ru_maxrss)
        )
    }

    public var cpuSeconds: Double { userSeconds + systemSeconds }

    /// The CPU used since `earlier`, with the peak resident set as of now (a peak cannot be
    /// split by run).
    public func since(_ earlier: ProcessUsage) -> ProcessUsage {
        ProcessUsage(
            userSeconds: userSeconds - earlier.userSeconds,
            systemSeconds: systemSeconds - earlier.systemSeconds,
            peakResidentKiB: peakResidentKiB
        )
    }
}
