import Foundation
import Hummingbird
import HTTPTypes
import Wording
import Workbench

/// The desk's first middleware, on every request: gives the context the desk and the
/// session of the request's cookie; turns a refusal into the error page (or the API's JSON);
/// and puts the security headers on every response (docs/DESK.md, "Headers").
struct DeskMiddleware: RouterMiddleware {
    typealias Context = DeskContext
    let desk: Desk

    static let cookieName = "custody_session"

    /// No inline script or style, nothing from elsewhere, no framing, forms only to the desk.
    static let contentSecurityPolicy = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

    func handle(_ request: Request, context: DeskContext, next: (Request, DeskContext) async throws -> Response) async throws -> Response {
        var context = context
        context.desk = desk
        context.path = request.uri.path
        if let id = request.cookies[Self.cookieName]?.value, let session = desk.sessions.session(id) {
            context.session = session
            context.signedIn = session.user
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = failureResponse(error, request: request, context: context)
        }
        Self.secure(&response.headers)
        return response
    }

    static func secure(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "same-origin"
        headers[.xFrameOptions] = "DENY"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }

    /// The error page, or for /api/ the JSON `{"error": "…"}`, with the failure's status.
    func failureResponse(_ error: any Error, request: Request, context: DeskContext) -> Response {
        let (status, message): (HTTPResponse.Status, String?) = switch error {
        case let failure as DeskFailure: (failure.status, failure.message)
        case let failure as HTTPError: (failure.status, failure.body)
        default: WorkbenchError(error).map { (.badRequest, $0.message) } ?? (.internalServerError, nil)
        }
        if status == .internalServerError { context.logger.error("desk: \(request.method) \(request.uri.path) failed: \(error)") }
        if request.uri.path.hasPrefix("/api/") {
            let line = message ?? status.reasonPhrase
            var response = (try? context.json(["error": line], status: status)) ?? Response(status: status)
            if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
            return response
        }
        let catalog = Catalog.of(context.signedIn?.language ?? desk.caseLanguage)
        let view: [String: Any] = ["status": String(status.code), "reason": catalog.text(Self.reasonKey(status)), "message": message ?? ""]
        return context.page("error", title: Self.reasonKey(status), view, status: status)
    }

    /// The catalog key of a status's page title.
    static func reasonKey(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "desk.error.bad-request"
        case 401: "desk.error.unauthorized"
        case 403: "desk.error.forbidden"
        case 404: "desk.error.not-found"
        case 413: "desk.error.too-large"
        default: "desk.error.failed"
        }
    }
}
