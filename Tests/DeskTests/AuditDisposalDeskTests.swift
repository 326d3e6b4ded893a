import CaseStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workbench
@testable import Desk

/// Shelf audits and disposal on the desk (docs/DESK.md, "Shelf audit", "Disposal and return").
@Suite struct AuditDisposalDeskTests {
    /// SHELF-A should hold PH-1 and PH-2; the clerk finds PH-1 and PH-3 (kept on SHELF-B) and
    /// scans a code no item has: PH-2 missing, PH-3 unexpected, the code unknown.
    @Test func anAuditWithOneMissingAndOneUnexpectedItem() async throws {
        let c = try shelfCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            let token = try await browser.signIn(client, as: "clerk")
            let started = try await browser.post(client, "/audits", ["csrf": token, "location": "SHELF-A"])
            #expect(started.status == .seeOther)
            let auditPage = try #require(started.headers[.location])
            let id = try #require(Int64(auditPage.dropFirst("/audits/".count)))

            let found = try await browser.post(client, auditPage + "/scan", ["csrf": token, "code": "PH-1\n"])
            #expect(found.status == .seeOther)
            let unexpected = try await browser.api(client, .post, "/api/v1/audits/\(id)/scan", json: #"{"code": "PH-3"}"#, csrf: token)
            #expect(unexpected.status == .ok)
            let scan = try object(unexpected)
            #expect(scan["schema"] as? String == "custody.audit.scan/1" && scan["status"] as? String == "unexpected")
            #expect(scan["expectedAt"] as? String == "SHELF-B")
            _ = try await browser.api(client, .post, "/api/v1/audits/\(id)/scan", json: #"{"code": "??-7"}"#, csrf: token)

            let open = String(buffer: try await client.execute(uri: auditPage, method: .get, headers: browser.headers).body)
            #expect(open.contains(#"<li class="scan-warning"><strong>PH-3</strong> Không thuộc chỗ này: được cất tại SHELF-B</li>"#))
            #expect(open.contains(#"<li class="scan-accepted"><strong>PH-1</strong>"#) && open.contains(#"<li class="scan-refused"><strong>??-7</strong>"#))

            let finished = try await browser.post(client, auditPage + "/finish", ["csrf": token])
            #expect(finished.status == .seeOther)
            let result = try object(try await browser.api(client, .get, "/api/v1/audits/\(id)"))
            #expect(result["schema"] as? String == "custody.audit/1" && result["finished"] as? Bool == true)
            let sets = try #require(result["result"] as? [String: Any])
            #expect(sets["found"] as? [String] == ["PH-1"] && sets["missing"] as? [String] == ["PH-2"] && sets["unknown"] as? [String] == ["??-7"])
            #expect((sets["unexpected"] as? [[String: Any]])?.map { $0["item"] as? String } == ["PH-3"])

            let page = String(buffer: try await client.execute(uri: auditPage, method: .get, headers: browser.headers).body)
            #expect(page.contains("Thiếu (1)") && page.contains("Không đúng chỗ (1)") && page.contains(#"action="/audits/\#(id)/report""#))
            let report = try await browser.post(client, auditPage + "/report", ["csrf": token])
            #expect(report.status == .ok && report.headers[.contentType] == "application/pdf")
            let again = try await browser.api(client, .post, "/api/v1/audits/\(id)/scan", json: #"{"code": "PH-2"}"#, csrf: token)
            #expect(again.status == .badRequest, "a finished audit takes no scan")
            #expect(try object(again)["error"] != nil)
        }
    }

    /// The clerk requests; the supervisor who requested another item may not approve their own
    /// request (the refusal is shown); another supervisor approves; the execution names witnesses.
    @Test func disposalFollowsTheTwoPersonRule() async throws {
        let c = try shelfCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var clerk = Browser(), sup = Browser(), sup2 = Browser()
            let clerkToken = try await clerk.signIn(client, as: "clerk"), supToken = try await sup.signIn(client, as: "sup"),
                sup2Token = try await sup2.signIn(client, as: "sup2")

            let requested = try await clerk.post(client, "/disposals", ["csrf": clerkToken, "label": "PH-1", "method": "destroy", "reason": "hết thời hạn"])
            #expect(requested.status == .seeOther)
            let requestPage = try #require(requested.headers[.location])
            let byClerk = try await clerk.post(client, requestPage + "/approve", ["csrf": clerkToken])
            #expect(byClerk.status == .forbidden, "a clerk may not approve")

            let own = try await sup.api(client, .post, "/api/v1/disposals",
                                        json: #"{"label": "PH-2", "method": "return", "to": "Nguyễn Văn Bình", "reason": "trả chủ sở hữu"}"#, csrf: supToken)
            #expect(own.status == .created)
            let ownID = try #require(try object(own)["id"] as? Int)
            let selfApproved = try await sup.post(client, "/disposals/\(ownID)/approve", ["csrf": supToken])
            #expect(selfApproved.status == .badRequest)
            let refusal = String(buffer: selfApproved.body)
            #expect(refusal.contains("scan-refused") && refusal.contains("sup"), "the two-person refusal is shown on the page")

            let approved = try await sup2.post(client, requestPage + "/approve", ["csrf": sup2Token])
            #expect(approved.status == .seeOther)
            let executed = try await clerk.post(client, requestPage + "/execute",
                                                ["csrf": clerkToken, "witnesses": "Phạm Văn Cường, PC02\nHoàng Thị Dung, VKS"])
            #expect(executed.status == .seeOther)
            let id = try #require(Int(requestPage.dropFirst("/disposals/".count)))
            let shown = try object(try await clerk.api(client, .get, "/api/v1/disposals/\(id)"))
            #expect(shown["schema"] as? String == "custody.disposal/1" && shown["state"] as? String == "executed" && shown["approvedBy"] as? String == "sup2")
            let record = try await clerk.post(client, requestPage + "/record", ["csrf": clerkToken])
            #expect(record.status == .ok && String(buffer: record.body).hasPrefix("%PDF-"))

            let list = try object(try await clerk.api(client, .get, "/api/v1/disposals?state=executed"))
            #expect((list["disposals"] as? [[String: Any]])?.map { $0["item"] as? String } == ["PH-1"])
            let dashboard = try object(try await clerk.api(client, .get, "/api/v1/dashboard"))
            #expect((dashboard["totals"] as? [String: Int])?["disposed"] == 1, "the disposed phone leaves the active counts")
        }
    }
}
