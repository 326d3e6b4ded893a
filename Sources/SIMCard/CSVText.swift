import Foundation

/// RFC 4180 CSV: fields separated by commas, records by CRLF (LF accepted), fields with a
/// comma, quote or line break enclosed in double quotes, a quote inside written twice.
///
/// Every CSV Custody writes goes through `record`, which also guards against formula
/// injection (OWASP "CSV injection"): a value that starts with `=`, `+`, `-`, `@`, tab, carriage
/// return or `'` is written with one `'` in front, so a spreadsheet shows it as text instead of
/// evaluating it. `records` removes that `'` again (a `'` followed by one of those seven
/// characters), so reading back gives exactly the value written (docs/VERIFYING.md §2.3, formula guard).
public enum CSVText {
    /// The first characters that make a spreadsheet evaluate a cell, and the marker itself
    /// (so that a value starting with `'` survives the round trip).
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "'"]

    /// `value` as a cell: with a leading `'` when it starts like a formula (or with `'`).
    public static func neutralised(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, formulaStarts.contains(first) else { return value }
        return "'" + value
    }

    /// The value a cell holds: the cell without the `'` that `neutralised` put in front.
    public static func value(ofCell cell: String) -> String {
        let scalars = cell.unicodeScalars
        guard scalars.first == "'", let second = scalars.dropFirst().first, formulaStarts.contains(second) else { return cell }
        return String(cell.unicodeScalars.dropFirst())
    }

    public struct Problem: Error, Sendable {
        public var message: String
        public init(message: String) { self.message = message }
    }

    /// Whether `cell` is the one `field` writes for the value it holds: not a formula-looking
    /// cell without the guard (`=x`), nor a `'` that is no guard (`'x`, which `field` writes `''x`).
    public static func isGuarded(cell: String) -> Bool { neutralised(value(ofCell: cell)) == cell }

    /// Records with the line each starts on (1-based), each field the value its cell holds
    /// (`value(ofCell:)`). A UTF-8 BOM is skipped; a final line break does not make an empty
    /// record; blank lines are skipped.
    public static func records(_ data: Data) throws(Problem) -> [(line: Int, fields: [String])] {
        try cells(data).map { ($0.line, $0.fields.map(value(ofCell:))) }
    }

    /// Records as `records` gives them, each field the cell as written (RFC 4180 unquoted, the
    /// formula guard kept): for checking a file Custody wrote cell by cell.
    public static func cells(_ data: Data) throws(Problem) -> [(line: Int, fields: [String])] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Problem(message: "the file is not UTF-8 text: save it as CSV UTF-8") }
        var out = [(line: Int, fields: [String])]()
        var fields = [String]()
        var field = ""
        var line = 1, recordLine = 1
        var quoted = false, wasQuoted = false, afterQuote = false
        var chars = Array(text.unicodeScalars)
        chars.append("\n")
        var i = 0
        func endField() {
            fields.append(field); field = ""
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) { out.append((recordLine, fields)) }
            fields = []; wasQuoted = false; afterQuote = false
        }
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { quoted = false; afterQuote = true }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "," {
                endField(); wasQuoted = false; afterQuote = false
            } else if c == "\r" && i + 1 < chars.count && chars[i + 1] == "\n" {
                // CRLF: the LF ends the record.
            } else if c == "\n" {
                endRecord()
                line += 1
                recordLine = line
            } else if c == "\"" {
                guard field.isEmpty, !afterQuote else { throw Problem(message: "line \(line): a quote inside an unquoted field: enclose the field in quotes and double the quote") }
                quoted = true; wasQuoted = true
            } else {
                guard !afterQuote else { throw Problem(message: "line \(line): text after a closing quote: a quoted field must end at the comma") }
                field.unicodeScalars.append(c)
            }
            i += 1
        }
        if quoted { throw Problem(message: "line \(recordLine): a quoted field is never closed") }
        return out
    }

    /// One value as a field: neutralised, then quoted as RFC 4180 asks.
    public static func field(_ value: String) -> String {
        let s = neutralised(value)
        // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        var quoted = [UInt8]()
        quoted.reserveCapacity(s.utf8.count + 8)
        quoted.append(0x22)
        for byte in s.utf8 {
            quoted.append(byte)
            if byte == 0x22 { quoted.append(0x22) }
        }
        quoted.append(0x22)
        return String(decoding: quoted, as: UTF8.self)
    }

    /// One record, CRLF-terminated: every value through `field`.
    public static func record(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }
}

/// The device catalog CSV (`device import`; columns in docs/CASE-STORE.md).
