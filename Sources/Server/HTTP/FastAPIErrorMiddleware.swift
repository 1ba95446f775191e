import EnvProtocol
import Hummingbird
import Logging

/// Answers errors with the bodies FastAPI (and so the Python reference) uses:
/// `422 {"detail": [issues]}` for validation, `{"detail": "Not Found"}` and friends otherwise.
///
/// Added before any route, so it also wraps the router's not-found answer.
struct FastAPIErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let failure as ValidationFailure {
            return JSONResponse.make(.unprocessableContent, ["detail": failure.issues])
        } catch let error as any HTTPResponseError {
            let detail: String =
                switch error.status {
                case .notFound: "Not Found"
                case .methodNotAllowed: "Method Not Allowed"
                case .contentTooLarge: "Request body too large"
                default: error.status.reasonPhrase
                }
            return JSONResponse.make(error.status, ["detail": detail])
        } catch {
            context.logger.error("request failed: \(error)")
            return JSONResponse.make(.internalServerError, ["detail": "Internal Server Error: \(error)"])
        }
    }
}
