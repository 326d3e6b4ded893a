import CaseStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workbench
@testable import Desk

/// The examiners page (docs/DESK.md, "Examiners"): a supervisor unlocks, sets passwords,
/// issues and revokes tokens; the page and its API never show a hash.
@Suite struct ExaminerDeskTests {
    /// The clerk locks themself out; the supervisor sees it, unlocks, and the clerk signs in again.
    @Test func aSupervisorUnlocksALockedOutClerk() async throws {
        let c = try DeskCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            for _ in 0..<ExaminerAccess.lockoutFailures {
                var wrong = Browser()
                #expect(try await wrong.logIn(client, as: "clerk", password: "not the password at all").status == .unauthorized)
            }
            var locked = Browser()
            #expect(try await locked.logIn(client, as: "clerk").status == .forbidden, "locked out even with the right password")

            var sup = Browser()
            let token = try await sup.signIn(client, as: "sup")
            let page = String(buffer: try await client.execute(uri: "/examiners", method: .get, headers: sup.headers).body)
            #expect(page.contains(#"<form method="post" action="/examiners/clerk/unlock">"#))
            #expect(!page.contains(#"action="/examiners/tech/unlock""#), "only the locked examiner has the unlock form")
            #expect(!page.contains("$2b$"), "no bcrypt hash on the page")

            let roster = try object(try await sup.api(client, .get, "/api/v1/examiners"))
            #expect(roster["schema"] as? String == "custody.desk.examiners/1")
            let clerk = try #require((roster["examiners"] as? [[String: Any]])?.first { $0["id"] as? String == "clerk" })
            #expect(clerk["lockedAt"] is Int && clerk["passwordSetAt"] is Int)

            #expect(try await sup.post(client, "/examiners/clerk/unlock", ["csrf": token]).status == .seeOther)
            var again = Browser()
            #expect(try await again.logIn(client, as: "clerk").status == .seeOther, "signs in once unlocked")
            #expect(try c.store.access(examiner: "clerk")?.isLocked == false)
        }
    }

    /// A new password must be typed twice alike and be long enough; the clerk then signs in with it.
    @Test func aSupervisorSetsAPassword() async throws {
        let c = try DeskCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var sup = Browser()
            let token = try await sup.signIn(client, as: "sup")
            let differ = try await sup.post(client, "/examiners/tech/password", ["csrf": token, "password": "một mật khẩu dài", "confirm": "another long one"])
            #expect(differ.status == .badRequest && String(buffer: differ.body).contains("differ"))
            let short = try await sup.post(client, "/examiners/tech/password", ["csrf": token, "password": "short", "confirm": "short"])
            #expect(short.status == .badRequest && String(buffer: short.body).contains("at least \(ExaminerAccess.minimumPasswordLength)"))
            let set = try await sup.post(client, "/examiners/tech/password", ["csrf": token, "password": "một mật khẩu dài", "confirm": "một mật khẩu dài"])
            #expect(set.status == .seeOther)
            var tech = Browser()
            #expect(try await tech.logIn(client, as: "tech").status == .unauthorized, "the old password no longer works")
            #expect(try await tech.logIn(client, as: "tech", password: "một mật khẩu dài").status == .seeOther)
        }
    }

    /// The token is shown once on the page, works as a Bearer token, and stops working when revoked.
    @Test func aTokenIsShownOnceAndCanBeRevoked() async throws {
        let c = try DeskCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var sup = Browser()
            let csrf = try await sup.signIn(client, as: "sup")
            let issued = try await sup.post(client, "/examiners/clerk/token", ["csrf": csrf, "label": "máy quét"])
            #expect(issued.status == .ok)
            let page = String(buffer: issued.body)
            let text = try #require(page.range(of: #"<pre class="token-text">"#).map { String(page[$0.upperBound...].prefix { $0 != "<" }) })
            #expect(text.hasPrefix("custody_"))
            let record = try #require(try c.store.tokens(examiner: "clerk").first)
            #expect(record.label == "máy quét" && record.sha256 != text)

            let list = String(buffer: try await client.execute(uri: "/examiners", method: .get, headers: sup.headers).body)
            #expect(!list.contains(text), "the token is shown only when issued")
            #expect(list.contains(#"action="/examiners/clerk/tokens/\#(record.id)/revoke""#))

            let bearer: HTTPFields = [.authorization: "Bearer \(text)"]
            #expect(try await client.execute(uri: "/api/v1/search?q=PH", method: .get, headers: bearer).status == .ok)
            #expect(try await sup.post(client, "/examiners/clerk/tokens/\(record.id)/revoke", ["csrf": csrf]).status == .seeOther)
            #expect(try await client.execute(uri: "/api/v1/search?q=PH", method: .get, headers: bearer).status == .unauthorized)
        }
    }

    /// Only a supervisor manages examiners: a clerk gets 403 and no link to the page.
    @Test func aClerkMayNotManageExaminers() async throws {
        let c = try DeskCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var clerk = Browser()
            let csrf = try await clerk.signIn(client, as: "clerk")
            #expect(try await client.execute(uri: "/examiners", method: .get, headers: clerk.headers).status == .forbidden)
            #expect(try await clerk.post(client, "/examiners/sup/password", ["csrf": csrf, "password": "một mật khẩu dài", "confirm": "một mật khẩu dài"]).status == .forbidden)
            let home = String(buffer: try await client.execute(uri: "/", method: .get, headers: clerk.headers).body)
            #expect(!home.contains(#"href="/examiners""#))
        }
    }
}
