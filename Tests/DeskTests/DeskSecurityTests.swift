import CaseStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing
import Workbench
@testable import Desk

/// The desk's security rules (docs/DESK.md): sessions, CSRF, roles, headers, lockout, tokens.
/// The route checks walk every route the desk registers, so routes added later are covered.
@Suite struct DeskSecurityTests {
    /// A probe route of each kind, so that the checks cover an API and a form route even
    /// before the pages add theirs.
    static func probes(_ routes: DeskRoutes) {
        routes.api(.get, "/api/v1/probe", needs: .read) { _, context in try context.json(["examiner": context.user.id]) }
        routes.api(.post, "/api/v1/probe-approve", needs: .approve) { _, context in try context.json(["examiner": context.user.id]) }
        routes.form(.post, "/probe-catalog", needs: .catalog) { _, context in context.redirect(to: "/") }
        routes.page(.get, "/probe-users", needs: .manageUsers) { _, context in context.page("home", title: "desk.home.title", [:]) }
    }

    /// A request to `route` with its `{parameters}` filled in.
    static func uri(_ route: DeskRoutes.Route) -> String {
        route.path.replacing(/\{[^}]+\}/, with: "x")
    }

    @Test func theLoginGivesANewSessionAndTheHomePageRendersThroughTheLayout() async throws {
        let c = try DeskCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            let anonymousPage = try await client.execute(uri: "/", method: .get)
            #expect(anonymousPage.status == .seeOther)
            #expect(anonymousPage.headers[.location] == "/login")
            let response = try await browser.logIn(client, as: "clerk")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"), "no TLS here")
            let home = try await client.execute(uri: "/", method: .get, headers: browser.headers)
            #expect(home.status == .ok)
            let html = String(buffer: home.body)
            #expect(html.contains("Examiner clerk (clerk)"))
            #expect(html.contains("<title>"))
            #expect(html.contains("Vụ &lt;script&gt;alert(1)&lt;/script&gt;"), "the case's name is escaped")
            #expect(!html.contains("<script>"))
            #expect(!html.contains("⟦"), "every word comes from the catalogs")
        }
    }

    /// Session fixation: the id the browser had before signing in is worth nothing after it.
    @Test func theSessionIdChangesAtLogin() async throws {
        let c = try DeskCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            let page = try await client.execute(uri: "/login", method: .get)
            browser.take(page)
            let planted = try #require(browser.session)
            let token = try #require(browser.csrfToken(in: String(buffer: page.body)))
            let login = try await browser.post(client, "/login", ["csrf": token, "examiner": "sup", "password": DeskCase.password])
            browser.take(login)
            let signedIn = try #require(browser.session)
            #expect(signedIn != planted)
            let withPlanted = try await client.execute(uri: "/", method: .get, headers: [.cookie: "custody_session=\(planted)"])
            #expect(withPlanted.status == .seeOther, "the planted id was ended at login")
            let withNew = try await client.execute(uri: "/", method: .get, headers: browser.headers)
            #expect(withNew.status == .ok)
        }
    }

    @Test func everyRouteWithoutASessionRedirectsToLoginOrAnswers401() async throws {
        let c = try DeskCase()
        let (app, routes) = c.application(addRoutes: Self.probes)
        let registered = routes.routes
        #expect(registered.contains { $0.kind == .api } && registered.contains { $0.kind == .form })
        try await app.test(.router) { client in
            for route in registered where route.kind != .open {
                let response = try await client.execute(uri: Self.uri(route), method: route.method,
                                                        headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "csrf=x"))
                let body = String(buffer: response.body)
                switch route.kind {
                case .api:
                    #expect(response.status == .unauthorized, "\(route.method) \(route.path)")
                    #expect(body.contains("\"error\""), "\(route.path): \(body)")
                default:
                    #expect(response.status == .seeOther && response.headers[.location] == "/login", "\(route.method) \(route.path): \(response.status)")
                    #expect(body.isEmpty, "\(route.path) sends no data without a session")
                }
                let bad = try await client.execute(uri: Self.uri(route), method: route.method, headers: [.authorization: "Bearer custody_nonsense"])
                #expect(bad.status == (route.kind == .api ? .unauthorized : .seeOther), "\(route.path) with a bad token")
            }
        }
    }

    /// Each role against each route whose permission it lacks: 403, whether the request is
    /// well formed or not.
    @Test func eachRoleIsRefusedWhatItsPermissionsDoNotCover() async throws {
        let c = try DeskCase()
        let (app, routes) = c.application(addRoutes: Self.probes)
        let registered = routes.routes
        try await app.test(.router) { client in
            for (role, id) in DeskCase.examiners {
                var browser = Browser()
                _ = try await browser.logIn(client, as: id)
                let token = try await browser.csrfToken(client)
                var refused = 0
                for route in registered where route.kind != .open {
                    guard let permission = route.permission, !role.may(permission) else { continue }
                    var headers = browser.headers
                    headers[.contentType] = "application/x-www-form-urlencoded"
                    headers[.csrfToken] = token
                    let response = try await client.execute(uri: Self.uri(route), method: route.method, headers: headers,
                                                            body: ByteBuffer(string: "csrf=\(token)"))
                    #expect(response.status == .forbidden, "\(role) \(route.method) \(route.path): \(response.status)")
                    refused += 1
                }
                #expect((refused > 0) == (role != .supervisor), "\(role) was refused \(refused) routes")
            }
        }
    }

    @Test func theRolesHoldTheDocumentedPermissions() {
        #expect(ExaminerRole.prosecutor.permissions == [.read, .download])
        #expect(ExaminerRole.clerk.permissions == [.read, .download, .catalog, .custody])
        #expect(ExaminerRole.technician.permissions == [.read, .download, .catalog, .custody, .readCards])
        #expect(ExaminerRole.supervisor.permissions == Set(Permission.allCases))
    }

    @Test func aPostWithoutOrWithAWrongCSRFTokenIsRefused() async throws {
        let c = try DeskCase()
        let (app, _) = c.application(addRoutes: Self.probes)
        try await app.test(.router) { client in
            var browser = Browser()
            let token = try await browser.signIn(client, as: "sup")
            for fields in [[:], ["csrf": "wrong"], ["csrf": (token.first == "B" ? "C" : "B") + token.dropFirst()]] {
                let response = try await browser.post(client, "/probe-catalog", fields)
                #expect(response.status == .forbidden, "\(fields)")
                #expect(String(buffer: response.body).contains("security token"))
            }
            let fine = try await browser.post(client, "/probe-catalog", ["csrf": token])
            #expect(fine.status == .seeOther)
            // The API with the session cookie needs the token in X-CSRF-Token for a POST.
            let withoutHeader = try await client.execute(uri: "/api/v1/probe-approve", method: .post, headers: browser.headers)
            #expect(withoutHeader.status == .forbidden)
            var headers = browser.headers
            headers[.csrfToken] = token
            let withHeader = try await client.execute(uri: "/api/v1/probe-approve", method: .post, headers: headers)
            #expect(withHeader.status == .ok)
            // A login form without its token is refused too.
            let anonymous = try await Browser().post(client, "/login", ["examiner": "sup", "password": DeskCase.password])
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/", "no session, no login")
            var fresh = Browser()
            fresh.take(try await client.execute(uri: "/login", method: .get))
            let noToken = try await fresh.post(client, "/login", ["examiner": "sup", "password": DeskCase.password])
            #expect(noToken.status == .forbidden)
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        let c = try DeskCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            for uri in ["/login", "/", "/static/style.css", "/no-such-page"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.headers[.contentSecurityPolicy] == DeskMiddleware.contentSecurityPolicy, "\(uri)")
                #expect(response.headers[.contentSecurityPolicy]?.contains("unsafe-inline") == false)
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
                #expect(response.headers[.referrerPolicy] == "same-origin", "\(uri)")
            }
            let css = try await client.execute(uri: "/static/style.css", method: .get)
            #expect(css.status == .ok)
            #expect(String(buffer: css.body).contains("desk-header"))
            let traversal = try await client.execute(uri: "/static/../login.mustache", method: .get)
            #expect(!String(buffer: traversal.body).contains("{{"), "templates are not served")
        }
    }

    @Test func aWrongPasswordIsRefusedAndFiveWithinTheWindowLockTheExaminerOut() async throws {
        let c = try DeskCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var signedIn = Browser()
            _ = try await signedIn.logIn(client, as: "clerk")
            let before = try await client.execute(uri: "/", method: .get, headers: signedIn.headers)
            #expect(before.status == .ok)
            for attempt in 1...ExaminerAccess.lockoutFailures {
                var browser = Browser()
                let response = try await browser.logIn(client, as: "clerk", password: "wrong password \(attempt)")
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("Sai mã cán bộ hoặc mật khẩu"), "the case's language, Vietnamese")
            }
            let ended = try await client.execute(uri: "/", method: .get, headers: signedIn.headers)
            #expect(ended.status == .seeOther, "the lockout ended the examiner's sessions")
            var browser = Browser()
            let locked = try await browser.logIn(client, as: "clerk")
            #expect(locked.status == .forbidden, "the right password no longer signs in")
            #expect(String(buffer: locked.body).contains("custody examiner unlock"))
            var stranger = Browser()
            let unknown = try await stranger.logIn(client, as: "nobody")
            #expect(unknown.status == .unauthorized)
        }
        let lock = try #require(try c.store.entries().last { $0.entry.action == .examinerLock })
        #expect(lock.entry.examiner == "clerk")
        #expect(lock.entry.payload["failures"] == .integer(Int64(ExaminerAccess.lockoutFailures)))
        #expect(try c.store.access(examiner: "clerk")?.isLocked == true)
        try c.store.unlockExaminer("clerk", by: "sup")
        let (app2, _) = c.application()
        try await app2.test(.router) { client in
            var browser = Browser()
            let again = try await browser.logIn(client, as: "clerk")
            #expect(again.status == .seeOther)
        }
        #expect(try c.store.verify().isValid)
    }

    /// A login for an unknown examiner runs bcrypt as a known one's does: the two take the same
    /// order of time (bcrypt's quarter second dwarfs the rest, so a path without it would be
    /// far faster).
    @Test func theLoginTakesAsLongForAnUnknownExaminer() throws {
        let c = try DeskCase()
        func median(_ examiner: String) throws -> Double {
            var times = [Double]()
            for _ in 0..<3 {
                let start = Date()
                #expect(try ExaminerAccess.authenticate(examiner: examiner, password: "not the password", store: c.store) == .refused)
                times.append(Date().timeIntervalSince(start))
            }
            return times.sorted()[1]
        }
        let known = try median("tech"), unknown = try median("nobody-here")
        #expect(unknown > known / 3 && unknown < known * 3, "known \(known) s, unknown \(unknown) s")
        #expect(unknown > 0.02, "the unknown path runs bcrypt at cost \(ExaminerAccess.bcryptCost)")
    }

    @Test func theAPIAcceptsAnActiveTokenOnly() async throws {
        let c = try DeskCase()
        let issued = try ExaminerAccess.issueToken(examiner: "pros", label: "script", by: "sup", store: c.store)
        #expect(try c.store.tokens(examiner: "pros").map(\.sha256) == [issued.record.sha256])
        #expect(issued.record.sha256 != issued.token && issued.record.sha256.count == 64)
        let (app, _) = c.application(addRoutes: Self.probes)
        try await app.test(.router) { client in
            let fine = try await client.execute(uri: "/api/v1/probe", method: .get, headers: [.authorization: "Bearer \(issued.token)"])
            #expect(fine.status == .ok)
            #expect(String(buffer: fine.body).contains("\"pros\""))
            let forbidden = try await client.execute(uri: "/api/v1/probe-approve", method: .post, headers: [.authorization: "Bearer \(issued.token)"])
            #expect(forbidden.status == .forbidden)
            #expect(String(buffer: forbidden.body).contains("prosecutor"))
            try c.store.revokeToken(id: issued.record.id, by: "pros")
            let revoked = try await client.execute(uri: "/api/v1/probe", method: .get, headers: [.authorization: "Bearer \(issued.token)"])
            #expect(revoked.status == .unauthorized)
            #expect(revoked.headers[.wwwAuthenticate] == "Bearer")
        }
    }

    @Test func theLanguageSwitchIsKeptForTheExaminer() async throws {
        let c = try DeskCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            _ = try await browser.logIn(client, as: "tech")
            let vietnamese = try await client.execute(uri: "/", method: .get, headers: browser.headers)
            #expect(String(buffer: vietnamese.body).contains("Đăng xuất"))
            let token = try await browser.csrfToken(client)
            let switched = try await browser.post(client, "/language", ["csrf": token, "language": "en", "back": "/"])
            #expect(switched.status == .seeOther)
            let english = try await client.execute(uri: "/", method: .get, headers: browser.headers)
            #expect(String(buffer: english.body).contains("Sign out"))
            var again = Browser()
            _ = try await again.logIn(client, as: "tech")
            let later = try await client.execute(uri: "/", method: .get, headers: again.headers)
            #expect(String(buffer: later.body).contains("Sign out"), "the choice is stored for the examiner")
        }
        #expect(try c.store.access(examiner: "tech")?.language == "en")
    }

    @Test func logoutEndsTheSession() async throws {
        let c = try DeskCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            _ = try await browser.logIn(client, as: "pros")
            let old = browser.headers
            let token = try await browser.csrfToken(client)
            let out = try await browser.post(client, "/logout", ["csrf": token])
            #expect(out.status == .seeOther && out.headers[.location] == "/login")
            let after = try await client.execute(uri: "/", method: .get, headers: old)
            #expect(after.status == .seeOther)
        }
    }

    /// The language switch sends the browser back to a path of the desk only, never elsewhere.
    @Test(arguments: [("/", "/"), ("/items/SIM-1?tab=history", "/items/SIM-1?tab=history"), ("//evil.example/", "/"),
                      ("https://evil.example/", "/"), ("/\\evil.example", "/"), ("", "/")])
    func theLanguageSwitchSendsBackToTheDeskOnly(back: String, location: String) async throws {
        let c = try DeskCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            let token = try await browser.signIn(client, as: "pros")
            let switched = try await browser.post(client, "/language", ["csrf": token, "language": "vi", "back": back])
            #expect(switched.status == .seeOther)
            #expect(switched.headers[.location] == location)
        }
    }

    @Test func aFloodOfSessionsKeepsTheMostRecent() {
        let sessions = DeskSessions()
        let start = Date()
        let first = sessions.start(now: start)
        let second = sessions.start(now: start.addingTimeInterval(1))
        for i in 0..<(DeskSessions.capacity - 1) { _ = sessions.start(now: start.addingTimeInterval(2 + Double(i) / 1000)) }
        #expect(sessions.session(first.id, now: start.addingTimeInterval(30)) == nil, "the least recently used went first")
        #expect(sessions.session(second.id, now: start.addingTimeInterval(30)) != nil)
    }

    @Test func sessionsEndAfterTheIdleTimeout() {
        let sessions = DeskSessions(idleTimeout: 60)
        let start = Date()
        let session = sessions.start(now: start)
        #expect(session.id.count == 43, "256 bits, base64url")
        #expect(sessions.session(session.id, now: start.addingTimeInterval(59)) != nil)
        #expect(sessions.session(session.id, now: start.addingTimeInterval(59 + 61)) == nil)
    }
}
