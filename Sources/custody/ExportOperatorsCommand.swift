import ArgumentParser
import CaseStore
import Foundation
import SIMCard

struct ExportOperators: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-operators",
        abstract: "One CSV per operator listing its SIMs (ICCID, IMSI, MSISDN, item, parent): the request lists sent to carriers.",
        discussion: "Operator from the IMSI's MCC/MNC, else the ICCID's issuer, else \"unknown\". RFC 4180, UTF-8 with BOM, CRLF. Never overwrites a file."
    )
    @Option(help: "Folder for the CSV files (created if needed).") var out: String
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.export-operators/1).") var json = false

    static let header = ["ICCID", "IMSI", "MSISDN", "Item label", "Parent label"]

    struct Output: Encodable {
        var schema = "custody.export-operators/1"
        var caseID: String
        var files: [File]
        struct File: Encodable {
            var `operator`: String
            var source: String
            var path: String
            var rows: Int
        }
    }

    /// A file name from an operator name: letters, digits, '-', '_', '.' kept, the rest '_'.
    static func fileName(_ name: String) -> String {
        var s = String(name.unicodeScalars.map { u -> Character in
            (u.isASCII && (u.properties.isAlphabetic || ("0"..."9").contains(u) || "-_.".unicodeScalars.contains(u))) ? Character(u) : "_"
        })
        while s.contains("__") { s = s.replacingOccurrences(of: "__", with: "_") }
        s = s.trimmingCharacters(in: CharacterSet(charactersIn: "_."))
        return (s.isEmpty ? "unknown" : String(s.prefix(80))) + ".csv"
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let sims = try inCase { () throws(CaseStoreError) in try store.simStatuses() }.filter { $0.iccid != nil }
            var groups = [String: [SIMStatus]]()
            for s in sims { groups[s.operatorName, default: []].append(s) }
            let fm = FileManager.default
            do { try fm.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                throw CustodyFailure("cannot create \(out): \(error.localizedDescription); choose another --out")
            }
            var plan = [(name: String, path: String, rows: [SIMStatus])]()
            var used = Set<String>()
            for name in groups.keys.sorted() {
                var file = Self.fileName(name)
                var n = 2
                while used.contains(file.lowercased()) { file = Self.fileName(name + "-\(n)"); n += 1 }
                used.insert(file.lowercased())
                let path = (out as NSString).appendingPathComponent(file)
                if fm.fileExists(atPath: path) {
                    throw CustodyFailure("\(path) already exists: export into an empty folder (Custody never overwrites a file); nothing was written")
                }
                plan.append((name, path, groups[name]!.sorted { $0.label.compare($1.label, options: .numeric) == .orderedAscending }))
            }
            var files = [Output.File]()
            for p in plan {
                var text = "\u{FEFF}" + CSVText.record(Self.header)
                for s in p.rows {
                    text += CSVText.record([s.iccid ?? "", s.imsi ?? "", s.msisdn.joined(separator: " "), s.label, s.parent ?? ""])
                }
                guard fm.createFile(atPath: p.path, contents: Data(text.utf8)) else {
                    throw CustodyFailure("cannot write \(p.path): check free space and permissions")
                }
                files.append(.init(operator: p.name, source: p.rows.first?.operatorSource ?? "none", path: p.path, rows: p.rows.count))
            }
            if json { try printJSON(Output(caseID: store.caseID, files: files)); return }
            for f in files { print("\(f.path)\t\(f.rows) SIMs\t\(f.operator) (\(f.source))") }
            printError("\(files.count) operator files, \(sims.count) SIMs, in \(out)")
        }
    }
}
