import CaseStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workbench
@testable import Desk

/// The scan station (docs/DESK.md, "Scan station"): single mode, the bulk batch through the
/// plain forms (no script) and through the API its script uses, and the batch's receipt.
@Suite struct StationDeskTests {
    @Test func aBulkCheckOutOfThreeItemsRefusesTheUnknownCodeAndPrintsOneReceipt() async throws {
        let c = try shelfCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            let token = try await browser.signIn(client, as: "clerk")
            let started = try await browser.post(client, "/station/batches",
                                                 ["csrf": token, "action": "checkout", "to": "tech", "purpose": "trích xuất", "due": "2099-01-10"])
            #expect(started.status == .seeOther)
            let batchPage = try #require(started.headers[.location])
            #expect(batchPage.hasPrefix("/station/batches/"))
            for code in ["PH-1", " PH-2\r\n", "NO-SUCH-ITEM", "PH-3"] {
                let scanned = try await browser.post(client, batchPage + "/scan", ["csrf": token, "code": code])
                #expect(scanned.status == .seeOther && scanned.headers[.location] == batchPage, "\(code): \(scanned.status)")
            }
            let page = String(buffer: try await client.execute(uri: batchPage, method: .get, headers: browser.headers).body)
            #expect(page.contains("Giao cho tech để trích xuất, hạn trả 2099-01-10"), "the case language's words")
            #expect(page.components(separatedBy: #"<li class="scan-accepted">"#).count == 4, "three accepted rows")
            #expect(page.contains(#"<li class="scan-refused"><strong>NO-SUCH-ITEM</strong>"#))
            #expect(page.contains(#"<p id="batch-scans-status" class="scan-status scan-accepted" role="status"><strong>PH-3</strong>"#), "the newest scan leads")
            #expect(page.contains(#"<script src="/static/scan.js" defer></script>"#) && !page.contains("⟦"))

            for label in ["PH-1", "PH-2", "PH-3"] {
                #expect(try ShelfCustody.item(label, in: c.store).checkedOut?.holder == "tech", "\(label) is out to tech")
            }
            let receipt = try await browser.post(client, batchPage + "/receipt", ["csrf": token])
            #expect(receipt.status == .ok && receipt.headers[.contentType] == "application/pdf")
            #expect(String(buffer: receipt.body).hasPrefix("%PDF-"))
            let printed = try #require(try c.store.history("PH-1").last).entry
            guard case .array(let listed)? = printed.payload["entries"] else { Issue.record("the receipt's entry lists no entries"); return }
            #expect(printed.action == .formPrint && listed.count == 3, "one receipt lists the three check-outs")
        }
    }

    @Test func theBatchAPIConfirmsOrRefusesEachScanAtOnce() async throws {
        let c = try shelfCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            let token = try await browser.signIn(client, as: "clerk")
            let started = try await browser.api(client, .post, "/api/v1/batches", json: #"{"action": "move", "location": "SHELF-B"}"#, csrf: token)
            #expect(started.status == .created)
            let batch = try object(started)
            #expect(batch["schema"] as? String == "custody.desk.batch/1")
            let id = try #require(batch["id"] as? String)
            #expect((batch["batch"] as? [String: Any])?["schema"] as? String == "custody.bulk/1")

            let moved = try await browser.api(client, .post, "/api/v1/batches/\(id)/scan", json: #"{"code": "PH-1"}"#, csrf: token)
            #expect(moved.status == .ok)
            #expect(try (object(moved)["entry"] as? [String: Any])?["action"] as? String == "custody.move")
            let unknown = try await browser.api(client, .post, "/api/v1/batches/\(id)/scan", json: #"{"code": "ZZ-9"}"#, csrf: token)
            #expect(unknown.status == .unprocessableContent)
            let reason = try #require(try object(unknown)["error"] as? String)
            #expect(reason.contains("ZZ-9") && !reason.contains("\n"))
            let withoutToken = try await browser.api(client, .post, "/api/v1/batches/\(id)/scan", json: #"{"code": "PH-2"}"#)
            #expect(withoutToken.status == .forbidden, "a session's API post needs X-CSRF-Token")
            let shown = try object(try await browser.api(client, .get, "/api/v1/batches/\(id)"))
            let lines = try #require((shown["batch"] as? [String: Any])?["lines"] as? [[String: Any]])
            #expect(lines.map { $0["label"] as? String } == ["PH-1", "ZZ-9"])

            var other = Browser()
            _ = try await other.logIn(client, as: "tech")
            let foreign = try await other.api(client, .get, "/api/v1/batches/\(id)")
            #expect(foreign.status == .notFound, "a batch belongs to the examiner who started it")
            #expect(try ShelfCustody.item("PH-1", in: c.store).location == "SHELF-B")
        }
    }

    @Test func singleModeShowsTheScannedItemAndRecordsTheChosenAction() async throws {
        let c = try shelfCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            let token = try await browser.signIn(client, as: "clerk")
            let shown = String(buffer: try await client.execute(uri: "/station?code=PH-2", method: .get, headers: browser.headers).body)
            #expect(shown.contains("ROOM-1 ▸ SHELF-A") && shown.contains(#"action="/station/items/PH-2/move""#))
            let moved = try await browser.post(client, "/station/items/PH-2/move", ["csrf": token, "location": "SHELF-B"])
            #expect(moved.status == .seeOther)
            let location = try #require(moved.headers[.location])
            #expect(location.hasPrefix("/station?code=PH-2&entry="))
            let after = String(buffer: try await client.execute(uri: location, method: .get, headers: browser.headers).body)
            #expect(after.contains("ROOM-1 ▸ SHELF-B") && after.contains("scan-accepted"))

            let refused = try await browser.post(client, "/station/items/PH-2/move", ["csrf": token, "location": "PH-1"])
            #expect(refused.status == .badRequest, "a phone is not a location")
            #expect(String(buffer: refused.body).contains("scan-refused"))

            let out = try await browser.post(client, "/station/items/PH-2/checkout", ["csrf": token, "to": "tech", "purpose": "ảnh", "due": "2099-03-01"])
            let outPage = String(buffer: try await client.execute(uri: try #require(out.headers[.location]), method: .get, headers: browser.headers).body)
            #expect(outPage.contains(/đã giao cho Examiner tech \(tech\) từ \d\d:\d\d \d\d\/\d\d\/\d{4}, hạn trả 2099-03-01/),
                    "who holds it since when, in the case's time zone and the examiner's words")

            let unknown = try await client.execute(uri: "/station?code=NOPE", method: .get, headers: browser.headers)
            #expect(String(buffer: unknown.body).contains("NOPE"))

            var prosecutor = Browser()
            _ = try await prosecutor.logIn(client, as: "pros")
            let readOnly = String(buffer: try await client.execute(uri: "/station?code=PH-2", method: .get, headers: prosecutor.headers).body)
            #expect(readOnly.contains("PH-2") && !readOnly.contains("/station/items/PH-2/move"), "a prosecutor sees, never acts")
        }
    }
}
