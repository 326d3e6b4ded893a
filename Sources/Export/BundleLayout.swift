import Foundation
import Ledger

/// The files of an evidence bundle (docs/VERIFYING.md) and the ledger action an export records.
public enum BundleLayout {
    public static let manifest = "MANIFEST.sha256"
    public static let ledger = "ledger.jsonl"
    public static let checkpoint = "checkpoint"
    public static let keys = "keys"
    public static let examiners = "examiners.json"
    public static let acquisitions = "acquisitions"
    public static let inventory = "inventory.csv"
    public static let custody = "custody.csv"
    public static let caseGraph = "case.jsonld"
    /// The exported messages, their campaigns and indicators (present when the export holds messages).
    public static let messages = "messages.csv"
    public static let campaigns = "campaigns.csv"
    public static let indicators = "indicators.csv"
    public static let report = "report.html"
    public static let reportPDF = "report.pdf"
    /// The folder of one proof file per entry, in bundles from before issue 19 (`proofPath`).
    public static let proofs = "proofs"
    /// report.html's further pages when the report is long (docs/REPORT.md "Pages"): report/0002.html, …
    public static let reportPages = "report"

    /// The entry an export appends: it carries the manifest hash of the sealed files.
    public static let exportAction: LedgerAction = "export.bundle"

    /// Whether `path` is sealed: written before the export entry and covered by its
    /// `manifestSHA256`. The ledger, the checkpoint and the proofs (`proofs.jsonl` and
    /// `proofs.idx`, or the folder `proofs/` of bundles from before issue 19) are written after
    /// that entry (they contain it) and prove themselves; MANIFEST.sha256 lists every other file.
    public static func isSealed(_ path: String) -> Bool {
        path != manifest && path != ledger && path != checkpoint && path != proofLines && path != proofIndex && !path.hasPrefix(proofs + "/")
    }

    public static func proofPath(_ seq: Int64) -> String { "\(proofs)/\(seq).tlog-proof" }
    /// Page `number` (from 2) of report.html; page 1 is report.html itself.
    public static func reportPage(_ number: Int) -> String { reportPages + "/" + String(format: "%04d.html", number) }
    /// Whether `path` is one of report.html's further pages.
    public static func isReportPage(_ path: String) -> Bool { path.hasPrefix(reportPages + "/") && path.hasSuffix(".html") }
    /// The link from page `from` to page `number` of report.html, relative to where `from` lies.
    static func reportPageLink(_ number: Int, from: Int) -> String {
        let target = number == 1 ? report : reportPage(number)
        return from == 1 ? target : (number == 1 ? "../" + report : String(target.dropFirst(reportPages.count + 1)))
    }
    public static func keyPath(_ key: VerifierKey) -> String { "\(keys)/\(key.keyID.hex).pub" }
    public static func acquisitionPath(_ seq: Int64, redacted: Bool) -> String {
        "\(acquisitions)/\(seq)\(redacted ? ".redacted" : "").json"
    }

    /// Lowercase hex SHA-256 of `bytes`.
    public static func sha256(_ bytes: some DataProtocol) -> String {
        SHA256Hash.of([UInt8](bytes)).hex
    }
}

/// `MANIFEST.sha256`: one line per file in `sha256sum` text form, `<64 hex>  <path>\n`,
/// sorted by path (byte order), every file of the bundle but itself.
public struct Manifest: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var path: String
        public var sha256: String
    }

    public private(set) var lines: [Line]

    public init(_ files: [String: String]) {
        lines = files.map { Line(path: $0.key, sha256: $0.value) }.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    }

    public var text: String { Manifest.text(lines) }

    static func text(_ lines: [Line]) -> String { lines.map { "\($0.sha256)  \($0.path)\n" }.joined() }

    /// SHA-256 of the manifest lines of the sealed files (`BundleLayout.isSealed`), in order:
    /// the value the export entry's `manifestSHA256` carries.
    public var sealedSHA256: String { BundleLayout.sha256(Data(Manifest.text(lines.filter { BundleLayout.isSealed($0.path) }).utf8)) }

    public var sealedCount: Int { lines.count { BundleLayout.isSealed($0.path) } }

    /// Parses the file: each line well formed, paths relative without `.`/`..` parts, sorted, unique.
    public init(parsing data: Data) throws(BundleProblem) {
        guard let text = String(data: data, encoding: .utf8) else { throw BundleProblem(BundleLayout.manifest, "is not UTF-8") }
        guard text.isEmpty || text.hasSuffix("\n") else { throw BundleProblem(BundleLayout.manifest, "last line has no newline") }
        var out = [Line]()
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let n = i + 1
            let hex = raw.prefix(64), sep = raw.dropFirst(64).prefix(2), path = String(raw.dropFirst(66))
            guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }), sep == "  ", !path.isEmpty else {
                throw BundleProblem(BundleLayout.manifest, line: n, "is not \"<64 lowercase hex>  <path>\"")
            }
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
                throw BundleProblem(BundleLayout.manifest, line: n, "path \(path) is not a plain relative path")
            }
            if let last = out.last, !Array(last.path.utf8).lexicographicallyPrecedes(Array(path.utf8)) {
                throw BundleProblem(BundleLayout.manifest, line: n, "\(path) is out of order or listed twice (paths are sorted by byte)")
            }
            out.append(Line(path: path, sha256: String(hex)))
        }
        lines = out
    }
}

/// The first thing wrong with a bundle: the file, the line when there is one, and why.
public struct BundleProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var reason: String

    public init(_ file: String, line: Int? = nil, _ reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file)\(line.map { " line \($0)" } ?? ""): \(reason)" }
}
