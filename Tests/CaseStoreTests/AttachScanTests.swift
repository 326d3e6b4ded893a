import CaseStore
import Foundation
import Ledger
import Testing

/// The scan of a signed record attached back (docs/RECORDS.md): kept as photos are, its entry
/// names the record's entry and hash, `verify` checks the file, and only an entry of the item
/// can be named.
@Suite struct AttachScanTests {
    func refusal(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test(arguments: Backend.all) func aScanIsKeptAndVerified(_ backend: Backend) throws {
        let c = try TempCase(backend)
        defer { c.remove() }
        try c.populate()
        let sealed = try c.store.recordEvent(.custodySeal, label: "EX-1", details: ["seal": "NP-1"], by: "tech1")
        let scan = c.directory + "-scan.pdf"
        defer { try? FileManager.default.removeItem(atPath: scan) }
        let bytes = Data("%PDF-1.4 signed".utf8)
        try bytes.write(to: URL(fileURLWithPath: scan))

        let (entry, kept) = try c.store.attachScan(label: "EX-1", entry: sealed.entry.sequence, file: scan, by: "tech1")
        let sha = SHA256Hash.of([UInt8](bytes)).hex
        #expect(entry.entry.action == .custodyAttach && entry.entry.subjects == ["EX-1"])
        #expect(entry.entry.payload["entry"] == .integer(sealed.entry.sequence) && entry.entry.payload["entryHash"] == .string(sealed.hash.hex))
        #expect(entry.entry.payload["sha256"] == .string(sha) && kept.path == "photos/\(sha).pdf")
        #expect(try c.store.photoData(kept.path) == bytes)
        #expect(try c.store.verify().failure == nil)

        let before = try c.entryCount()
        try c.store.recordEvent(.custodySeize, label: "EX-2", details: ["where": "a"], by: "tech1")
        #expect(refusal { try c.store.attachScan(label: "EX-2", entry: sealed.entry.sequence, file: scan, by: "tech1") }
            == "entry \(sealed.entry.sequence) is not an entry of EX-2: pass the entry whose record was signed (`custody history EX-2` lists them); nothing was written")
        #expect(refusal { try c.store.attachScan(label: "EX-1", entry: sealed.entry.sequence, file: scan + ".missing", by: "tech1") }
            .hasPrefix("cannot read the scan \(scan).missing"))
        #expect(try c.entryCount() == before + 1, "only the seizure was written")

        // A scan changed in the case folder no longer verifies.
        if backend == .sqlite {
            try Data("%PDF-1.4 forged".utf8).write(to: URL(fileURLWithPath: c.store.path(kept.path)))
            #expect(try c.store.verify().failure?.hasPrefix("photo file \(kept.path) (entry \(entry.entry.sequence)) has SHA-256") == true)
        }
    }
}
