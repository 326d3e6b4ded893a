import Foundation
import Testing

extension EndToEnd {
/// `custody audit` and `custody dispose` through the real binary (docs/CASE-STORE.md, "Audits"
/// and "Disposal and return"): an audit with one missing and one unexpected item and an unknown
/// code, its report; a disposal with two examiners; the refusals (the requester approving, a
/// clerk approving, the old one-step `event dispose`) in one line with nothing written.
@Suite struct AuditDisposalEndToEndTests {
    struct Audit: Decodable {
        var schema: String
        var id: Int64
        var location: String
        var finished: Bool
        var finishEntry: Int64?
        var result: Result
        struct Result: Decodable, Equatable {
            var found: [String]
            var missing: [String]
            var unexpected: [Unexpected]
            var unknown: [String]
        }
        struct Unexpected: Decodable, Equatable {
            var item: String
            var expectedAt: String?
        }
    }

    struct Scan: Decodable {
        var schema: String
        var code: String
        var status: String
        var expectedAt: String?
    }

    struct Disposal: Decodable {
        var schema: String
        var id: Int64
        var item: String
        var method: String
        var state: String
        var approvedBy: String?
        var executeEntry: Int64?
    }

    struct History: Decodable {
        var entries: [Entry]
        struct Entry: Decodable { var seq: Int64; var action: String; var examiner: String }
    }

    @Test func anAuditAndADisposalWithTwoExaminers() throws {
        let rig = try Rig.running()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("custody-audit-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = root + "/case"
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1"]
        func custody(_ args: [String], status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)", sourceLocation: sourceLocation)
            return out
        }
        func decode<T: Decodable>(_ type: T.Type, _ args: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
            try JSONDecoder().decode(type, from: Data(custody(args + ["--json"], sourceLocation: sourceLocation).stdout.utf8))
        }
        func expectRefused(_ args: [String], containing text: String, status: Int32 = 1, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let before = try custody(["ledger", "verify"]).stdout
            let out = try custody(args, status: status, sourceLocation: sourceLocation)
            #expect(out.stderr.split(separator: "\n").count == 1 && out.stderr.hasPrefix("custody: "), "\(out.stderr)", sourceLocation: sourceLocation)
            #expect(out.stderr.contains(text), "\(out.stderr)", sourceLocation: sourceLocation)
            #expect(try custody(["ledger", "verify"]).stdout == before, "nothing written", sourceLocation: sourceLocation)
        }

        _ = try custody(["case", "init", dir, "--name", "Chuyên án Hoa Sen", "--agency", "Phòng PC04", "--authority", "Lệnh 17",
                         "--time-zone", "Asia/Ho_Chi_Minh", "--language", "vi", "--examiner-name", "Nguyễn Văn An"])
        _ = try custody(["examiner", "add", "clerk1", "--name", "Đỗ Minh Châu", "--role", "clerk"])
        _ = try custody(["examiner", "add", "sup2", "--name", "Lê Văn Dũng", "--role", "supervisor"])
        _ = try custody(["device", "add", "KHO-1", "--type", "location"])
        for shelf in ["KE-A", "KE-B"] { _ = try custody(["device", "add", shelf, "--type", "location", "--parent", "KHO-1"]) }
        for (label, shelf) in [("PHONE-1", "KE-A"), ("PHONE-2", "KE-A"), ("PHONE-3", "KE-B")] {
            _ = try custody(["event", "seize", label, "--where", "Kho", "--when", "2026-12-01", "--from", "x", "--type", "phone"])
            _ = try custody(["event", "move", label, "--to", shelf, "--examiner", "clerk1"])
        }

        // The audit of shelf A: PHONE-1 found, PHONE-2 missing, PHONE-3 (kept on shelf B) unexpected, one unknown code.
        let started = try decode(Audit.self, ["audit", "start", "KE-A", "--examiner", "clerk1"])
        #expect(started.schema == "custody.audit/1" && !started.finished && started.result.missing == ["PHONE-1", "PHONE-2"])
        let scans = try decode([Scan].self, ["audit", "scan", String(started.id), "PHONE-1", "PHONE-3", "KHONG-CO", "--examiner", "clerk1"])
        #expect(scans.map(\.status) == ["expected", "unexpected", "unknown"] && scans[1].expectedAt == "KE-B")
        try expectRefused(["audit", "scan", String(started.id), "PHONE-1", "--examiner", "clerk1"], containing: "PHONE-1 was already scanned in audit \(started.id)")
        let finished = try decode(Audit.self, ["audit", "finish", String(started.id), "--examiner", "clerk1"])
        #expect(finished.finished)
        #expect(finished.result == Audit.Result(found: ["PHONE-1"], missing: ["PHONE-2"], unexpected: [.init(item: "PHONE-3", expectedAt: "KE-B")],
                                                unknown: ["KHONG-CO"]))
        let text = try custody(["audit", "show", String(started.id)]).stdout
        #expect(text.contains("missing (1): PHONE-2") && text.contains("unexpected (1): PHONE-3 (kept at KE-B)") && text.contains("unknown codes (1): KHONG-CO"))
        #expect(try custody(["audit", "list"]).stdout.contains("\(started.id)\tKE-A\tclerk1"))
        let overdue = try custody(["audit", "overdue", "--days", "30"]).stdout
        #expect(overdue.contains("PHONE-2\tnever audited") && !overdue.contains("PHONE-1"))
        try expectRefused(["audit", "start", "PHONE-1", "--examiner", "clerk1"], containing: "PHONE-1 is a phone, not a location")
        try expectRefused(["audit", "finish", String(started.id), "--examiner", "clerk1"], containing: "was finished at entry \(finished.finishEntry!)")

        // Its report, in Vietnamese, read back; the printing is in the ledger.
        let pdf = root + "/kiem-ke.pdf"
        _ = try custody(["audit", "report", String(started.id), "--out", pdf, "--examiner", "clerk1"])
        let report = try tool("pdftotext", [pdf, "-"]).replacingOccurrences(of: "\n", with: " ")
        #expect(report.contains("BIÊN BẢN KIỂM KÊ VẬT CHỨNG") && report.contains("Không tìm thấy (1)") && report.contains("PHONE-2"), "\(report)")
        #expect(report.contains("KE-B") && report.contains("KHONG-CO"))

        // A disposal with two examiners: the clerk requests, the requester may not approve, a supervisor does.
        let request = try decode(Disposal.self, ["dispose", "request", "PHONE-2", "--method", "destroy", "--reason", "Bản án số 12/2026",
                                                 "--examiner", "clerk1"])
        #expect(request.schema == "custody.disposal/1" && request.state == "requested" && request.method == "destroy")
        try expectRefused(["dispose", "approve", String(request.id), "--examiner", "clerk1"],
                          containing: "examiner clerk1 is a clerk: only a supervisor may approve a disposal or return")
        try expectRefused(["dispose", "execute", String(request.id), "--witness", "Lê Thị Hằng", "--examiner", "clerk1"],
                          containing: "is requested, so it cannot be executed")
        let approved = try decode(Disposal.self, ["dispose", "approve", String(request.id), "--examiner", "sup2"])
        #expect(approved.state == "approved" && approved.approvedBy == "sup2")
        try expectRefused(["dispose", "execute", String(request.id), "--examiner", "clerk1"], containing: "--witness")
        let executed = try decode(Disposal.self, ["dispose", "execute", String(request.id), "--witness", "Lê Thị Hằng,Tổ dân phố 3",
                                                  "--participant", "investigator=Nguyễn Văn An", "--examiner", "clerk1"])
        #expect(executed.state == "executed" && executed.executeEntry != nil)
        let disposal = root + "/tieu-huy.pdf"
        _ = try custody(["form", "disposal", "--item", "PHONE-2", "--out", disposal])
        let record = try tool("pdftotext", [disposal, "-"]).replacingOccurrences(of: "\n", with: " ")
        #expect(record.contains("BIÊN BẢN TIÊU HỦY VẬT CHỨNG") && record.contains("Bản án số 12/2026") && record.contains("Lê Thị Hằng"), "\(record)")

        // The requester approving their own request: refused, even for a supervisor.
        let own = try decode(Disposal.self, ["dispose", "request", "PHONE-3", "--method", "return", "--to", "Phạm Văn Đức",
                                             "--reason", "Quyết định trả lại", "--examiner", "sup1"])
        try expectRefused(["dispose", "approve", String(own.id), "--examiner", "sup1"], containing: "may not approve it too (two-person rule)")
        try expectRefused(["dispose", "request", "PHONE-1", "--method", "burn", "--reason", "x"], containing: "use destroy or return", status: 64)
        try expectRefused(["dispose", "request", "PHONE-1", "--method", "return", "--reason", "x"], containing: "add --to")
        try expectRefused(["event", "dispose", "PHONE-1", "--method", "x"], containing: "custody event --help", status: 64)
        #expect(try custody(["dispose", "list", "--state", "requested"]).stdout.contains("\(own.id)\tPHONE-3\treturn to Phạm Văn Đức\trequested"))
        #expect(try decode([String: AnyDecodable].self, ["dispose", "list"])["disposals"] != nil)

        // The disposed phone leaves the audit's expectations and the overdue list; its history keeps everything.
        let again = try decode(Audit.self, ["audit", "start", "KE-A", "--examiner", "clerk1"])
        #expect(again.result.missing == ["PHONE-1"])
        #expect(!(try custody(["audit", "overdue", "--days", "0"]).stdout.contains("PHONE-2")))
        let history = try decode(History.self, ["history", "PHONE-2"]).entries.map(\.action).filter { $0 != "form.print" }
        #expect(history.suffix(3) == ["custody.dispose.request", "custody.dispose.approve", "custody.dispose"])
        #expect(history.contains("custody.audit.finish"))
        #expect(try custody(["ledger", "verify"]).status == 0)
    }

    /// Any JSON value (to check a key is present).
    struct AnyDecodable: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}
}
