import Foundation
import Testing

extension EndToEnd {
/// `custody form` through the real binary (docs/RECORDS.md): a Vietnamese case through seizure,
/// seal, the read of a SIM on the rig, hand-over, check-out and in, unsealing and disposal; every
/// record kind printed in both languages and read back with pdftotext and pdffonts; each
/// printing recorded as a form.print entry with the PDF's SHA-256; refusals in one line.
@Suite struct FormsEndToEndTests {
    /// Whether `text` holds `part` byte for byte: Swift's `contains` matches canonically
    /// equivalent text, so it cannot tell NFC from NFD.
    func holdsBytes(_ text: String, _ part: String) -> Bool { Data(text.utf8).range(of: Data(part.utf8)) != nil }

    struct Printed: Decodable {
        var schema: String
        var kind: String
        var item: String
        var entry: Int64
        var language: String
        var sha256: String
        var bytes: Int
        var printEntry: Int64
    }

    struct Entry: Decodable {
        var seq: Int64
        var hash: String
        var action: String
        var subjects: [String]
        var payload: [String: Payload]
        enum Payload: Decodable {
            case text(String), number(Int64), texts([String]), other
            init(from decoder: any Decoder) throws {
                let value = try decoder.singleValueContainer()
                if let text = try? value.decode(String.self) { self = .text(text) } else if let number = try? value.decode(Int64.self) { self = .number(number) }
                else if let texts = try? value.decode([String].self) { self = .texts(texts) } else { self = .other }
            }
            var text: String? { if case .text(let t) = self { t } else { nil } }
            var number: Int64? { if case .number(let n) = self { n } else { nil } }
        }
    }

    @Test func everyRecordKindInBothLanguagesFromAVietnameseCase() throws {
        let rig = try Rig.running()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("custody-forms-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = root + "/case"
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1"]
        func custody(_ args: [String], status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)", sourceLocation: sourceLocation)
            return out
        }
        func entry(_ args: [String]) throws -> Entry {
            try JSONDecoder().decode(Entry.self, from: Data(custody(args + ["--json"]).stdout.utf8))
        }
        func expectOneLine(_ output: Rig.Output, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(output.stderr.split(separator: "\n").count == 1 && output.stderr.hasPrefix("custody: "), "\(output.stderr)",
                    sourceLocation: sourceLocation)
            #expect(output.stderr.contains(text), "\(output.stderr)", sourceLocation: sourceLocation)
        }

        _ = try custody(["case", "init", dir, "--name", "Chuyên án Hoa Sen", "--agency", "Phòng PC04, Công an TP Hà Nội",
                         "--authority", "Lệnh số 17/LKS", "--time-zone", "Asia/Ho_Chi_Minh", "--language", "vi", "--examiner-name", "Nguyễn Văn An"])
        _ = try custody(["examiner", "add", "tech1", "--name", "Trần Thị Bình", "--role", "technician"])

        // The witness's name typed in NFD, as some keyboards send it: stored and printed in NFC.
        let witness = "Lê Thị Hằng"
        let nfdWitness = witness.decomposedStringWithCanonicalMapping
        let seized = try entry(["event", "seize", "PHONE-1", "--where", "Số 5 phố Huế, Hà Nội", "--when", "2026-12-06 08:30",
                                "--from", "Phạm Văn Đức", "--type", "phone", "--identifier", "IMEI=356938035643809",
                                "--participant", "investigator=Nguyễn Văn An,Phòng PC04", "--participant", "owner=Phạm Văn Đức",
                                "--witness", nfdWitness + ",Tổ dân phố 3"])
        #expect(seized.action == "custody.seize")
        guard case .texts(let entered)? = seized.payload["enteredAs"] else { Issue.record("no enteredAs in \(seized.payload)"); return }
        #expect(entered.map { Array($0.utf8) } == [Array((nfdWitness + ",Tổ dân phố 3").utf8)], "the argument as typed is kept")
        let sealed = try entry(["event", "seal", "PHONE-1", "--seal", "NP-0042", "--participant", "technician=Trần Thị Bình", "--witness", witness])

        let reader = try rig.reader(profile: "usim-mobifone")
        try rig.control(reader, "reset-stats")
        _ = try custody(["sim", "read", "--reader", reader.name, "--examiner", "tech1"])
        let stats = try rig.stats(reader)
        #expect(stats.writeClassAPDUs == 0 && stats.pinTriesConsumed == 0 && stats.pinPresentations == 0)
        let sim = "SIM-\(reader.expect.iccid)"

        _ = try entry(["event", "transfer", "PHONE-1", "--released-by", "tech1", "--received-by", "sup1", "--purpose", "giám định"])
        _ = try entry(["event", "checkout", "PHONE-1", "--to", "tech1", "--purpose", "kiểm tra dữ liệu", "--participant", "clerk=Đỗ Minh Châu",
                       "--participant", "technician=Trần Thị Bình"])
        _ = try entry(["event", "checkin", "PHONE-1", "--reason", "nguyên vẹn", "--participant", "clerk=Đỗ Minh Châu",
                       "--participant", "technician=Trần Thị Bình"])
        _ = try entry(["event", "unseal", "PHONE-1", "--seal", "NP-0042", "--participant", "technician=Trần Thị Bình", "--witness", witness])
        // Disposal: requested by the technician, approved by the supervisor, executed before the witness.
        struct Request: Decodable { var id: Int64 }
        let request = try JSONDecoder().decode(Request.self, from: Data(custody([
            "dispose", "request", "PHONE-1", "--method", "destroy", "--reason", "tiêu hủy theo bản án", "--examiner", "tech1", "--json"]).stdout.utf8))
        _ = try custody(["dispose", "approve", String(request.id)])
        _ = try custody(["dispose", "execute", String(request.id), "--participant", "investigator=Nguyễn Văn An", "--witness", witness])

        // Every kind, in both languages: motto, title, names as entered (NFC), seals, identifiers.
        let titles = [
            "seizure": ("BIÊN BẢN THU GIỮ VẬT CHỨNG", "RECORD OF SEIZURE OF EXHIBITS"),
            "seal": ("BIÊN BẢN NIÊM PHONG VẬT CHỨNG", "RECORD OF SEALING OF EXHIBITS"),
            "unseal": ("BIÊN BẢN MỞ NIÊM PHONG VẬT CHỨNG", "RECORD OF UNSEALING OF EXHIBITS"),
            "handover": ("BIÊN BẢN GIAO NHẬN VẬT CHỨNG", "RECORD OF HAND-OVER OF EXHIBITS"),
            "checkout": ("BIÊN BẢN XUẤT KHO VẬT CHỨNG", "RECORD OF RELEASE OF EXHIBITS"),
            "checkin": ("BIÊN BẢN NHẬP LẠI KHO VẬT CHỨNG", "RECORD OF RETURN OF EXHIBITS"),
            "disposal": ("BIÊN BẢN TIÊU HỦY VẬT CHỨNG", "RECORD OF DISPOSAL OF EXHIBITS"),
            "examination": ("BIÊN BẢN KIỂM TRA, THU THẬP DỮ LIỆU ĐIỆN TỬ", "RECORD OF EXAMINATION AND COLLECTION"),
        ]
        var printedSHA = [Int64: String]()
        for kind in ["seizure", "seal", "unseal", "handover", "checkout", "checkin", "disposal", "examination"] {
            let item = kind == "examination" ? sim : "PHONE-1"
            for language in ["vi", "en"] {
                let pdf = "\(root)/\(kind).\(language).pdf"
                // Vietnamese is the case's language: no --lang needed.
                let output = try custody(["form", kind, "--item", item, "--out", pdf, "--json"] + (language == "vi" ? [] : ["--lang", language]))
                let printed = try JSONDecoder().decode(Printed.self, from: Data(output.stdout.utf8))
                #expect(printed.schema == "custody.form/1" && printed.kind == kind && printed.item == item && printed.language == language)
                let sha = String(try tool("sha256sum", [pdf]).prefix(64))
                #expect(printed.sha256 == sha)
                printedSHA[printed.printEntry] = sha
                let text = try tool("pdftotext", ["-layout", pdf, "-"])
                let context = "\(kind) \(language)"
                #expect(!text.contains("⟦"), "no missing catalog key: \(context)")
                #expect(text.contains(language == "vi" ? "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" : "SOCIALIST REPUBLIC OF VIET NAM"), "\(context)")
                #expect(text.contains(language == "vi" ? "Độc lập - Tự do - Hạnh phúc" : "Independence - Freedom - Happiness"), "\(context)")
                #expect(text.contains(language == "vi" ? titles[kind]!.0 : titles[kind]!.1), "\(context): \(text)")
                #expect(text.contains("Phòng PC04, Công an TP Hà Nội"), "the issuing unit: \(context)")
                if kind == "examination" {
                    #expect(text.contains(reader.expect.iccid), "\(context)")
                    #expect(holdsBytes(text, "Trần Thị Bình"), "the examiner who read the SIM: \(context)")
                } else {
                    #expect(text.contains("IMEI 356938035643809"), "\(context)")
                }
                if ["seal", "unseal", "checkout", "checkin", "handover", "disposal"].contains(kind) {
                    #expect(text.contains("NP-0042") == (kind != "disposal"), "the seal in place, none once broken: \(context)")
                }
                if ["seizure", "seal", "unseal", "disposal"].contains(kind) {
                    #expect(holdsBytes(text, witness) && !holdsBytes(text, nfdWitness), "the witness's name in NFC: \(context)")
                }
                if kind == "seizure" { #expect(holdsBytes(text, "Phạm Văn Đức") && holdsBytes(text, "Nguyễn Văn An"), "\(context)") }
                if kind == "handover" { #expect(holdsBytes(text, "Trần Thị Bình") && holdsBytes(text, "Nguyễn Văn An"), "\(context)") }
                let fonts = try tool("pdffonts", [pdf]).split(separator: "\n").dropFirst(2)
                #expect(!fonts.isEmpty, "\(context)")
                for font in fonts {
                    let columns = font.split(separator: " ", omittingEmptySubsequences: true)
                    #expect(columns.count >= 5 && columns[columns.count - 5] == "yes", "embedded: \(font) (\(context))")
                }
            }
        }
        #expect(seized.seq < sealed.seq)

        // The QR code carries the case id, the entry and its hash.
        _ = try tool("pdftoppm", ["-r", "150", "-png", "-singlefile", root + "/seizure.vi.pdf", root + "/seizure"])
        let shown = try JSONSerialization.jsonObject(with: Data(custody(["case", "show", "--json"]).stdout.utf8)) as? [String: Any]
        let caseID = try #require(shown?["id"] as? String)
        #expect(try tool("zbarimg", ["--raw", "-q", root + "/seizure.png"]).trimmingCharacters(in: .whitespacesAndNewlines)
            == "custody.record/1 \(caseID) \(seized.seq) \(seized.hash)")

        // Each printing is a form.print entry on the item with the PDF's SHA-256.
        struct History: Decodable { var entries: [Entry] }
        let phoneHistory = try JSONDecoder().decode(History.self, from: Data(custody(["history", "PHONE-1", "--json"]).stdout.utf8)).entries
        let prints = phoneHistory.filter { $0.action == "form.print" }
        #expect(prints.count == 14)
        for print in prints {
            #expect(print.payload["sha256"]?.text == printedSHA[print.seq])
            #expect(print.payload["entry"]?.number != nil && print.payload["bytes"]?.number ?? 0 > 1000)
        }
        #expect(prints.first?.payload["kind"]?.text == "seizure" && prints.first?.payload["entry"]?.number == seized.seq)
        #expect(prints.first?.payload["language"]?.text == "vi")
        #expect(try custody(["ledger", "verify"]).status == 0)

        // --entry: the seal entry printed by number; an entry of another kind refused.
        let bySeq = try custody(["form", "seal", "--item", "PHONE-1", "--entry", String(sealed.seq), "--lang", "vi", "--out", root + "/seal-2.pdf"])
        #expect(bySeq.stdout.contains("entry \(sealed.seq)"))
        let before = try custody(["ledger", "verify"]).stdout
        let wrongKind = try custody(["form", "seizure", "--item", "PHONE-1", "--entry", String(sealed.seq), "--out", root + "/x.pdf"], status: 1)
        expectOneLine(wrongKind, containing: "entry \(sealed.seq) of PHONE-1 is custody.seal, not custody.seize")
        expectOneLine(wrongKind, containing: "custody form seal")
        let unknownKind = try custody(["form", "receipt", "--item", "PHONE-1", "--out", root + "/x.pdf"], status: 64)
        expectOneLine(unknownKind, containing: "unknown record kind \"receipt\": use one of seizure, seal, unseal, handover")
        let unknownLanguage = try custody(["form", "seal", "--item", "PHONE-1", "--lang", "fr", "--out", root + "/x.pdf"], status: 64)
        expectOneLine(unknownLanguage, containing: "unknown language \"fr\"")
        expectOneLine(unknownLanguage, containing: "vi, en")
        let none = try custody(["form", "seal", "--item", sim, "--out", root + "/x.pdf"], status: 1)
        expectOneLine(none, containing: "\(sim) has no custody.seal entry to print the seal record from")
        let exists = try custody(["form", "seal", "--item", "PHONE-1", "--out", root + "/seal-2.pdf"], status: 1)
        expectOneLine(exists, containing: "already exists")
        #expect(!FileManager.default.fileExists(atPath: root + "/x.pdf"))
        #expect(try custody(["ledger", "verify"]).stdout == before, "a refused record writes no entry")

        // An event recorded without participants: one line names the missing roles.
        _ = try entry(["event", "seal", sim, "--seal", "NP-0077"])
        _ = try custody(["form", "seal", "--item", sim, "--lang", "vi", "--out", root + "/bare.vi.pdf"])
        _ = try custody(["form", "seal", "--item", sim, "--lang", "en", "--out", root + "/bare.en.pdf"])
        let bareVi = try tool("pdftotext", [root + "/bare.vi.pdf", "-"]).replacingOccurrences(of: "\n", with: " ")
        #expect(bareVi.contains("Chưa ghi nhận người tham gia: cán bộ kỹ thuật, người chứng kiến"), "\(bareVi)")
        let bareEn = try tool("pdftotext", [root + "/bare.en.pdf", "-"]).replacingOccurrences(of: "\n", with: " ")
        #expect(bareEn.contains("Participants not recorded: technician, witness"), "\(bareEn)")
        #expect(bareEn.contains("NP-0077"))

        // The signed seizure record, scanned, attached back: hash in the ledger, file in the case and the bundle.
        let scan = root + "/seizure-signed.pdf"
        try FileManager.default.copyItem(atPath: root + "/seizure.vi.pdf", toPath: scan)
        let scanSHA = String(try tool("sha256sum", [scan]).prefix(64))
        let attached = try entry(["event", "attach", "PHONE-1", "--entry", String(seized.seq), "--file", scan])
        #expect(attached.action == "custody.attach" && attached.subjects == ["PHONE-1"])
        #expect(attached.payload["entry"]?.number == seized.seq && attached.payload["sha256"]?.text == scanSHA)
        #expect(FileManager.default.contentsEqual(atPath: dir + "/photos/\(scanSHA).pdf", andPath: scan))
        let notItsEntry = try custody(["event", "attach", sim, "--entry", String(seized.seq), "--file", scan], status: 1)
        expectOneLine(notItsEntry, containing: "entry \(seized.seq) is not an entry of \(sim)")
        #expect(try custody(["ledger", "verify"]).status == 0)
        _ = try custody(["export", "--out", root + "/bundle"])
        #expect(FileManager.default.contentsEqual(atPath: root + "/bundle/scans/\(attached.seq).pdf", andPath: scan))
        let verified = try custody(["verify", root + "/bundle", "--json"]).stdout
        let verdict = try JSONSerialization.jsonObject(with: Data(verified.utf8)) as? [String: Any]
        #expect(verdict?["valid"] as? Bool == true, "\(verified)")
        #expect((verdict?["checked"] as? [String: Int])?["scans"] == 1, "\(verified)")
    }
}
}
