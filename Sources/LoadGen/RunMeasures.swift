package import BenchResults
import Foundation
package import NIOCore
import Synchronization

/// The run's ``LoadMeasures``, recorded by its sessions on any event loop. Times are NIO's
/// monotonic time, counted from the run's start.
package final class RunMeasures: Sendable {
    let origin: NIODeadline
    private let measures: Mutex<LoadMeasures>

    package init(origin: NIODeadline, window: Double) {
        self.origin = origin
        measures = Mutex(LoadMeasures(window: window, startTime: Date().timeIntervalSince1970))
    }

    package var snapshot: LoadMeasures { measures.withLock { $0 } }

    /// Records what one event of a session changed.
    func record(_ body: (inout LoadMeasures, _ offset: Double) -> Void, at now: NIODeadline) {
        let offset = LoadSessionStateMachine.seconds(now - origin)
        measures.withLock { body(&$0, offset) }
    }
}
