import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Turns the router into the responder a Hummingbird child channel calls for each request:
/// what `Hummingbird.Application` does, needed because ``SharedPortListener`` replaces the
/// application's server.
struct HTTPResponderAdapter: Sendable {
    let responder: RouterResponder<BasicRequestContext>
    let serverName: String
    let logger: Logger

    init(router: Router<BasicRequestContext>, serverName: String, logger: Logger) {
        self.responder = router.buildResponder()
        self.serverName = serverName
        self.logger = logger
    }

    @Sendable
    func respond(to request: Request, writer: consuming ResponseWriter, channel: any Channel) async throws {
        let context = BasicRequestContext(source: .init(channel: channel, logger: logger))
        var response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch let error as HTTPParserError {
            throw error
        } catch {
            // The error middleware already answers every error it knows; anything else is a bug.
            logger.error("Unhandled error answering \(request.uri): \(error)")
            response = Response(status: .internalServerError)
        }
        response.headers[.server] = serverName
        do {
            try await writer.write(response: response.head, body: response.body)
        } catch is HTTPParserError {
            // Rethrowing a parser error would make the channel answer a second time: close instead.
            throw ResponseAlreadyStarted()
        }
    }

    /// The request turned out malformed while its response was being written.
    struct ResponseAlreadyStarted: Error {}
}
