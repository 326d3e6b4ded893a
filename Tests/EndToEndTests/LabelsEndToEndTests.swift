import Foundation
import Testing

extension EndToEnd {
/// `custody labels` through the real binary: a SIM box's labels as PDF and SVG whose QR codes
/// decode (pdftoppm or rsvg-convert, then zbarimg) to exactly the labels asked for; refusals
/// that leave nothing behind; Vietnamese text in embedded fonts, the words in the case language
/// or `--lang`. No card is touched.
@Suite struct LabelsEndToEndTests {
    func decoded(png: String) throws -> [String] {
        try tool("zbarimg", ["--raw", "-q", png]).split(separator: "\n").map(String.init).sorted()
    }

    /// A new case folder (removed by `remove()`) and `custody` run on it, its exit status checked.
    struct CaseFolder {
        let rig: Rig
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-labels-\(UUID().uuidString)").path

        init() throws { rig = try Rig.running() }

        func custody(_ args: [String], status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1"])
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)", sourceLocation: sourceLocation)
            return out
        }

        func remove() { try? FileManager.default.removeItem(atPath: dir) }
    }

    @Test func labelsForASIMBoxDecodeToTheirItemLabels() throws {
        let folder = try CaseFolder()
        defer { folder.remove() }
        let dir = folder.dir
        func expectOneLine(_ output: Rig.Output, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(output.stderr.split(separator: "\n").count == 1 && output.stderr.hasPrefix("custody: "), "\(output.stderr)",
                    sourceLocation: sourceLocation)
            #expect(output.stderr.contains(text), "\(output.stderr)", sourceLocation: sourceLocation)
        }

        _ = try folder.custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17",
                                "--examiner-name", "Nguyen Van A", "--language", "en"])
        _ = try folder.custody(["device", "add", "SB-01", "--type", "simbox", "--ports", "2", "--slots-per-port", "2",
                                "--make", "Hybertone", "--model", "GoIP-8", "--serial", "GW8-00417", "--seal", "S-0041"])
        let entriesBefore = try folder.custody(["ledger", "verify"]).stdout

        let pdf = dir + "/x.pdf"
        let written = try folder.custody(["labels", "SB-01", "SB-01/P1/S1", "--out", pdf, "--json"])
        let output = try #require(try JSONSerialization.jsonObject(with: Data(written.stdout.utf8)) as? [String: Any])
        #expect(output["schema"] as? String == "custody.labels/1")
        #expect(output["count"] as? Int == 2 && output["pages"] as? Int == 1)
        #expect(output["labels"] as? [String] == ["SB-01", "SB-01/P1/S1"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: pdf))
        let sha = try tool("sha256sum", [pdf]).prefix(64)
        #expect(output["sha256"] as? String == String(sha), "the JSON names the file's SHA-256")
        _ = try tool("pdftoppm", ["-r", "200", "-png", "-singlefile", pdf, dir + "/x"])
        #expect(try decoded(png: dir + "/x.png") == ["SB-01", "SB-01/P1/S1"])
        let text = try tool("pdftotext", ["-raw", pdf, "-"])
        #expect(text.contains("S/N GW8-00417") && text.contains("SIM box, Hybertone GoIP-8"), "\(text)")
        #expect(try folder.custody(["ledger", "verify"]).stdout == entriesBefore, "printing labels writes no ledger entry")

        // The box's ports and slots, as one SVG sheet.
        let svg = dir + "/box.svg"
        _ = try folder.custody(["labels", "--children", "SB-01", "--out", svg])
        _ = try tool("rsvg-convert", ["--dpi-x", "200", "--dpi-y", "200", "-o", dir + "/box.png", svg])
        #expect(try decoded(png: dir + "/box.png") == ["SB-01/P1", "SB-01/P1/S1", "SB-01/P1/S2", "SB-01/P2", "SB-01/P2/S1", "SB-01/P2/S2"])

        // Refusals: one line, nothing written or replaced.
        let unknown = try folder.custody(["labels", "SB-01", "SB-99", "--out", dir + "/y.pdf"], status: 1)
        expectOneLine(unknown, containing: "no item \"SB-99\"")
        #expect(!FileManager.default.fileExists(atPath: dir + "/y.pdf"))
        let exists = try folder.custody(["labels", "SB-01", "--out", pdf], status: 1)
        expectOneLine(exists, containing: "already exists")
        #expect(try Data(contentsOf: URL(fileURLWithPath: pdf)) == bytes)
        let badExtension = try folder.custody(["labels", "SB-01", "--out", dir + "/y.png"], status: 64)
        expectOneLine(badExtension, containing: "must end in .pdf or .svg")
        let nothing = try folder.custody(["labels", "--out", dir + "/y.pdf"], status: 64)
        expectOneLine(nothing, containing: "no items to label")

        // --force replaces the file, atomically, with the slot's label only.
        _ = try folder.custody(["labels", "SB-01/P2/S2", "--out", pdf, "--force"])
        _ = try tool("pdftoppm", ["-r", "200", "-png", "-singlefile", pdf, dir + "/forced"])
        #expect(try decoded(png: dir + "/forced.png") == ["SB-01/P2/S2"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("x.pdf") && $0 != "x.pdf" }
        #expect(leftovers.isEmpty, "no temporary file left: \(leftovers)")
    }

    /// A Vietnamese case: an exhibit kept in "Kho vật chứng" (typed in NFD), labelled in the case
    /// language by default and in English with `--lang en`. `pdftotext` gives the text back in
    /// NFC exactly; `pdffonts` lists embedded subsets only; the QR code keeps the UTF-8 label.
    @Test func vietnameseTextPrintsInEmbeddedFontsInTheCaseLanguage() throws {
        let folder = try CaseFolder()
        defer { folder.remove() }
        let dir = folder.dir
        _ = try folder.custody(["case", "init", dir, "--name", "Chuyên án Sen", "--agency", "PC03", "--authority", "QĐ-17/2026",
                                "--examiner-name", "Nguyễn Thị Hằng", "--language", "vi"])
        let location = "Kho vật chứng".decomposedStringWithCanonicalMapping
        _ = try folder.custody(["device", "add", "ĐT-01", "--type", "phone", "--make", "Samsung", "--imei", "356938035643809",
                                "--seal", "NP-Đ/017", "--location", location])
        let show = try #require(try JSONSerialization.jsonObject(with: Data(folder.custody(["case", "show", "--json"]).stdout.utf8)) as? [String: Any])
        let caseID = try #require(show["id"] as? String)
        let entriesBefore = try folder.custody(["ledger", "verify"]).stdout

        func printed(_ name: String, _ extra: [String]) throws -> (text: String, json: [String: Any]) {
            let pdf = dir + "/" + name
            let written = try folder.custody(["labels", "ĐT-01", "--out", pdf, "--json"] + extra)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(written.stdout.utf8)) as? [String: Any])
            let fonts = try tool("pdffonts", [pdf]).split(separator: "\n").dropFirst(2)
            #expect(fonts.count == 2, "\(fonts)")
            for line in fonts {
                #expect(line.wholeMatch(of: /[A-Z]{6}\+DejaVuSans(-Bold)? +CID TrueType +Identity-H +yes +yes +yes +\d+ +0/) != nil,
                        "only embedded subsets: \(line)")
            }
            _ = try tool("pdftoppm", ["-r", "200", "-png", "-singlefile", pdf, pdf])
            #expect(try tool("zbarimg", ["--raw", "-q", "-Sbinary", pdf + ".png"]) == "ĐT-01", "the QR code carries the exact label")
            let info = try tool("pdfinfo", [pdf])
            let text = try tool("pdftotext", ["-raw", pdf, "-"])
            #expect(!text.contains("⟦") && !info.contains("⟦"), "no missing catalog key: \(text)")
            return (text + info, json)
        }

        let vi = try printed("vi.pdf", [])
        #expect(vi.json["language"] as? String == "vi", "the case language by default")
        for line in ["ĐT-01", "điện thoại, Samsung", "IMEI 356938035643809", "Số niêm phong NP-Đ/017", "Nơi lưu giữ: Kho vật chứng",
                     "Vụ án \(caseID)", "Tem vật chứng, vụ án \(caseID)"] {
            #expect(vi.text.contains(line), "\(line) in \(vi.text)")
        }
        // Compared as bytes: Swift's `contains` would take the NFD and NFC forms as equal.
        func holdsBytes(_ text: String, _ part: String) -> Bool { Data(text.utf8).range(of: Data(part.utf8)) != nil }
        let nfc = "Kho vật chứng".precomposedStringWithCanonicalMapping
        #expect(holdsBytes(vi.text, nfc) && !holdsBytes(vi.text, location), "NFC, not the NFD typed")

        _ = try printed("vi-again.pdf", [])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/vi-again.pdf")) == Data(contentsOf: URL(fileURLWithPath: dir + "/vi.pdf")),
                "another run, the same bytes (subset names and maps do not depend on hashing order)")

        let en = try printed("en.pdf", ["--lang", "en"])
        #expect(en.json["language"] as? String == "en")
        for line in ["ĐT-01", "phone, Samsung", "Seal NP-Đ/017", "Kept at Kho vật chứng", "Case \(caseID)", "Exhibit labels, case \(caseID)"] {
            #expect(en.text.contains(line), "\(line) in \(en.text)")
        }

        let unknown = try folder.custody(["labels", "ĐT-01", "--out", dir + "/xx.pdf", "--lang", "xx"], status: 64)
        #expect(unknown.stderr.split(separator: "\n").count == 1 && unknown.stderr.hasPrefix("custody: "), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("unknown language \"xx\": Custody writes documents in vi, en"), "\(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/xx.pdf"))
        #expect(try folder.custody(["ledger", "verify"]).stdout == entriesBefore, "printing labels writes no ledger entry")
    }
}
}
