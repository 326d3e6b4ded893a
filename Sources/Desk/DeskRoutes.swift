import Foundation
import Hummingbird
import HTTPTypes
import Workbench

/// The only way to add a route to the desk (docs/DESK.md, "Developers"): each helper takes the
/// permission the route needs, so no route exists without one, and records the route so that
/// the security tests reach every route there is.
///
///     routes.page(.get, "/items/{label}", needs: .read) { request, context in … }
///     routes.form(.post, "/items/{label}/move", needs: .custody) { request, context in … }
///     routes.api(.get, "/api/v1/items/{label}", needs: .read) { request, context in … }
///
/// `page`: a signed-in session is needed, else a redirect to /login; a role without the
/// permission gets the 403 page. `form`: as `page`, and the session's CSRF token must come
/// with the request (the form's hidden field `csrf`, or for a multipart upload the header
/// `X-CSRF-Token` or the query parameter `csrf`), else 403; URL-encoded fields are read into
/// `context.form`. `api`: the session or `Authorization: Bearer TOKEN`; 401 or 403 as JSON
/// `{"error": "one line"}`; a session's request that is not GET or HEAD carries the CSRF token
/// in `X-CSRF-Token`.
public final class DeskRoutes {
    public enum Kind: String, Sendable { case page, form, api, open }

    /// A route as registered: the security tests enumerate these.
    public struct Route: Sendable, Equatable {
        public var method: HTTPRequest.Method
        public var path: String
        /// nil for the open routes (the login page and form).
        public var permission: Permission?
        public var kind: Kind
    }

    public typealias Handler = @Sendable (Request, DeskContext) async throws -> Response

    let router: Router<DeskContext>
    public private(set) var routes: [Route] = []

    /// URL-encoded form bodies larger than this are refused (413).
    public static let formBodyLimit = 256 * 1024

    init(router: Router<DeskContext>) { self.router = router }

    public func page(_ method: HTTPRequest.Method, _ path: String, needs permission: Permission, _ handler: @escaping Handler) {
        add(method, path, permission, .page) { request, context in
            guard let user = context.signedIn, context.session != nil else { return context.redirect(to: "/login") }
            guard user.may(permission) else { throw DeskRoutes.forbidden(user, permission) }
            return try await handler(request, context)
        }
    }

    public func form(_ method: HTTPRequest.Method, _ path: String, needs permission: Permission, _ handler: @escaping Handler) {
        add(method, path, permission, .form) { request, context in
            guard let user = context.signedIn, context.session != nil else { return context.redirect(to: "/login") }
            guard user.may(permission) else { throw DeskRoutes.forbidden(user, permission) }
            var request = request, context = context
            try await DeskRoutes.readForm(&request, &context)
            return try await handler(request, context)
        }
    }

    public func api(_ method: HTTPRequest.Method, _ path: String, needs permission: Permission, _ handler: @escaping Handler) {
        add(method, path, permission, .api) { request, context in
            var context = context
            if let header = request.headers[.authorization] {
                guard header.hasPrefix("Bearer "),
                      let user = try await context.desk.user(token: String(header.dropFirst("Bearer ".count))) else {
                    throw DeskFailure(.unauthorized, "the Bearer token is not an active token of this case: issue one with `custody examiner token`")
                }
                context.signedIn = user
            } else {
                guard context.signedIn != nil, let session = context.session else {
                    throw DeskFailure(.unauthorized, "not signed in: send Authorization: Bearer TOKEN (custody examiner token) or sign in at /login")
                }
                if method != .get, method != .head, !DeskRoutes.same(request.headers[.csrfToken], session.csrfToken) {
                    throw DeskFailure(.forbidden, "the X-CSRF-Token header is missing or not this session's: send the token of the page, or use a Bearer token")
                }
            }
            guard context.user.may(permission) else { throw DeskRoutes.forbidden(context.user, permission) }
            return try await handler(request, context)
        }
    }

    /// A route anyone may use (the login page and form): the desk's own, never a page's.
    func open(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        add(method, path, nil, .open, handler)
    }

    private func add(_ method: HTTPRequest.Method, _ path: String, _ permission: Permission?, _ kind: Kind, _ responder: @escaping Handler) {
        precondition(!routes.contains { $0.method == method && $0.path == path }, "the desk registers \(method) \(path) twice")
        routes.append(Route(method: method, path: path, permission: permission, kind: kind))
        router.on(RouterPath(path), method: method) { request, context in try await responder(request, context) }
    }

    static func forbidden(_ user: DeskUser, _ permission: Permission) -> DeskFailure {
        DeskFailure(.forbidden, "examiner \(user.id) is a \(user.role.rawValue), who may not \(permission.rawValue): ask a supervisor")
    }

    /// Reads a URL-encoded body into `context.form` and checks the CSRF token: the field
    /// `csrf`, else the header `X-CSRF-Token`, else the query parameter `csrf` (multipart).
    static func readForm(_ request: inout Request, _ context: inout DeskContext) async throws {
        var token = request.headers[.csrfToken] ?? request.uri.queryParameters["csrf"].map(String.init)
        if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            let body = try await request.collectBody(upTo: formBodyLimit)
            context.form = try URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: body))
            token = context.form["csrf"] ?? token
        }
        guard let session = context.session, same(token, session.csrfToken) else {
            throw DeskFailure(.forbidden, "the form's security token is missing or stale: reload the page and send the form again")
        }
    }

    /// Compares a token in time independent of where the first difference is.
    static func same(_ given: String?, _ expected: String) -> Bool {
        guard let given else { return false }
        let a = Array(given.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}

/// A request the desk refuses: its status and one line saying what failed, why and what to do.
/// Pages show it through `error.mustache`, the API as `{"error": "…"}`.
public struct DeskFailure: Error, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public init(_ status: HTTPResponse.Status, _ message: String) { self.status = status; self.message = message }
}
