import Foundation

/// RFC 4180 CSV: fields separated by commas, records by CRLF (LF accepted), fields with a
/// comma, quote or line break enclosed in double quotes, a quote inside written twice.
public enum CSVText {
    public struct Problem: Error, Sendable {
        public var message: String
        public init(message: String) { self.message = message }
    }

    /// Records with the line each starts on (1-based). A UTF-8 BOM is skipped; a final
    /// line break does not make an empty record; blank lines are skipped.
    public static func records(_ data: Data) throws(Problem) -> [(line: Int, fields: [String])] {
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
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) { out.append((recordLine, fields)) }
            fields = []; field = ""; wasQuoted = false; afterQuote = false
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
                fields.append(field); field = ""; wasQuoted = false; afterQuote = false
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

    /// One field as RFC 4180 writes it.
    public static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record, CRLF-terminated.
    public static func record(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }
}

/// The device catalog CSV (`device import`; columns in docs/CASE-STORE.md).
