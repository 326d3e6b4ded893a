import Foundation
import Testing

extension EndToEnd {
/// `custody labels` through the real binary: a SIM box's labels as PDF and SVG whose QR codes
/// decode (pdftoppm or rsvg-convert, then zbarimg) to exactly the labels asked for; refusals
/// that leave nothing behind. No card is touched.
@Suite struct LabelsEndToEndTests {
    func decoded(png: String) throws -> [String] {
        try tool("zbarimg", ["--raw", "-q", png]).split(separator: "\n").map(String.init).sorted()
    }

    @Test func labelsForASIMBoxDecodeToTheirItemLabels() throws {
        let rig = try Rig.running()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-labels-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1"]
        func custody(_ args: [String], status: Int32 = 0) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }
        func expectOneLine(_ output: Rig.Output, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(output.stderr.split(separator: "\n").count == 1 && output.stderr.hasPrefix("custody: "), "\(output.stderr)",
                    sourceLocation: sourceLocation)
            #expect(output.stderr.contains(text), "\(output.stderr)", sourceLocation: sourceLocation)
        }

        _ = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17",
                         "--examiner-name", "Nguyen Van A"])
        _ = try custody(["device", "add", "SB-01", "--type", "simbox", "--ports", "2", "--slots-per-port", "2",
                         "--make", "Hybertone", "--model", "GoIP-8", "--serial", "GW8-00417", "--seal", "S-0041"])
        let entriesBefore = try custody(["ledger", "verify"]).stdout

        let pdf = dir + "/x.pdf"
        let written = try custody(["labels", "SB-01", "SB-01/P1/S1", "--out", pdf, "--json"])
        let output = try #require(try JSONSerialization.jsonObject(with: Data(written.stdout.utf8)) as? [String: Any])
        #expect(output["schema"] as? String == "custody.labels/1")
        #expect(output["count"] as? Int == 2 && output["pages"] as? Int == 1)
        #expect(output["labels"] as? [String] == ["SB-01", "SB-01/P1/S1"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: pdf))
        let sha = try tool("sha256sum", [pdf]).prefix(64)
        #expect(output["sha256"] as? String == String(sha), "the JSON names the file's SHA-256")
        _ = try tool("pdftoppm", ["-r", "200", "-png", "-singlefile", pdf, dir + "/x"])
        #expect(try decoded(png: dir + "/x.png") == ["SB-01", "SB-01/P1/S1"])
        #expect(String(decoding: bytes, as: UTF8.self).contains("(S/N GW8-00417) Tj"))
        #expect(try custody(["ledger", "verify"]).stdout == entriesBefore, "printing labels writes no ledger entry")

        // The box's ports and slots, as one SVG sheet.
        let svg = dir + "/box.svg"
        _ = try custody(["labels", "--children", "SB-01", "--out", svg])
        _ = try tool("rsvg-convert", ["--dpi-x", "200", "--dpi-y", "200", "-o", dir + "/box.png", svg])
        #expect(try decoded(png: dir + "/box.png") == ["SB-01/P1", "SB-01/P1/S1", "SB-01/P1/S2", "SB-01/P2", "SB-01/P2/S1", "SB-01/P2/S2"])

        // Refusals: one line, nothing written or replaced.
        let unknown = try custody(["labels", "SB-01", "SB-99", "--out", dir + "/y.pdf"], status: 1)
        expectOneLine(unknown, containing: "no item \"SB-99\"")
        #expect(!FileManager.default.fileExists(atPath: dir + "/y.pdf"))
        let exists = try custody(["labels", "SB-01", "--out", pdf], status: 1)
        expectOneLine(exists, containing: "already exists")
        #expect(try Data(contentsOf: URL(fileURLWithPath: pdf)) == bytes)
        let badExtension = try custody(["labels", "SB-01", "--out", dir + "/y.png"], status: 64)
        expectOneLine(badExtension, containing: "must end in .pdf or .svg")
        let nothing = try custody(["labels", "--out", dir + "/y.pdf"], status: 64)
        expectOneLine(nothing, containing: "no items to label")

        // --force replaces the file, atomically, with the slot's label only.
        _ = try custody(["labels", "SB-01/P2/S2", "--out", pdf, "--force"])
        _ = try tool("pdftoppm", ["-r", "200", "-png", "-singlefile", pdf, dir + "/forced"])
        #expect(try decoded(png: dir + "/forced.png") == ["SB-01/P2/S2"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("x.pdf") && $0 != "x.pdf" }
        #expect(leftovers.isEmpty, "no temporary file left: \(leftovers)")
    }
}
}
