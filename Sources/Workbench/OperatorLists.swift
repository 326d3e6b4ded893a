import CaseStore
import Foundation
import SIMCard

/// `custody export-operators`: one CSV per operator listing its SIMs, the request lists sent to
/// carriers. Operator from the IMSI's MCC/MNC, else the ICCID's issuer, else "unknown"; RFC
/// 4180, UTF-8 with BOM, CRLF; never overwrites a file.
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
            public var rows: Int
        }

        enum CodingKeys: String, CodingKey { case schema, caseID, files }
    }

    /// Writes the lists of every SIM with an ICCID into `folder` (created if needed). Refuses
    /// before writing anything when one of the files exists.
    public static func write(_ store: CaseStore, into folder: String) throws -> Output {
        let sims: [SIMStatus]
        sims = try inCase { () throws(CaseStoreError) in try store.simStatuses() }.filter { $0.iccid != nil }
        var groups = [String: [SIMStatus]]()
        for s in sims { groups[s.operatorName, default: []].append(s) }
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw WorkbenchError("cannot create \(folder): \(error.localizedDescription); choose another --out")
        }
        var plan = [(name: String, path: String, rows: [SIMStatus])]()
        var used = Set<String>()
        for name in groups.keys.sorted() {
            var file = fileName(name)
            var n = 2
            while used.contains(file.lowercased()) { file = fileName(name + "-\(n)"); n += 1 }
            used.insert(file.lowercased())
            let path = (folder as NSString).appendingPathComponent(file)
            if fm.fileExists(atPath: path) {
                throw WorkbenchError("\(path) already exists: export into an empty folder (Custody never overwrites a file); nothing was written")
            }
            plan.append((name, path, groups[name]!.sorted { $0.label.compare($1.label, options: .numeric) == .orderedAscending }))
        }
        var files = [Output.File]()
        for p in plan {
            var text = "\u{FEFF}" + CSVText.record(header)
            for s in p.rows {
                text += CSVText.record([s.iccid ?? "", s.imsi ?? "", s.msisdn.joined(separator: " "), s.label, s.parent ?? ""])
            }
            guard fm.createFile(atPath: p.path, contents: Data(text.utf8)) else {
                throw WorkbenchError("cannot write \(p.path): check free space and permissions")
            }
            files.append(.init(operator: p.name, source: p.rows.first?.operatorSource ?? "none", path: p.path, rows: p.rows.count))
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
