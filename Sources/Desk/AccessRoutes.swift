import CaseStore
import Foundation
import Hummingbird
import Wording
import Workbench

// Signing in and out, and the language switch (docs/DESK.md, "Access", "Sessions").
extension Desk {
    func addAccessRoutes(_ routes: DeskRoutes) {
        routes.open(.get, "/login") { [self] request, context in
            if context.signedIn != nil { return context.redirect(to: "/") }
            return loginPage(context, status: .ok)
        }
        routes.open(.post, "/login") { [self] request, context in
            var request = request, context = context
            guard let anonymous = context.session, context.signedIn == nil else { return context.redirect(to: "/") }
            try await DeskRoutes.readForm(&request, &context)
            let examiner = context.form["examiner"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let password = context.form["password"] ?? ""
            let store = self.store
            let result = try await blocking { try ExaminerAccess.authenticate(examiner: examiner, password: password, store: store) }
            switch result {
            case .refused:
                return loginPage(context, status: .unauthorized, problem: "desk.login.refused")
            case .refusedAndLocked:
                sessions.endAll(examiner: examiner)
                return loginPage(context, status: .unauthorized, problem: "desk.login.refused")
            case .locked:
                return loginPage(context, status: .forbidden, problem: "desk.login.locked")
            case .accepted(let record, let chosen):
                // A new session, never the one the login form came with (session fixation).
                sessions.end(anonymous.id)
                let session = sessions.start(user: DeskUser(record, language: chosen.flatMap(Language.init(rawValue:)) ?? caseLanguage))
                var response = context.redirect(to: "/")
                response.setCookie(sessionCookie(session.id))
                return response
            }
        }
        routes.form(.post, "/logout", needs: .read) { [self] request, context in
            if let session = context.session { sessions.end(session.id) }
            var response = context.redirect(to: "/login")
            response.setCookie(sessionCookie("", expired: true))
            return response
        }
        routes.form(.post, "/language", needs: .read) { [self] request, context in
            guard let language = context.form["language"].flatMap(Language.init(rawValue:)) else {
                throw DeskFailure(.badRequest, "language \(context.form["language"] ?? "") is none of \(Language.availableText): choose one of the switch")
            }
            let store = self.store, examiner = context.user.id
            try await blocking { try inCase { () throws(CaseStoreError) in try store.setDeskLanguage(language.rawValue, examiner: examiner) } }
            sessions.setLanguage(language, session: context.session!.id)
            return context.redirect(to: Self.localPath(context.form["back"]) ?? "/")
        }
    }

    /// The login page, with an anonymous session (and its cookie) for the form's CSRF token
    /// when the browser has none yet.
    func loginPage(_ context: DeskContext, status: HTTPResponse.Status, problem: String? = nil) -> Response {
        var context = context
        var started: DeskSession?
        if context.session == nil {
            started = sessions.start()
            context.session = started
        }
        let catalog = Catalog.of(caseLanguage)
        var response = context.page("login", title: "desk.login.title", ["problem": problem.map { catalog.text($0) } ?? ""], status: status)
        if let started { response.setCookie(sessionCookie(started.id)) }
        return response
    }

    /// The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure under TLS; `expired`
    /// clears it.
    func sessionCookie(_ id: String, expired: Bool = false) -> Cookie {
        Cookie(name: DeskMiddleware.cookieName, value: id, maxAge: expired ? 0 : nil, path: "/",
               secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// `path` when it is a path of this desk (`/…`, not `//host`), else nil: where a form may
    /// send the browser back to.
    static func localPath(_ path: String?) -> String? {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else { return nil }
        return path
    }
}
