import CaseStore
import Export
import Foundation
import SIMCard
import Wording

/// `custody export-operators`: per operator, the request list sent to the carrier, as a CSV of
/// its SIMs and as a letter asking for their subscriber information (`OperatorLetter`, in the
/// case's language or `--lang`). Operator from the IMSI's MCC/MNC, else the ICCID's issuer, else
/// "unknown"; CSV: RFC 4180, UTF-8 with BOM, CRLF, the same English header row in every language
/// (tools read it; docs/CASE-STORE.md); never overwrites a file.
public enum OperatorLists {
    public static let header = ["ICCID", "IMSI", "MSISDN", "Item label", "Parent label"]

    /// What was written (schema custody.export-operators/1).
    public struct Output: Encodable, Sendable {
        public var schema = "custody.export-operators/1"
        public var caseID: String
        public var files: [File]
        /// SIMs listed, over all files.
        public var sims: Int

        public struct File: Encodable, Sendable {
            public var `operator`: String
            public var source: String
            public var path: String
            /// The letter to the carrier (HTML), beside the CSV.
            public var letter: String
            public var rows: Int
        }

        enum CodingKeys: String, CodingKey { case schema, caseID, files }
    }

    /// Writes the lists and letters of every SIM with an ICCID into `folder` (created if
    /// needed), the letters in `language` (nil: the case's). Refuses before writing anything
    /// when one of the files exists.
    public static func write(_ store: CaseStore, into folder: String, language: Language? = nil) throws -> Output {
        let sims: [SIMStatus]
        sims = try inCase { () throws(CaseStoreError) in try store.simStatuses() }.filter { $0.iccid != nil }
        var groups = [String: [SIMStatus]]()
        for s in sims { groups[s.operatorName, default: []].append(s) }
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw WorkbenchError("cannot create \(folder): \(error.localizedDescription); choose another --out")
        }
        var plan = [(name: String, path: String, letter: String, rows: [SIMStatus])]()
        var used = Set<String>()
        for name in groups.keys.sorted() {
            var file = fileName(name)
            var n = 2
            while used.contains(file.lowercased()) { file = fileName(name + "-\(n)"); n += 1 }
            used.insert(file.lowercased())
            let path = (folder as NSString).appendingPathComponent(file)
            let letter = (folder as NSString).appendingPathComponent(String(file.dropLast(".csv".count)) + ".html")
            for taken in [path, letter] where fm.fileExists(atPath: taken) {
                throw WorkbenchError("\(taken) already exists: export into an empty folder (Custody never overwrites a file); nothing was written")
            }
            plan.append((name, path, letter, groups[name]!.sorted { $0.label.compare($1.label, options: .numeric) == .orderedAscending }))
        }
        let language = try language ?? inCase { () throws(CaseStoreError) in try store.language() }
        let date = Date()
        var files = [Output.File]()
        for p in plan {
            var text = "\u{FEFF}" + CSVText.record(header)
            for s in p.rows {
                text += CSVText.record([s.iccid ?? "", s.imsi ?? "", s.msisdn.joined(separator: " "), s.label, s.parent ?? ""])
            }
            let letter = OperatorLetter.html(case: store.caseRecord, operatorName: p.name, language: language, date: date, sims: p.rows.map {
                OperatorLetter.SIM(iccid: $0.iccid ?? "", imsi: $0.imsi ?? "", msisdn: $0.msisdn, label: $0.label)
            })
            for (path, contents) in [(p.path, text), (p.letter, letter)] where !fm.createFile(atPath: path, contents: Data(contents.utf8)) {
                throw WorkbenchError("cannot write \(path): check free space and permissions")
            }
            files.append(.init(operator: p.name, source: p.rows.first?.operatorSource ?? "none", path: p.path, letter: p.letter, rows: p.rows.count))
        }
        return Output(caseID: store.caseID, files: files, sims: sims.count)
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
}
