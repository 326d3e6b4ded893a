import Foundation
import SIMCard

public enum DeviceCSV {
    /// Columns in the documented order; a file may hold any of them in any order, `label` and `type` are required.
    public static let columns = ["label", "type", "parent", "make", "model", "serial", "mac", "imei", "imei2", "hostname",
                                 "count", "condition", "location", "seal", "note", "ports", "slots_per_port", "iccid"]

    /// One catalog row for `spec`, in `columns` order (blank for an absent field): what `parse`
    /// reads back as the same spec.
    public static func fields(of s: DeviceSpec) -> [String] {
        let values: [String: String?] = [
            "label": s.label, "type": s.type.rawValue, "parent": s.parent, "make": s.make, "model": s.model, "serial": s.serial,
            "mac": s.mac, "imei": s.imeis.first, "imei2": s.imeis.dropFirst().first, "hostname": s.hostname,
            "count": s.count.map(String.init), "condition": s.condition, "location": s.location, "seal": s.seal, "note": s.note,
            "ports": s.ports.map(String.init), "slots_per_port": s.slotsPerPort.map(String.init), "iccid": s.iccid,
        ]
        return columns.map { (values[$0] ?? nil) ?? "" }
    }

    /// A whole catalog file: the header row, then one row per spec (RFC 4180, CRLF).
    public static func text(_ specs: [DeviceSpec]) -> String {
        var out = CSVText.record(columns)
        for s in specs { out += CSVText.record(fields(of: s)) }
        return out
    }


    /// `field` without leading and trailing white space (`CharacterSet.whitespaces`). Most cells
    /// have none, and Foundation's trimming bridges every string it is given: that was a quarter
    /// of the time of a 70,000-row import.
    static func trimmed(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, let last = field.unicodeScalars.last,
              CharacterSet.whitespaces.contains(first) || CharacterSet.whitespaces.contains(last) else { return field }
        return field.trimmingCharacters(in: .whitespaces)
    }

    static func parse(_ data: Data) throws(CSVText.Problem) -> [(line: Int, spec: DeviceSpec)] {
        let records = try CSVText.records(data)
        guard let header = records.first else { throw CSVText.Problem(message: "the file is empty: the first line must name the columns (label,type,…)") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var index = [String: Int]()
        for (i, n) in names.enumerated() {
            guard columns.contains(n) else {
                throw CSVText.Problem(message: "line \(header.line): unknown column \"\(n)\": the columns are \(columns.joined(separator: ","))")
            }
            guard index[n] == nil else { throw CSVText.Problem(message: "line \(header.line): column \(n) is named twice") }
            index[n] = i
        }
        for required in ["label", "type"] where index[required] == nil {
            throw CSVText.Problem(message: "line \(header.line): the header lacks the \(required) column")
        }
        var out = [(line: Int, spec: DeviceSpec)]()
        for r in records.dropFirst() {
            guard r.fields.count == names.count else {
                throw CSVText.Problem(message: "line \(r.line): \(r.fields.count) fields, the header has \(names.count)")
            }
            /// The cell as entered, trimmed and in NFC (the file's own bytes are identified by the
            /// SHA-256 in the `device.import` entry).
            func value(_ name: String) -> String? {
                guard let i = index[name] else { return nil }
                let v = trimmed(r.fields[i]).precomposedStringWithCanonicalMapping
                return v.isEmpty ? nil : v
            }
            func number(_ name: String) throws(CSVText.Problem) -> Int? {
                guard let v = value(name) else { return nil }
                guard let n = Int(v) else { throw CSVText.Problem(message: "line \(r.line): \(name) \"\(v)\" is not a whole number") }
                return n
            }
            guard let label = value("label") else { throw CSVText.Problem(message: "line \(r.line): label is empty") }
            guard let type = value("type") else { throw CSVText.Problem(message: "line \(r.line): type is empty") }
            var s = DeviceSpec(label: label, type: ItemType(rawValue: type.lowercased()), parent: value("parent"))
            s.make = value("make"); s.model = value("model"); s.serial = value("serial"); s.mac = value("mac")
            s.imeis = [value("imei"), value("imei2")].compactMap { $0 }
            s.hostname = value("hostname"); s.condition = value("condition"); s.location = value("location")
            s.seal = value("seal"); s.note = value("note"); s.iccid = value("iccid")
            s.count = try number("count"); s.ports = try number("ports"); s.slotsPerPort = try number("slots_per_port")
            out.append((r.line, s))
        }
        return out
    }
}
