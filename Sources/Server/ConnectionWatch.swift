import EnvProtocol
import NIOCore

/// Ties a session's work to its TCP connection, so a client that vanishes or stops reading
/// cannot hold a capacity slot for longer than the server chooses.
///
/// - A client that resets its connection mid-step (or whose connection is otherwise closed)
///   cancels the step at once instead of after its `wait_seconds` (PROTOCOL.md §5 case 47).
/// - A reply the client does not read within ``ServerConfiguration/replyWriteTimeout`` closes
///   the connection. Replies already wait for the socket (the outbound writer suspends while
///   the channel is not writable), so a non-reading client costs at most the socket buffers;
///   the deadline makes sure it does not also keep its slot forever.
struct ConnectionWatch: Sendable {
    let channel: any Channel

    /// Runs `body` in a task that is cancelled when the connection closes.
    func cancellingOnClose<Result: Sendable>(
        _ body: sending @escaping @isolated(any) () async -> Result
    ) async -> Result {
        let work = Task(operation: body)
        channel.closeFuture.whenComplete { _ in work.cancel() }
        return await withTaskCancellationHandler {
            await work.value
        } onCancel: {
            work.cancel()
        }
    }

    /// Runs `write`, closing the connection if it has not completed within `limit`.
    func withDeadline<Result>(_ limit: Duration, _ write: () async throws -> Result) async throws -> Result {
        let channel = self.channel
        let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(limit.nanoseconds)) {
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        return try await write()
    }
}
