import Foundation
import Testing

extension EndToEnd {
/// `custody export` and `custody verify` through the real binary, on a case with a SIM read
/// from the rig; and the independent Python verifier (Scripts/verify-bundle.py) on the result.
@Suite struct ExportEndToEndTests {
    struct Verify: Decodable {
        var schema: String
        var valid: Bool
        var trustedKey: String
        var entries: Int?
        var wholeLedger: Bool?
        var checked: [String: Int]?
        var failure: String?
    }

    @Test func exportVerifyAndTamperThroughTheBinary() throws {
        let rig = try Rig.running()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("custody-export-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = root + "/case"
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1"]
        func custody(_ args: [String], status: Int32 = 0) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }

        _ = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17", "--examiner-name", "Nguyễn Văn A"])
        _ = try custody(["examiner", "add", "tech1", "--name", "Trần B", "--role", "technician"])
        _ = try custody(["device", "add", "SB-1", "--type", "simbox", "--make", "GoIP", "--ports", "2", "--slots-per-port", "1"])
        _ = try custody(["event", "seize", "PHONE-1", "--where", "Hà Nội", "--when", "2026-11-01T08:30+07:00", "--from", "Nghi phạm A",
                         "--type", "phone", "--examiner", "tech1"])
        _ = try custody(["event", "seal", "PHONE-1", "--seal", "S-0042"])
        let reader = try rig.reader(profile: "usim-mobifone")
        try rig.control(reader, "reset-stats")
        _ = try custody(["sim", "read", "--reader", reader.name, "--examiner", "tech1"])
        let stats = try rig.stats(reader)
        #expect(stats.writeClassAPDUs == 0)
        #expect(stats.pinTriesConsumed == 0)

        // The whole case, verified by the binary and by the independent script.
        let out = try custody(["export", "--out", root + "/full"])
        #expect(out.stdout.contains("recorded entry 6 export.bundle"), "\(out.stdout)")
        let verified = try JSONDecoder().decode(Verify.self, from: Data(custody(["verify", root + "/full", "--json"]).stdout.utf8))
        #expect(verified.valid && verified.schema == "custody.verify/1" && verified.trustedKey == "bundle")
        #expect(verified.entries == 7 && verified.wholeLedger == true)
        #expect(verified.checked?["acquisitions"] == 1 && verified.checked?["inventory"] == 7)
        let text = try custody(["verify", root + "/full", "--key", dir + "/station.pub"]).stdout
        #expect(text.contains("bundle OK") && text.contains("(pinned)"))
        #expect(try custody(["verify", root + "/full"]).stdout.contains("only the bundle's own keys/"))
        let script = try Rig.verifyBundleScript([root + "/full", dir + "/station.pub"])
        #expect(script.status == 0 && script.stdout.hasPrefix("OK: 7 entries (whole ledger)"), "\(script.stdout)")
        #expect(try custody(["ledger", "verify"]).status == 0)

        // One exhibit alone, by proofs.
        let zipped = try custody(["export", "--out", root + "/phone", "--items", "PHONE-1", "--redact", "pins", "--zip"])
        #expect(zipped.stdout.contains("ZIP \(root)/phone.zip"), "\(zipped.stdout)")
        // The ZIP unzips to the same bundle, which verifies.
        let unzip = try Process.run(URL(fileURLWithPath: "/usr/bin/unzip"), arguments: ["-q", root + "/phone.zip", "-d", root + "/unzipped"])
        unzip.waitUntilExit()
        #expect(unzip.terminationStatus == 0)
        #expect(try custody(["verify", root + "/unzipped"]).stdout.hasPrefix("bundle OK"))
        let subset = try JSONDecoder().decode(Verify.self, from: Data(custody(["verify", root + "/phone", "--json"]).stdout.utf8))
        #expect(subset.valid && subset.wholeLedger == false)
        #expect(try Rig.verifyBundleScript([root + "/phone"]).stdout.hasPrefix("OK: 5 entries (excerpt)"))

        // Tampered: a changed CSV row, the manifest rewritten to match. Both verifiers refuse it.
        let inventory = root + "/full/inventory.csv"
        let original = try String(contentsOfFile: inventory, encoding: .utf8)
        try original.replacingOccurrences(of: "PHONE-1,phone", with: "PHONE-2,phone").write(toFile: inventory, atomically: true, encoding: .utf8)
        let refused = try custody(["verify", root + "/full"], status: 1)
        #expect(refused.stderr.hasPrefix("custody: bundle verification FAILED: inventory.csv: SHA-256 is "), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        let failed = try JSONDecoder().decode(Verify.self, from: Data(custody(["verify", root + "/full", "--json"], status: 1).stdout.utf8))
        #expect(!failed.valid && failed.failure?.hasPrefix("inventory.csv") == true)
        let scriptRefused = try Rig.verifyBundleScript([root + "/full"])
        #expect(scriptRefused.status == 1 && scriptRefused.stdout.hasPrefix("FAILED: inventory.csv"), "\(scriptRefused.stdout)")
        // And the python verifier on a tampered ledger line, with the manifest rewritten.
        let ledgerPath = root + "/phone/ledger.jsonl"
        let ledger = try String(contentsOfFile: ledgerPath, encoding: .utf8)
        try ledger.replacingOccurrences(of: "S-0042", with: "S-0043").write(toFile: ledgerPath, atomically: true, encoding: .utf8)
        let manifest = try String(contentsOfFile: root + "/phone/MANIFEST.sha256", encoding: .utf8)
        let newHash = try #require(try sha256sum(ledgerPath))
        let fixed = manifest.split(separator: "\n").map { $0.hasSuffix("  ledger.jsonl") ? "\(newHash)  ledger.jsonl" : String($0) }.joined(separator: "\n") + "\n"
        try fixed.write(toFile: root + "/phone/MANIFEST.sha256", atomically: true, encoding: .utf8)
        #expect(try Rig.verifyBundleScript([root + "/phone"]).stdout.contains("hash mismatch"))
        #expect(try custody(["verify", root + "/phone"], status: 1).stderr.contains("ledger.jsonl line 4: entry 4: hash mismatch"))

        // Refusals: an existing --out, an unknown item, a missing case: one line, no bundle.
        let exists = try custody(["export", "--out", root + "/full"], status: 1)
        #expect(exists.stderr.contains("already exists") && exists.stderr.split(separator: "\n").count == 1)
        _ = try custody(["export", "--out", root + "/nope", "--items", "NOPE"], status: 1)
        _ = try rig.run("custody", ["export", "--out", root + "/none", "--case", root + "/missing"], environment: ["CUSTODY_EXAMINER": "sup1"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == ["case", "full", "phone", "phone.zip", "unzipped"])
    }

    /// A Vietnamese bundle and carrier letters through the binary: without `--lang` the report is
    /// in the case's language; `--lang vi` gives report.html in Vietnamese (`lang="vi"`), report.pdf whose text layer returns the Vietnamese heading
    /// with its diacritics in embedded fonts, and one letter per operator; an unknown `--lang` is
    /// one line naming the languages, and nothing is written. No card is touched.
    @Test func aBundleAndOperatorLettersInVietnamese() throws {
        let rig = try Rig.running()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("custody-export-vi-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = root + "/case"
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "dtv1"]
        func custody(_ args: [String], status: Int32 = 0) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }
        _ = try custody(["case", "init", dir, "--name", "Chuyên án SIM rác", "--agency", "Phòng An ninh mạng, Công an TP Hà Nội",
                         "--authority", "Lệnh khám xét số 17/LKX", "--time-zone", "Asia/Ho_Chi_Minh", "--language", "en",
                         "--examiner", "dtv1", "--examiner-name", "Nguyễn Thị Hằng"])
        _ = try custody(["device", "add", "SB-1", "--type", "simbox", "--make", "GoIP", "--ports", "1", "--slots-per-port", "2"])
        _ = try custody(["device", "add", "SIM-1", "--type", "sim", "--parent", "SB-1/P1/S1", "--iccid", "8984012204000123456"])
        _ = try custody(["event", "seal", "SB-1", "--seal", "NP-0042"])

        // Without --lang: the case's language (English here).
        _ = try custody(["export", "--out", root + "/english"])
        let english = try String(contentsOfFile: root + "/english/report.html", encoding: .utf8)
        #expect(english.contains("<html lang=\"en\">") && english.contains("Chain of custody and SIM examination report"))

        let bundle = root + "/bundle"
        _ = try custody(["export", "--out", bundle, "--lang", "vi"])
        let html = try String(contentsOfFile: bundle + "/report.html", encoding: .utf8)
        #expect(html.contains("<html lang=\"vi\">") && !html.contains("⟦"))
        let text = try tool("pdftotext", ["-enc", "UTF-8", bundle + "/report.pdf", "-"])
        #expect(text.contains("Báo cáo chuỗi quản lý vật chứng") && text.contains("Vụ án và căn cứ tiến hành"), "\(text.prefix(400))")
        // report.pdf is the summary: the box's row with its seal, the statistics in Vietnamese.
        #expect(text.contains("Nguyễn Thị Hằng") && text.contains("NP-0042") && text.contains("Thống kê"))
        #expect(!text.contains("8984012204000123456"), "the item-level inventory stays in report.html")
        #expect(html.contains("8984012204000123456") && html.contains("NP-0042"))
        let fonts = try tool("pdffonts", [bundle + "/report.pdf"]).split(separator: "\n").drop { !$0.hasPrefix("---") }.dropFirst()
        #expect(!fonts.isEmpty)
        for row in fonts {
            let columns = row.split(separator: " ")
            #expect(columns.count >= 7 && columns[columns.count - 5] == "yes", "not embedded: \(row)")
        }
        #expect(try custody(["verify", bundle]).stdout.hasPrefix("bundle OK"))
        // The CSV tables keep their English header row: tools and verifiers read it.
        let inventory = String(decoding: try Data(contentsOf: URL(fileURLWithPath: bundle + "/inventory.csv")), as: UTF8.self)
        #expect(inventory.hasPrefix("\u{FEFF}label,type,parent,identifiers,"))

        let unknown = try custody(["export", "--out", root + "/xx", "--lang", "xx"], status: 1)
        #expect(unknown.stderr.split(separator: "\n").count == 1 && unknown.stderr.contains("\"xx\"") && unknown.stderr.contains("vi, en"), "\(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/xx"))

        let lists = root + "/lists"
        let written = try custody(["export-operators", "--out", lists, "--lang", "vi"])
        let letters = try FileManager.default.contentsOfDirectory(atPath: lists).filter { $0.hasSuffix(".html") }
        #expect(letters.count == 1, "\(written.stdout)")
        let letter = try String(contentsOfFile: lists + "/" + letters[0], encoding: .utf8)
        for shown in ["<html lang=\"vi\">", "Đề nghị cung cấp thông tin thuê bao", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                      "<code>8984012204000123456</code>", "SIM-1"] {
            #expect(letter.contains(shown), "the letter lacks \(shown)")
        }
        #expect(!letter.contains("⟦"))
        let csv = String(decoding: try Data(contentsOf: URL(fileURLWithPath: lists + "/" + letters[0].replacingOccurrences(of: ".html", with: ".csv"))), as: UTF8.self)
        #expect(csv.hasPrefix("\u{FEFF}ICCID,IMSI,MSISDN,Item label,Parent label\r\n"))
        let refused = try custody(["export-operators", "--out", root + "/lists-xx", "--lang", "xx"], status: 1)
        #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("vi, en"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/lists-xx"))
    }

    /// `custody export annex`: the item-level PDF of one system (its box, ports, slots and SIMs
    /// with identifiers), nothing of another system; never over an existing file; one line for
    /// an unknown label. Writes nothing to the case (the ledger keeps its size).
    @Test func anAnnexOfOneSystemThroughTheBinary() throws {
        let rig = try Rig.running()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("custody-annex-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = root + "/case"
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1"]
        func custody(_ args: [String], status: Int32 = 0) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }
        _ = try custody(["case", "init", dir, "--name", "Chuyên án SIM rác", "--agency", "C03", "--authority", "W-2026-17", "--language", "vi",
                         "--examiner-name", "Nguyễn Văn A"])
        _ = try custody(["device", "add", "SZ-1", "--type", "seizure"])
        _ = try custody(["device", "add", "SYS-1", "--type", "system", "--parent", "SZ-1"])
        _ = try custody(["device", "add", "SB-1", "--type", "simbox", "--parent", "SYS-1", "--make", "GoIP", "--ports", "1", "--slots-per-port", "2"])
        _ = try custody(["device", "add", "SIM-1", "--type", "sim", "--parent", "SB-1/P1/S1", "--iccid", "8984012204000123456"])
        _ = try custody(["device", "add", "SYS-2", "--type", "system", "--parent", "SZ-1"])
        _ = try custody(["device", "add", "SIM-2", "--type", "sim", "--parent", "SYS-2", "--iccid", "8984012204000123464"])
        let entries = try custody(["ledger", "verify"]).stdout

        struct Annex: Decodable { var schema: String; var label: String; var pdf: String; var language: String; var items: Int; var sims: Int }
        let pdf = root + "/SYS-1.pdf"
        let annex = try JSONDecoder().decode(Annex.self, from: Data(custody(["export", "annex", "SYS-1", "--out", pdf, "--json"]).stdout.utf8))
        #expect(annex.schema == "custody.annex/1" && annex.label == "SYS-1" && annex.language == "vi")
        #expect(annex.items == 6 && annex.sims == 1, "SYS-1, SB-1, its port and two slots, SIM-1")
        let text = try tool("pdftotext", ["-enc", "UTF-8", pdf, "-"])
        for shown in ["Báo cáo chuỗi quản lý vật chứng", "SYS-1", "SB-1", "SIM-1", "8984012204000123456", "P1/S1"] {
            #expect(text.contains(shown), "the annex lacks \(shown)")
        }
        #expect(!text.contains("8984012204000123464") && !text.contains("SIM-2"), "another system's SIM")
        #expect(try custody(["ledger", "verify"]).stdout == entries, "the annex records nothing")

        let english = try custody(["export", "annex", "SYS-1", "--out", root + "/en.pdf", "--lang", "en"]).stdout
        #expect(english.hasPrefix("annex \(root)/en.pdf: SYS-1"), "\(english)")
        #expect(try tool("pdftotext", ["-enc", "UTF-8", root + "/en.pdf", "-"]).contains("Chain of custody and SIM examination report"))

        let again = try custody(["export", "annex", "SYS-1", "--out", pdf], status: 1)
        #expect(again.stderr.split(separator: "\n").count == 1 && again.stderr.contains("already exists"), "\(again.stderr)")
        let unknown = try custody(["export", "annex", "NO-SUCH", "--out", root + "/x.pdf"], status: 1)
        #expect(unknown.stderr.split(separator: "\n").count == 1 && unknown.stderr.contains("NO-SUCH"), "\(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/x.pdf"))
    }

    /// `sha256sum FILE`, the standard tool docs/VERIFYING.md tells the defense to use.
    func sha256sum(_ path: String) throws -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init)
    }
}
}
