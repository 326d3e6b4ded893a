import ArgumentParser
import CaseStore
import Export
import Foundation
import Ledger
import Workbench

/// What `--redact` may take out of a bundle.
enum RedactedData: String, ExpressibleByArgument, CaseIterable {
    case pins
}

/// `custody export`: the evidence bundle (the default, `custody export --out BUNDLE`) or one system's annex.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an evidence bundle (the default: custody export --out BUNDLE), or print one system's item-level annex (custody export annex).",
        subcommands: [ExportBundle.self, ExportAnnex.self],
        defaultSubcommand: ExportBundle.self
    )
}

struct ExportBundle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Write an evidence bundle: ledger, signed checkpoint, keys, roster, proofs, acquisition records, CSV inventory and custody events, SHA-256 manifest.",
        discussion: "Records an export.bundle entry carrying the manifest hash of the files written before it, then signs a checkpoint over the ledger up to that entry. Writes to a temporary folder beside --out and renames it at the end; never overwrites --out. The court report (report.html in full, report.pdf its printed summary) is in the case's language or --lang; the CSV tables, the CASE/UCO graph and the ledger are the same in every language. Format and checks: docs/VERIFYING.md. `custody export annex SYSTEM --out FILE.pdf` prints the item-level annex of one seized system."
    )
    @OptionGroup var selection: CaseSelection
    @Option(help: ArgumentHelp("The bundle folder to create (must not exist).", valueName: "BUNDLE")) var out: String
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Export only these items and everything inside them (default: the whole case).", valueName: "LABEL"))
    var items: [String] = []
    @Option(help: ArgumentHelp("Take data out of the acquisition records: pins (PIN states, tries, PIN presentation).", valueName: "pins"))
    var redact: [RedactedData] = []
    @Flag(help: "Also write the bundle as one ZIP file, BUNDLE.zip (stored, not compressed; unzip it before `custody verify`).")
    var zip = false
    @Option(help: ArgumentHelp("Language of the court report: vi or en (default: the case's language).", valueName: "LANG")) var lang: String?
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print JSON (schema custody.export/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let language = try DocumentLanguage.resolve(lang, store: store)
            let examiner = try by.id(in: store)
            let options = Exporter.Options(out: out, items: items, redactPins: redact.contains(.pins), zip: zip, examiner: examiner,
                                           tool: Custody.identity, language: language)
            let r = try BundleExport.export(store, options: options, redacted: redact.map(\.rawValue))
            if json { return try printJSON(r) }
            if !r.removedPartials.isEmpty {
                print("removed \(r.removedPartials.count) unfinished folder(s) or ZIP file(s) of earlier exports to this --out whose process had ended: \(r.removedPartials.joined(separator: ", "))")
            }
            print("bundle \(r.bundle): \(r.items) items, \(r.entries) entries and the export entry, \(r.acquisitions) acquisition records\(redact.isEmpty ? "" : " (PINs redacted)"), \(r.proofs) proofs, \(r.files) files")
            if let zip = r.zip { print("ZIP \(zip): the same files, stored") }
            print("recorded entry \(r.exportEntry) export.bundle (sealed files' manifest SHA-256 \(r.manifestSHA256)); checkpoint size \(r.checkpointSize), root \(r.checkpointRoot)")
        }
    }
}

struct ExportAnnex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annex",
        abstract: "Print the item-level PDF annex of one seized system: its devices, ports, slots and SIMs with identifiers, hashes and custody entries.",
        discussion: "The court report of that item and everything inside it, printed like report.pdf; its \"How to verify\" section gives the ledger's size and Merkle root as they are now. Writes nothing to the case. Layout: docs/REPORT.md."
    )
    @OptionGroup var selection: CaseSelection
    @Argument(help: ArgumentHelp("The label of the system (or any item) the annex lists.", valueName: "SYSTEM-LABEL")) var label: String
    @Option(help: ArgumentHelp("The PDF file to write (must not exist).", valueName: "FILE.pdf")) var out: String
    @Option(help: ArgumentHelp("Language of the annex: vi or en (default: the case's language).", valueName: "LANG")) var lang: String?
    @Flag(help: "Print JSON (schema custody.annex/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let language = try DocumentLanguage.resolve(lang, store: store)
            let r = try ReportAnnex.write(store, label: label, out: out, language: language, tool: Custody.identity)
            if json { return try printJSON(r) }
            print("annex \(r.pdf): \(r.label) and everything inside it, \(r.items) items (\(r.sims) SIMs), as of ledger entry \(r.ledgerEntries - 1)")
        }
    }
}

struct VerifyBundle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify an evidence bundle offline: manifest, every signature and hash, the checkpoint, every proof, and that each file agrees with the ledger.",
        discussion: "Needs no case store. Exit 0 when everything holds; otherwise prints the first failure (file and line) and exits 1. Pin the station key you received out of band with --key: without it the bundle's own keys/ are trusted."
    )
    @Argument(help: ArgumentHelp("The bundle folder.", valueName: "BUNDLE")) var bundle: String
    @Option(help: ArgumentHelp("File with the station verifier key(s) to trust, obtained out of band.", valueName: "FILE")) var key: String?
    @Option(help: ArgumentHelp("A signed checkpoint of this case received earlier: the bundle's ledger must extend it.", valueName: "FILE")) var checkpoint: String?
    @Flag(help: "Print JSON (schema custody.verify/1).") var json = false

    struct Output: Encodable {
        var schema = "custody.verify/1"
        var valid: Bool
        var bundle: String
        var trustedKey: String
        var failure: String?
        var files: Int?
        var entries: Int?
        var wholeLedger: Bool?
        var checkpointSize: Int?
        var checkpointRoot: String?
        var checkpointSigner: String?
        var earlierCheckpointSize: Int?
        var proofs: Int?
        var exportEntry: Int64?
        var sealedFiles: Int?
        var scope: String?
        var selected: [String]?
        var redacted: [String]?
        var checked: [String: Int]?
    }

    func run() throws {
        try reportingFailures {
            let pinned = try key.map { path in
                let text = try readTextFile(path, what: "--key")
                return try inCase { () throws(CaseStoreError) in try CaseStore.parseKeys(text, source: path) }
            }
            let trust = pinned == nil ? "bundle" : "pinned"
            let earlier = try checkpoint.map { (source: $0, note: try readTextFile($0, what: "--checkpoint")) }
            let v: BundleVerification
            do throws(BundleProblem) { v = try BundleVerifier.verify(bundle: bundle, pinnedKeys: pinned, earlierCheckpoint: earlier) } catch {
                if json { try printJSON(Output(valid: false, bundle: bundle, trustedKey: trust, failure: error.description)) }
                throw CustodyFailure("bundle verification FAILED: \(error.description)")
            }
            if json {
                try printJSON(Output(valid: true, bundle: bundle, trustedKey: trust, files: v.files + 1, entries: v.entries,
                                     wholeLedger: v.wholeLedger, checkpointSize: v.checkpoint.size, checkpointRoot: v.checkpoint.root.base64,
                                     checkpointSigner: v.checkpointSigner.description, earlierCheckpointSize: v.earlierCheckpoint?.size, proofs: v.proofs, exportEntry: v.exportSequence, sealedFiles: v.sealedFiles, scope: v.scope,
                                     selected: v.selected, redacted: v.redacted,
                                     checked: Dictionary(v.checked.map { ($0.name, $0.count) }, uniquingKeysWith: { a, _ in a })))
                return
            }
            print("bundle OK: \(bundle) (exported by \(v.tool.isEmpty ? "an unknown tool" : v.tool), \(v.scope == "all" ? "the whole case" : "items " + v.selected.joined(separator: ", ")))")
            print("  MANIFEST.sha256: \(v.files + 1) files; every listed file present with its SHA-256, none missing, none added")
            print("  ledger.jsonl: \(v.entries) entries (\(v.wholeLedger ? "the whole ledger: every hash, link, signature and roster rule" : "an excerpt: every hash, signature and roster rule; links between consecutive entries"))")
            print("  checkpoint: size \(v.checkpoint.size), root \(v.checkpoint.root.base64), signed by \(v.checkpointSigner) (the export entry's station key)")
            if let earlier = v.earlierCheckpoint {
                print("  --checkpoint \(checkpoint!): size \(earlier.size), root \(earlier.root.base64): the bundle's ledger extends it")
            }
            print("  proofs: \(v.proofs) inclusion proofs, one per entry, against the checkpoint")
            print("  export entry \(v.exportSequence): the \(v.sealedFiles) files written before it hash to the manifest hash it records")
            print("  agree with the ledger: " + v.checked.map { "\($0.name) \($0.count)" }.joined(separator: ", ")
                  + (v.redacted.isEmpty ? "" : "; acquisition records REDACTED (\(v.redacted.joined(separator: ", "))): checked by the original record hash they name, not by their own bytes"))
            if pinned == nil {
                print("  trusted key: only the bundle's own keys/ — anyone can re-sign a bundle with a new key; pin the station key you received out of band with --key FILE")
            } else {
                print("  trusted key: \(key!) (pinned): entry 0 is signed by it and the checkpoint by the export station's key, bound from it through the ledger")
            }
        }
    }
}
