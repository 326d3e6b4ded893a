import Foundation
import Testing

extension EndToEnd {
/// Custody on the shelf through the real binary (docs/CASE-STORE.md, "Custody on the shelf"):
/// locations, moves, check-out to an examiner and check-in, the refusals (one line, exit 1,
/// nothing written), `custody status` and `custody location`, and a bulk check-out from a scan
/// list with one receipt PDF read back with pdftotext and zbarimg.
@Suite struct ShelfEndToEndTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    @Test func locationsMovesCheckOutsAndABatchWithItsReceipt() throws {
        let rig = try Rig.running()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("custody-shelf-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = root + "/case"
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "clerk1"]
        func custody(_ args: [String], status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)", sourceLocation: sourceLocation)
            return out
        }
        func entries() throws -> Int { try json(custody(["ledger", "verify", "--json"]).stdout)["verifiedEntries"] as? Int ?? -1 }
        func refused(_ args: [String], _ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let before = try entries()
            let out = try custody(args, status: 1, sourceLocation: sourceLocation)
            #expect(out.stderr.split(separator: "\n").count == 1 && out.stderr.hasPrefix("custody: ") && out.stderr.contains(text),
                    "\(out.stderr)", sourceLocation: sourceLocation)
            #expect(try entries() == before, "nothing written", sourceLocation: sourceLocation)
        }

        _ = try custody(["case", "init", dir, "--name", "Chuyên án Hoa Sen", "--agency", "PC04", "--authority", "Lệnh 17",
                         "--time-zone", "Asia/Ho_Chi_Minh", "--language", "vi", "--examiner", "sup1", "--examiner-name", "Nguyễn Văn An"])
        _ = try custody(["examiner", "add", "clerk1", "--name", "Đỗ Minh Châu", "--role", "clerk", "--examiner", "sup1"])
        _ = try custody(["examiner", "add", "tech1", "--name", "Trần Thị Bình", "--role", "technician", "--examiner", "sup1"])
        _ = try custody(["device", "add", "ROOM-1", "--type", "location"])
        _ = try custody(["device", "add", "SHELF-A", "--type", "location", "--parent", "ROOM-1"])
        _ = try custody(["device", "add", "SHELF-B", "--type", "location", "--parent", "ROOM-1"])
        for n in 1...4 { _ = try custody(["device", "add", "PH-\(n)", "--type", "phone", "--make", "Samsung"]) }

        // A move, as JSON: the entry names the item and the location.
        let moved = try json(custody(["event", "move", "PH-1", "--to", "SHELF-A", "--json"]).stdout)
        #expect(moved["action"] as? String == "custody.move" && moved["subjects"] as? [String] == ["PH-1", "SHELF-A"])
        let item = try json(custody(["status", "PH-1", "--json"]).stdout)
        #expect(item["schema"] as? String == "custody.item-custody/1" && item["state"] as? String == "on-shelf")
        #expect(item["locationPath"] as? [String] == ["ROOM-1", "SHELF-A"])
        #expect(try custody(["status", "PH-1"]).stdout.contains("location: ROOM-1 ▸ SHELF-A"))

        // Check-out to an examiner and back in elsewhere.
        let out = try json(custody(["event", "checkout", "PH-1", "--to", "tech1", "--purpose", "trích xuất", "--due", "2099-12-31", "--json"]).stdout)
        let payload = try #require(out["payload"] as? [String: Any])
        #expect(payload["to"] as? String == "tech1" && payload["due"] as? String == "2099-12-31" && payload["location"] as? String == "SHELF-A")
        let status = try json(custody(["status", "--json"]).stdout)
        #expect(status["schema"] as? String == "custody.status/1")
        #expect((status["counts"] as? [String: [String: Int]])?["phone"] == ["on-shelf": 3, "checked-out": 1])
        let listed = try #require((status["checkedOut"] as? [[String: Any]])?.first)
        #expect(listed["label"] as? String == "PH-1" && listed["holderName"] as? String == "Trần Thị Bình" && listed["overdue"] as? Bool == false)

        // Refusals: one line, exit 1, nothing written.
        try refused(["event", "checkout", "PH-1", "--to", "tech1", "--purpose", "x"], "PH-1 is already checked out to tech1")
        try refused(["event", "checkout", "PH-2", "--to", "ghost", "--purpose", "x"], "--to ghost: no such examiner")
        try refused(["event", "checkout", "PH-2", "--to", "tech1", "--purpose", "x", "--due", "31/12/2099"], "is not a date: write it as YYYY-MM-DD")
        try refused(["event", "checkin", "PH-2"], "PH-2 is not checked out")
        try refused(["event", "move", "PH-1", "--to", "SHELF-B"], "PH-1 is checked out to tech1")
        try refused(["event", "move", "PH-2", "--to", "PH-3"], "PH-3 is a phone, not a location")
        try refused(["event", "move", "ROOM-1", "--to", "SHELF-A"], "a location cannot be moved into itself")
        try refused(["event", "move", "PH-2", "--to", "NOPE"], "no item \"NOPE\"")
        let usage = try custody(["event", "move", "--to", "SHELF-A"], status: 64)
        #expect(usage.stderr.contains("give either an item label or --labels-from FILE"))

        let back = try json(custody(["event", "checkin", "PH-1", "--location", "SHELF-B", "--reason", "nguyên vẹn", "--json"]).stdout)
        #expect((back["payload"] as? [String: Any])?["from"] as? String == "tech1")
        let shelf = try json(custody(["location", "show", "SHELF-B", "--json"]).stdout)
        #expect(shelf["schema"] as? String == "custody.location/1" && shelf["path"] as? [String] == ["ROOM-1", "SHELF-B"])
        #expect((shelf["items"] as? [[String: Any]])?.map { $0["label"] as? String } == ["PH-1"])
        let tree = try json(custody(["location", "list", "--json"]).stdout)
        let room = try #require((tree["locations"] as? [[String: Any]])?.first)
        #expect(room["label"] as? String == "ROOM-1" && (room["children"] as? [[String: Any]])?.count == 2)

        // A batch from a scan list: each label its own entry, an unknown one reported, one receipt.
        let scans = root + "/scans.txt"
        try Data("PH-2\nPH-404\nPH-3\n".utf8).write(to: URL(fileURLWithPath: scans))
        let receipt = root + "/receipt.pdf"
        let before = try entries()
        let batchRun = try custody(["event", "checkout", "--labels-from", scans, "--to", "tech1", "--purpose", "giám định",
                                    "--receipt", receipt, "--json"], status: 1)
        #expect(batchRun.stderr.contains("1 of 3 labels were refused"))
        let batch = try json(batchRun.stdout)
        #expect(batch["schema"] as? String == "custody.bulk/1" && batch["recorded"] as? Int == 2 && batch["refused"] as? Int == 1)
        let lines = try #require(batch["lines"] as? [[String: Any]])
        #expect(lines.map { $0["label"] as? String } == ["PH-2", "PH-404", "PH-3"])
        #expect((lines[1]["refused"] as? String)?.contains("no item \"PH-404\"") == true)
        let printed = try #require(batch["receipt"] as? [String: Any])
        #expect(try entries() == before + 3, "two check-outs and the receipt's form.print")
        let seqs = lines.compactMap { ($0["entry"] as? [String: Any])?["seq"] as? Int }
        #expect(printed["entries"] as? [Int] == seqs && seqs.count == 2)

        let text = try EndToEnd.tool("pdftotext", ["-layout", receipt, "-"])
        #expect(text.contains("BIÊN BẢN GIAO NHẬN VẬT CHỨNG XUẤT KHO") && text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "\(text)")
        #expect(text.contains("PH-2") && text.contains("PH-3") && !text.contains("PH-404"))
        #expect(text.contains("Trần Thị Bình") && text.contains("Đỗ Minh Châu"))
        _ = try EndToEnd.tool("pdftoppm", ["-r", "150", "-png", "-singlefile", receipt, root + "/receipt"])
        let shown = try json(custody(["case", "show", "--json"]).stdout)
        let qr = try EndToEnd.tool("zbarimg", ["--raw", "-q", root + "/receipt.png"])
        #expect(qr.hasPrefix("custody.receipt/1 \(shown["id"] as? String ?? "?") 2 "), "\(qr)")
        let history = try json(custody(["history", "PH-3", "--json"]).stdout)
        let print = try #require((history["entries"] as? [[String: Any]])?.last)
        #expect(print["action"] as? String == "form.print" && (print["payload"] as? [String: Any])?["kind"] as? String == "receipt")
        #expect(try custody(["ledger", "verify"]).status == 0)
    }
}
}
