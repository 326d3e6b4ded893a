import CaseStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import SIMCard
import Testing
import Workbench
@testable import Desk

/// The reading pages (docs/DESK.md, "Pages"): what each shows, escaping of case text, the photo
/// upload's limits and magic bytes, photo names that never become paths.
@Suite struct DeskPageTests {
    /// Item text a hostile catalog row could carry: it must come out as text, never as markup.
    static let hostile = "\"><img src=x onerror=alert(1)><script>alert(2)</script>"

    /// A case with a seizure holding a SIM box (2 ports of 1 slot), a phone with a hostile note
    /// and a SIM read into the box's first slot.
    static func seizureCase() throws -> DeskCase {
        let c = try DeskCase()
        try c.store.addDevice(DeviceSpec(label: "SZ-1", type: .device(.seizure)), by: "sup")
        var box = DeviceSpec(label: "SB-1", type: .device(.simbox))
        box.parent = "SZ-1"; box.ports = 2; box.slotsPerPort = 1; box.make = "Hybertone"
        try c.store.addDevice(box, by: "sup")
        var phone = DeviceSpec(label: "PH-1", type: .device(.phone))
        phone.parent = "SZ-1"; phone.imeis = ["356938035643809"]; phone.note = hostile
        try c.store.addDevice(phone, by: "sup")
        var read = SIMAcquisition.notConnected(reader: "Bench 1", atr: [0x3B, 0x00], scope: .identity, reason: "")
        read.iccid = try JSONDecoder().decode(SIMAcquisition.ICCIDView.self, from: Data(#"{"digits":"8984012204000123456","luhnValid":true}"#.utf8))
        read.complete = true
        read.incompleteReason = nil
        _ = try c.store.recordAcquisition(read, record: try JSONEncoder().encode(read), by: "tech")
        try c.store.place("SIM-8984012204000123456", in: "SB-1/P1/S1", by: "sup")
        return c
    }

    @Test func theDashboardCountsItemsAndSaysWhenNoBatchRuns() async throws {
        let c = try Self.seizureCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            _ = try await browser.logIn(client, as: "pros")
            let page = try await client.execute(uri: "/", method: .get, headers: browser.headers)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("Thiết bị SIM box") || html.contains("SIM box"), "the item types are named")
            #expect(html.contains(#"data-stream="/events/batch""#))
            #expect(html.contains(#"<script src="/static/batch.js"></script>"#))
            #expect(!html.contains("⟦"), "every word is in the catalog")
        }
        // A read a moment ago: the panel says a batch runs; three minutes later it does not.
        let now = Date()
        let running = try BatchActivity(of: c.store, now: now)
        #expect(running.running)
        #expect(running.lastRead?.label == "SIM-8984012204000123456")
        #expect(running.progress.read == 1)
        let later = try BatchActivity(of: c.store, now: now.addingTimeInterval(180))
        #expect(!later.running)
        #expect(later.cardsPerMinute == nil)
    }

    @Test func theDashboardListsWhatIsCheckedOutAndWhatIsOverdue() async throws {
        let c = try Self.seizureCase()
        let due = ShelfCustody.day(Date().addingTimeInterval(7 * 86_400), in: c.store)
        try c.store.checkOut("PH-1", to: "tech", purpose: "extraction <b>now</b>", due: due, by: "clerk")
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            _ = try await browser.logIn(client, as: "sup")
            let html = String(buffer: try await client.execute(uri: "/", method: .get, headers: browser.headers).body)
            #expect(html.contains(#"<a href="/items/PH-1">PH-1</a>"#))
            #expect(html.contains("Examiner tech (tech)"), "the holder by name and id")
            #expect(html.contains("extraction &lt;b&gt;now&lt;/b&gt;"))
            #expect(!html.contains(#"class="overdue""#), "due next week: not overdue yet")
            let item = String(buffer: try await client.execute(uri: "/items/PH-1", method: .get, headers: browser.headers).body)
            #expect(item.contains(due))
        }
        // Two weeks later the same check-out is overdue.
        let later = try DeskDashboard(c.store, now: Date().addingTimeInterval(14 * 86_400))
        #expect(later.custody.overdue.map(\.label) == ["PH-1"])
        let view = DashboardView(later, PageWriter(language: .en, timeZone: "Asia/Ho_Chi_Minh"))
        #expect(view.overdue.map(\.label) == ["PH-1"])
        #expect(view.checkedOut.first?.overdue == true)
        #expect(view.types.contains { $0.name == "phone" && $0.checkedOut == "1" })
    }

    @Test func aClerkCreatesALocationAndItsPageListsWhatIsOnItsShelf() async throws {
        let c = try Self.seizureCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            let token = try await browser.signIn(client, as: "clerk")
            let room = try await browser.post(client, "/locations", ["csrf": token, "label": "ROOM-1", "parent": ""])
            #expect(room.status == .seeOther)
            let shelf = try await browser.post(client, "/locations", ["csrf": token, "label": "ROOM-1/SHELF <A>", "parent": "ROOM-1"])
            #expect(shelf.headers[.location] == "/locations/ROOM-1%2FSHELF%20%3CA%3E")
            let noToken = try await browser.post(client, "/locations", ["label": "ROOM-2", "parent": ""])
            #expect(noToken.status == .forbidden)
            try c.store.move("PH-1", to: "ROOM-1/SHELF <A>", by: "clerk")

            let list = String(buffer: try await client.execute(uri: "/locations", method: .get, headers: browser.headers).body)
            #expect(list.contains(#"<a href="/locations/ROOM-1">ROOM-1</a>"#))
            #expect(list.contains("ROOM-1/SHELF &lt;A&gt;"))
            #expect(!list.contains("ROOM-2"))
            let page = String(buffer: try await client.execute(uri: "/locations/ROOM-1%2FSHELF%20%3CA%3E", method: .get, headers: browser.headers).body)
            #expect(page.contains(#"<a href="/items/PH-1">PH-1</a>"#))
            let item = String(buffer: try await client.execute(uri: "/items/PH-1", method: .get, headers: browser.headers).body)
            #expect(item.contains(#"href="/locations/ROOM-1%2FSHELF%20%3CA%3E""#), "the item page links its location")
        }
        try await app.test(.router) { client in
            var browser = Browser()
            let token = try await browser.signIn(client, as: "pros")
            let refused = try await browser.post(client, "/locations", ["csrf": token, "label": "ROOM-9", "parent": ""])
            #expect(refused.status == .forbidden, "a prosecutor only reads")
            #expect(try c.store.item("ROOM-9") == nil)
        }
    }

    @Test func theBatchStreamSendsOneEventOfJSON() throws {
        let c = try Self.seizureCase()
        let panel = BatchPanel(try BatchActivity(of: c.store), PageWriter(language: .vi, timeZone: "Asia/Ho_Chi_Minh"))
        let event = String(decoding: try BatchStream.event(panel), as: UTF8.self)
        #expect(event.hasPrefix("event: batch\ndata: {"))
        #expect(event.hasSuffix("}\n\n"))
        #expect(event.components(separatedBy: "\n").count == 4, "the data is one line")
        #expect(event.contains(#""lastLink":"/items/SIM-8984012204000123456""#))
    }

    @Test func theBatchStreamSendsAnEventWhenAReadIsStored() async throws {
        let c = try Self.seizureCase()
        var stream = BatchStream(store: c.store, writer: PageWriter(language: .en, timeZone: "Asia/Ho_Chi_Minh"))
        stream.interval = .milliseconds(20)
        let collector = EventCollector(stopAfter: 2)
        let task = Task { try await stream.body().write(collector) }
        try await collector.waitFor(1)
        var read = SIMAcquisition.notConnected(reader: "Bench 2", atr: [0x3B, 0x00], scope: .identity, reason: "card removed")
        read.iccid = try JSONDecoder().decode(SIMAcquisition.ICCIDView.self, from: Data(#"{"digits":"8984012204000999999","luhnValid":true}"#.utf8))
        _ = try c.store.recordAcquisition(read, record: try JSONEncoder().encode(read), by: "tech")
        try await collector.waitFor(2)
        _ = await task.result
        let events = collector.events
        #expect(events.count == 2)
        #expect(events[0].contains(#""running":true"#) && events[0].contains(#""pending":"0""#))
        #expect(events[1].contains(#""lastLabel":"SIM-8984012204000999999""#) && events[1].contains(#""pending":"1""#),
                "the incomplete read is on the list to read again")
    }

    @Test func searchGoesStraightToASingleExactHitAndListsTheRest() async throws {
        let c = try Self.seizureCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            _ = try await browser.logIn(client, as: "clerk")
            let exact = try await client.execute(uri: "/search?q=356938035643809", method: .get, headers: browser.headers)
            #expect(exact.status == .seeOther)
            #expect(exact.headers[.location] == "/items/PH-1")
            let several = try await client.execute(uri: "/search?q=SB-1", method: .get, headers: browser.headers)
            #expect(several.status == .ok)
            let html = String(buffer: several.body)
            #expect(html.contains(#"href="/items/SB-1%2FP1""#), "a port's label is one path segment")
            let none = try await client.execute(uri: "/search?q=nothing+like+this", method: .get, headers: browser.headers)
            #expect(String(buffer: none.body).contains(#"value="nothing like this""#), "the query comes back as typed")
        }
    }

    @Test func theItemPageShowsPlaceReadsAndHistoryWithCaseTextEscaped() async throws {
        let c = try Self.seizureCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            _ = try await browser.logIn(client, as: "clerk")
            let sim = try await client.execute(uri: "/items/SIM-8984012204000123456", method: .get, headers: browser.headers)
            #expect(sim.status == .ok)
            let html = String(buffer: sim.body)
            for step in ["/items/SZ-1", "/items/SB-1", "/items/SB-1%2FP1", "/items/SB-1%2FP1%2FS1"] {
                #expect(html.contains(#"href="\#(step)""#), "the place in the tree links \(step)")
            }
            #expect(html.contains("8984012204000123456"))
            #expect(html.contains("sim.acquire") && html.contains("device.place"), "the timeline lists the entries")
            #expect(html.contains(#"name="kind" value="examination""#), "the read's record can be printed")
            #expect(html.contains("chưa được tìm thấy trong lần kiểm kê nào"), "no audit has found it yet")

            let phone = String(buffer: try await client.execute(uri: "/items/PH-1", method: .get, headers: browser.headers).body)
            #expect(!phone.contains("<script>alert"), "no script from the case reaches the page")
            #expect(!phone.contains("<img src=x"), "no markup from the case reaches the page")
            #expect(phone.contains("&lt;script&gt;alert(2)&lt;/script&gt;"))
            #expect(phone.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))

            let missing = try await client.execute(uri: "/items/NOPE", method: .get, headers: browser.headers)
            #expect(missing.status == .notFound)
        }
    }

    @Test func aRecordAndALabelComeBackAsPDFAndThePrintingIsInTheLedger() async throws {
        let c = try Self.seizureCase()
        let sim = "SIM-8984012204000123456"
        let acquire = try #require(try c.store.history(sim).first { $0.entry.action == .simAcquire }).entry.sequence
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            let token = try await browser.signIn(client, as: "pros")
            let record = try await browser.post(client, "/items/\(sim)/records", ["csrf": token, "kind": "examination", "entry": String(acquire)])
            #expect(record.status == .ok)
            #expect(record.headers[.contentType] == "application/pdf")
            #expect(Array(buffer: record.body).starts(with: Array("%PDF-".utf8)))
            let printed = try #require(try c.store.history(sim).last)
            #expect(printed.entry.action == .formPrint && printed.entry.examiner == "pros", "printing is recorded, by who printed")
            let wrongKind = try await browser.post(client, "/items/\(sim)/records", ["csrf": token, "kind": "seal", "entry": String(acquire)])
            #expect(wrongKind.status == .badRequest)
            let label = try await client.execute(uri: "/items/PH-1/label.pdf", method: .get, headers: browser.headers)
            #expect(label.status == .forbidden, "labels are the catalog's: a prosecutor downloads records, not labels")
        }
        try await app.test(.router) { client in
            var browser = Browser()
            _ = try await browser.logIn(client, as: "clerk")
            let label = try await client.execute(uri: "/items/PH-1/label.pdf", method: .get, headers: browser.headers)
            #expect(label.status == .ok)
            #expect(Array(buffer: label.body).starts(with: Array("%PDF-".utf8)))
        }
    }

    @Test func theTreeIsPagedSoALargeLotStaysOnePage() throws {
        let c = try Self.seizureCase()
        var lot = DeviceSpec(label: "LOT-1", type: .device(.simlot))
        lot.parent = "SZ-1"; lot.count = 5
        try c.store.addDevice(lot, by: "sup")
        for n in 1...5 {
            var sim = DeviceSpec(label: "LOT-1/SIM-\(n)", type: .device(.sim))
            sim.parent = "LOT-1"; sim.iccid = "898401220400000000\(n)"
            try c.store.addDevice(sim, by: "sup")
        }
        let first = try TreePage(c.store, parent: "LOT-1", after: nil, size: 2)
        #expect(first.items.map(\.label) == ["LOT-1/SIM-1", "LOT-1/SIM-2"])
        let second = try TreePage(c.store, parent: "LOT-1", after: try #require(first.next), size: 2)
        #expect(second.items.map(\.label) == ["LOT-1/SIM-3", "LOT-1/SIM-4"])
        let last = try TreePage(c.store, parent: "LOT-1", after: try #require(second.next), size: 2)
        #expect(last.items.map(\.label) == ["LOT-1/SIM-5"])
        #expect(last.next == nil)
        let top = try TreePage(c.store, parent: nil, after: nil)
        #expect(top.items.map(\.label) == ["SZ-1"])
        #expect(top.items.first?.children == 3)
        #expect(try TreePage(c.store, parent: "SB-1/P1", after: nil).path.map(\.label) == ["SZ-1", "SB-1"])
    }

    @Test func aPhotoIsKeptByItsBytesAndServedWithItsOwnType() async throws {
        let c = try Self.seizureCase()
        let (app, _) = c.application()
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)
        try await app.test(.router) { client in
            var browser = Browser()
            let token = try await browser.signIn(client, as: "clerk")
            // The browser says JPEG and names it ../../etc/passwd: neither is believed.
            let sent = try await browser.upload(client, "/items/PH-1/photos?csrf=\(token)", file: png,
                                                fileName: "../../etc/passwd", contentType: "image/jpeg")
            #expect(sent.status == .seeOther)
            let photo = try #require(try c.store.photos(item: "PH-1").first)
            #expect(photo.path == "photos/\(photo.sha256).png")
            #expect(photo.originalName == "desk-upload.png")
            #expect(FileManager.default.fileExists(atPath: c.store.path(photo.path)))
            let served = try await client.execute(uri: "/items/PH-1/photos/\(photo.sha256)", method: .get, headers: browser.headers)
            #expect(served.status == .ok)
            #expect(served.headers[.contentType] == "image/png")
            #expect(served.headers[.xContentTypeOptions] == "nosniff")
            #expect(Array(buffer: served.body) == png)
            let history = try c.store.history("PH-1").map(\.entry.action)
            #expect(history.last == .custodyPhotograph)
        }
    }

    @Test func uploadsThatAreNotImagesOrTooLargeAreRefused() async throws {
        let c = try Self.seizureCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            let token = try await browser.signIn(client, as: "clerk")
            let html = Array("<html><script>alert(1)</script></html>".utf8)
            let notImage = try await browser.upload(client, "/items/PH-1/photos?csrf=\(token)", file: html, fileName: "x.jpg", contentType: "image/jpeg")
            #expect(notImage.status == .unprocessableContent)
            let large = [0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0, count: PhotoUpload.maximumBytes)
            let tooLarge = try await browser.upload(client, "/items/PH-1/photos?csrf=\(token)", file: large, fileName: "big.jpg", contentType: "image/jpeg")
            #expect(tooLarge.status == .contentTooLarge)
            let withoutToken = try await browser.upload(client, "/items/PH-1/photos", file: [0xFF, 0xD8, 0xFF, 0], fileName: "a.jpg", contentType: "image/jpeg")
            #expect(withoutToken.status == .forbidden)
            #expect(try c.store.photos(item: "PH-1").isEmpty, "nothing was kept")
        }
        // A prosecutor reads but does not photograph.
        try await app.test(.router) { client in
            var browser = Browser()
            let token = try await browser.signIn(client, as: "pros")
            let refused = try await browser.upload(client, "/items/PH-1/photos?csrf=\(token)", file: [0xFF, 0xD8, 0xFF, 0], fileName: "a.jpg", contentType: "image/jpeg")
            #expect(refused.status == .forbidden)
        }
    }

    @Test func aPhotoAddressIsAHashNeverAPath() async throws {
        let c = try Self.seizureCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var browser = Browser()
            _ = try await browser.logIn(client, as: "pros")
            for uri in ["/items/PH-1/photos/..%2F..%2Fcase.sqlite", "/items/PH-1/photos/..%2Fstation.key",
                        "/items/PH-1/photos/" + String(repeating: "0", count: 64)] {
                let response = try await client.execute(uri: uri, method: .get, headers: browser.headers)
                #expect(response.status == .notFound, "\(uri)")
                #expect(!String(buffer: response.body).contains("PRIVATE"), "no key material in \(uri)")
            }
        }
    }

    @Test(arguments: [
        ([0xFF, 0xD8, 0xFF, 0xE0], PhotoUpload.FileKind.jpeg),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], .png),
        (Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), .webp),
        ([0, 0, 0, 0x18] + Array("ftypheic".utf8), .heic),
        (Array("%PDF-1.4".utf8), .pdf),
    ] as [([UInt8], PhotoUpload.FileKind)])
    func fileKindsAreToldByTheirFirstBytes(bytes: [UInt8], kind: PhotoUpload.FileKind) {
        #expect(PhotoUpload.FileKind(sniffing: bytes) == kind)
    }

    @Test func otherBytesAreNoKindTheDeskKnows() {
        for bytes in [Array("GIF89a".utf8), Array("<svg xmlns".utf8), [0xFF, 0xD8], Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVE".utf8), []] as [[UInt8]] {
            #expect(PhotoUpload.FileKind(sniffing: bytes) == nil)
        }
    }

    @Test func aMultipartBodyIsSplitIntoItsFields() throws {
        let body = Array("--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"../a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
            + [0xFF, 0xD8, 0x0D, 0x0A, 0x2D, 0x2D] + Array("\r\n--XyZ--\r\n".utf8)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=XyZ") == "XyZ")
        #expect(MultipartForm.boundary(contentType: "application/json") == nil)
        let form = try MultipartForm(body: body, boundary: "XyZ")
        #expect(form.fields["csrf"] == Array("abc".utf8))
        #expect(form.fields["photo"] == [0xFF, 0xD8, 0x0D, 0x0A, 0x2D, 0x2D], "a CRLF and dashes inside the file stay")
        #expect(throws: MultipartForm.Malformed.self) { try MultipartForm(body: Array("--XyZ\r\nno end".utf8), boundary: "XyZ") }
    }
}

/// A response body writer that keeps what is written and ends the stream after `stopAfter` writes.
final class EventCollector: ResponseBodyWriter, @unchecked Sendable {
    struct Enough: Error {}
    let stopAfter: Int
    private let lock = NSLock()
    private var written = [String]()

    init(stopAfter: Int) { self.stopAfter = stopAfter }

    var events: [String] { lock.withLock { written } }

    func write(_ buffer: ByteBuffer) async throws {
        let count = lock.withLock { () -> Int in
            written.append(String(buffer: buffer))
            return written.count
        }
        if count >= stopAfter { throw Enough() }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}

    /// Waits (at most 10 s) until `count` events were written.
    func waitFor(_ count: Int) async throws {
        for _ in 0..<500 where events.count < count { try await Task.sleep(for: .milliseconds(20)) }
        try #require(events.count >= count, "the stream wrote \(events.count) of \(count) events")
    }
}

extension Browser {
    /// POSTs `file` as the upload form's `photo` field (multipart/form-data) with the session cookie.
    func upload(_ client: some TestClientProtocol, _ uri: String, file: [UInt8], fileName: String, contentType: String) async throws -> TestResponse {
        let boundary = "desk-test-\(UUID().uuidString)"
        var headers = self.headers
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        let body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"\(fileName)\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
            + file + Array("\r\n--\(boundary)--\r\n".utf8)
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
}
