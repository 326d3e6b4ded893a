import CaseStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workbench
@testable import Desk

/// The JSON API (docs/DESK.md, "JSON API"): the CLI's documents, 401 without credentials, 403 for
/// a role that may not, 4xx with one line for bad input, a Bearer token instead of the session.
@Suite struct APIDeskTests {
    /// The API routes of this part with a body each takes, for the status checks.
    static let writes: [(String, String)] = [
        ("/api/v1/items/PH-1/checkout", #"{"to": "tech", "purpose": "exam"}"#), ("/api/v1/items/PH-1/checkin", "{}"),
        ("/api/v1/items/PH-1/move", #"{"location": "SHELF-B"}"#), ("/api/v1/batches", #"{"action": "checkin"}"#),
        ("/api/v1/audits", #"{"location": "SHELF-A"}"#), ("/api/v1/disposals", #"{"label": "PH-1", "method": "destroy", "reason": "r"}"#),
    ]

    @Test func readRoutesAnswerTheCLIsDocuments() async throws {
        let c = try shelfCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            _ = try await browser.logIn(client, as: "pros")
            for (uri, schema) in [("/api/v1/items/PH-1", "custody.device/1"), ("/api/v1/items/PH-1/history", "custody.history/1"),
                                  ("/api/v1/items/PH-1/custody", "custody.item-custody/1"), ("/api/v1/search?q=PH-", "custody.device.find/1"),
                                  ("/api/v1/dashboard", "custody.status/1"), ("/api/v1/audits", "custody.audits/1"),
                                  ("/api/v1/audits/overdue?days=30", "custody.audit.overdue/1"), ("/api/v1/disposals", "custody.disposals/1")] {
                let response = try await browser.api(client, .get, uri)
                #expect(response.status == .ok, "\(uri)")
                #expect(try object(response)["schema"] as? String == schema, "\(uri)")
            }
            let history = try object(try await browser.api(client, .get, "/api/v1/items/PH-1/history"))
            #expect((history["entries"] as? [[String: Any]])?.map { $0["action"] as? String } == ["device.add", "custody.move"])
            let search = try object(try await browser.api(client, .get, "/api/v1/search?q=PH-2"))
            #expect((search["matches"] as? [[String: Any]])?.first.flatMap { ($0["item"] as? [String: Any])?["label"] as? String } == "PH-2")

            let unknown = try await browser.api(client, .get, "/api/v1/items/NOPE")
            #expect(try unknown.status == .notFound && (object(unknown)["error"] as? String)?.contains("NOPE") == true)
            #expect(try await browser.api(client, .get, "/api/v1/search?q=").status == .badRequest)
            #expect(try await browser.api(client, .get, "/api/v1/audits/overdue?days=many").status == .badRequest)
            #expect(try await browser.api(client, .get, "/api/v1/disposals?state=lost").status == .badRequest)
            #expect(try await browser.api(client, .get, "/api/v1/audits/x").status == .notFound)

            for (uri, json) in Self.writes {
                let refused = try await browser.api(client, .post, uri, json: json, csrf: try await browser.csrfToken(client))
                #expect(refused.status == .forbidden, "a prosecutor may not \(uri)")
            }
            for (uri, json) in Self.writes {
                let anonymous = try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
                #expect(anonymous.status == .unauthorized, "\(uri) without credentials")
                #expect(try object(anonymous)["error"] is String)
            }
        }
    }

    /// Every route of the station, audit, disposal and API pages: without a session 401 or the
    /// login page, never data; for each role, 403 wherever its permissions fall short.
    @Test func everyRouteOfThesePagesIsGuarded() async throws {
        let c = try shelfCase()
        let (app, routes) = c.application()
        let ours = routes.routes.filter { ["/station", "/audits", "/disposals", "/api/v1/"].contains(where: $0.path.hasPrefix) }
        #expect(ours.count >= 40)
        try await app.test(.router) { client in
            for route in ours {
                let anonymous = try await client.execute(uri: DeskSecurityTests.uri(route), method: route.method)
                if route.kind == .api {
                    #expect(anonymous.status == .unauthorized, "\(route.method) \(route.path)")
                } else {
                    #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/login", "\(route.method) \(route.path)")
                }
            }
            for (role, id) in DeskCase.examiners {
                var browser = Browser()
                let token = try await browser.signIn(client, as: id)
                for route in ours where !role.may(route.permission!) {
                    var headers = browser.headers
                    headers[.contentType] = "application/x-www-form-urlencoded"
                    headers[.csrfToken] = token
                    let response = try await client.execute(uri: DeskSecurityTests.uri(route), method: route.method, headers: headers,
                                                            body: ByteBuffer(string: "csrf=\(token)"))
                    #expect(response.status == .forbidden, "\(role) \(route.method) \(route.path): \(response.status)")
                }
            }
        }
    }

    @Test func aBearerTokenChecksOutAndBadBodiesAreOneLine() async throws {
        let c = try shelfCase()
        let token = try ExaminerAccess.issueToken(examiner: "clerk", label: "script", by: "sup", store: c.store).token
        let (app, _) = c.application()
        try await app.test(.router) { client in
            func post(_ uri: String, _ json: String) async throws -> TestResponse {
                try await client.execute(uri: uri, method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                                         body: ByteBuffer(string: json))
            }
            let out = try await post("/api/v1/items/PH-1/checkout", #"{"to": "tech", "purpose": "trích xuất", "due": "2099-02-01"}"#)
            #expect(out.status == .ok, "no CSRF header needed with a Bearer token")
            let entry = try object(out)
            #expect(entry["schema"] as? String == "custody.ledger.entry/1" && entry["action"] as? String == "custody.checkout")
            #expect(entry["examiner"] as? String == "clerk")

            let twice = try await post("/api/v1/items/PH-1/checkout", #"{"to": "tech", "purpose": "again"}"#)
            #expect(twice.status == .badRequest)
            let reason = try #require(try object(twice)["error"] as? String)
            #expect(reason.contains("PH-1") && !reason.contains("\n"), "\(reason)")

            let malformed = try await post("/api/v1/items/PH-1/move", #"{"location": 7"#)
            #expect(try malformed.status == .badRequest && (object(malformed)["error"] as? String)?.contains(#"{"location": "LABEL"}"#) == true)
            #expect(try await post("/api/v1/items/PH-2/checkout", #"{"purpose": "no one"}"#).status == .badRequest)
            #expect(try await post("/api/v1/items/NOPE/checkin", "{}").status == .notFound)
            let back = try await post("/api/v1/items/PH-1/checkin", #"{"location": "SHELF-B"}"#)
            #expect(try back.status == .ok && (object(back)["action"] as? String) == "custody.checkin")
            #expect(try ShelfCustody.item("PH-1", in: c.store).location == "SHELF-B")
        }
    }
}
