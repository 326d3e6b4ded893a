import CaseStore
@testable import Export
import Foundation
import Ledger
import SIMCard
import Testing

/// Bundles of cases holding hostile text, and the temporary folders killed exports leave
/// (issue 13 items 5a and 9).
@Suite struct HostileExportTests {
    @Test func formulaLikeLabelsAndExaminersAreGuardedAndTheBundleVerifies() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        try f.store.addExaminer(id: "-tech", name: "@Lê", role: .technician, by: "sup1")
        let label = "=HYPERLINK(\"http://x.example\",\"open\")"
        try f.store.recordEvent(.custodySeize, label: label, details: ["where": "+84 Hà Nội", "from": "-"], by: "-tech")
        let result = try f.export("b")
        let inventory = String(decoding: try Data(contentsOf: URL(fileURLWithPath: result.out + "/inventory.csv")), as: UTF8.self)
        let custody = String(decoding: try Data(contentsOf: URL(fileURLWithPath: result.out + "/custody.csv")), as: UTF8.self)
        #expect(inventory.contains("\"'=HYPERLINK(\"\"http://x.example\"\",\"\"open\"\")\""))
        #expect(custody.contains(",'-tech,"))
        for text in [inventory, custody] {
            for cell in Self.rawCells(text) {
                #expect(!["=", "+", "-", "@", "\t", "\r"].contains(cell.first), "cell \(cell) starts like a formula")
            }
        }
        _ = try BundleVerifier.verify(bundle: result.out)
    }

    /// The cells of RFC 4180 text as a spreadsheet sees them: unquoted, the guard left in.
    static func rawCells(_ text: String) -> [String] {
        var cells = [String](), cell = "", quoted = false, previous: Character? = nil
        for c in text {
            if quoted {
                if c == "\"" { quoted = false } else { cell.append(c) }
            } else if c == "\"" {
                if previous == "\"" { cell.append(c) }
                quoted = true
            } else if c == "," || c == "\r\n" || c == "\n" {
                cells.append(cell); cell = ""
            } else {
                cell.append(c)
            }
            previous = c
        }
        return cells + [cell]
    }

    @Test func theNextExportRemovesPartialFoldersNoProcessHolds() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let out = URL(fileURLWithPath: f.bundle("b"))
        let prefix = BundleWriter.partialPrefix(of: out)
        #expect(prefix == ".b.partial-")
        let stale = f.directory + "/" + prefix + "dead0001"
        try FileManager.default.createDirectory(atPath: stale + "/proofs", withIntermediateDirectories: true)
        try Data("half a file".utf8).write(to: URL(fileURLWithPath: stale + "/proofs/0.tlog-proof"))
        // The folder of an export still running: its writer holds the lock.
        let running = BundleWriter(root: f.directory + "/" + prefix + "live0002")
        try running.createRoot()
        defer { running.unlock() }
        // Neither another bundle's partial folder nor a symbolic link named like one is touched.
        let other = f.directory + "/.bb.partial-dead0003"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: f.directory + "/" + prefix + "link0004", withDestinationPath: f.directory + "/case")

        let result = try f.export("b")
        #expect(result.removedPartials == [prefix + "dead0001"])
        let left = try FileManager.default.contentsOfDirectory(atPath: f.directory).sorted()
        #expect(left == [prefix + "link0004", prefix + "live0002", ".bb.partial-dead0003", "b", "case"])
        #expect(FileManager.default.fileExists(atPath: f.directory + "/case/" + CaseStore.databaseName), "the link's target is untouched")
    }

    @Test func theNextExportRemovesPartialZIPFilesNoProcessHolds() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let zipURL = URL(fileURLWithPath: BundleZip.path(of: f.bundle("b")))
        let prefix = BundleWriter.partialPrefix(of: zipURL)
        #expect(prefix == ".b.zip.partial-")
        try Data("PK half a zip".utf8).write(to: URL(fileURLWithPath: f.directory + "/" + prefix + "dead0001"))
        // The ZIP of an export still running (its temporary name, locked), and one named
        // beside another bundle, are left alone.
        _ = try f.export("other")
        var running = try BundleZip.writePartial(bundle: f.bundle("other"), for: zipURL.path)
        defer { running.discard() }
        let live = (running.path as NSString).lastPathComponent
        #expect(live.hasPrefix(prefix))
        try Data().write(to: URL(fileURLWithPath: f.directory + "/.bb.zip.partial-dead0003"))

        let result = try f.export("b")
        #expect(result.removedPartials == [prefix + "dead0001"])
        #expect(result.zip == nil)
        let left = try FileManager.default.contentsOfDirectory(atPath: f.directory).sorted()
        #expect(left == [".bb.zip.partial-dead0003", live, "b", "case", "other"].sorted())
        running.discard()
        #expect(!FileManager.default.fileExists(atPath: running.path), "a discarded ZIP leaves nothing")
    }
}
