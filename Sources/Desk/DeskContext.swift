import CaseStore
import Foundation
import Hummingbird
import Wording
import Workbench

/// The examiner signed in to the desk (by session or token) for one request.
public struct DeskUser: Sendable, Equatable {
    public var id: String
    public var name: String
    public var role: ExaminerRole
    /// The language of the pages this examiner reads: their choice, else the case's.
    public var language: Language

    public func may(_ permission: Permission) -> Bool { role.may(permission) }
}

/// The desk's request context: the desk itself, the session (nil before the session middleware
/// ran or when the request carries none) and the examiner the request acts for.
public struct DeskContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the desk's first middleware on every request.
    public internal(set) var desk: Desk!
    /// The browser's session, anonymous (only a CSRF token, for the login form) or signed in.
    public internal(set) var session: DeskSession?
    /// The examiner the request acts for: a signed-in session's, or a Bearer token's on the API.
    /// A route registered through `DeskRoutes` runs only when it is set: read `user` there.
    public internal(set) var signedIn: DeskUser?
    /// The fields of a form route's URL-encoded body, read (and its CSRF token checked) before
    /// the handler runs.
    public internal(set) var form: [String: String] = [:]
    /// The request's path (the language switch sends the browser back to it).
    public internal(set) var path = "/"

    public init(source: Source) { coreContext = .init(source: source) }

    /// The signed-in examiner; inside a `DeskRoutes` handler it is always set.
    public var user: DeskUser { signedIn! }

    /// The session's CSRF token, for the hidden field of every form.
    public var csrfToken: String { session?.csrfToken ?? "" }

    /// The case the desk serves.
    public var store: CaseStore { desk.store }

    /// `name`.mustache rendered through the layout, in the user's language (see `DeskPages`).
    public func page(_ name: String, title: String, _ view: [String: Any] = [:], status: HTTPResponse.Status = .ok) -> Response {
        desk.pages.response(name, title: title, view: view, context: self, status: status)
    }

    /// 303 See Other to `path` (after a form's POST, so that a reload does not post again).
    public func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }

    /// `value` as the API's JSON body (the same encoding as the CLI's --json).
    public func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try encodeJSON(value))))
    }

    /// Runs `body` (case store calls, bcrypt) off the server's event loops, on NIO's thread
    /// pool: the store's calls block.
    public func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await desk.blocking(body)
    }
}
