import Foundation

/// A small RFC 4180 reader for the bundled directories: comma-separated fields, fields in
/// double quotes may hold commas, line breaks and doubled quotes (`""`); records end in CRLF
/// or LF. A final line break is optional; blank lines are skipped.
enum CSV {
    /// The records of `text`, the header first.
    static func records(_ text: String, file: String) throws(DecodeError) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = String.UnicodeScalarView()
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()

        func endField() {
            record.append(String(field))
            field = String.UnicodeScalarView()
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            if record != [""] { records.append(record) }
            record = []
        }

        while let scalar = pending {
            pending = scalars.next()
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" { field.append("\""); pending = scalars.next() } else { inQuotes = false }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                endField()
            case "\r" where pending == "\n":
                continue
            case "\n":
                endRecord()
                line += 1
            case "\"":
                guard field.isEmpty, !fieldWasQuoted else {
                    throw .invalid(what: file, why: "stray double quote on line \(line)")
                }
                inQuotes = true
                fieldWasQuoted = true
            default:
                guard !fieldWasQuoted else {
                    throw .invalid(what: file, why: "text after a closing quote on line \(line)")
                }
                field.append(scalar)
            }
        }
        guard !inQuotes else { throw .invalid(what: file, why: "unterminated quoted field at end of file") }
        endRecord()
        return records
    }

    /// Records as dictionaries keyed by the header, requiring `columns` in the header and the
    /// header's field count in every record.
    static func table(_ text: String, file: String, columns: [String]) throws(DecodeError) -> [[String: String]] {
        let all = try records(text, file: file)
        guard let header = all.first else { throw .invalid(what: file, why: "empty file") }
        for column in columns where !header.contains(column) {
            throw .invalid(what: file, why: "missing column \"\(column)\"")
        }
        var rows: [[String: String]] = []
        rows.reserveCapacity(all.count - 1)
        for (offset, record) in all.dropFirst().enumerated() {
            guard record.count == header.count else {
                throw .invalid(what: file, why: "record \(offset + 1) has \(record.count) fields, the header \(header.count)")
            }
            rows.append(Dictionary(uniqueKeysWithValues: zip(header, record)))
        }
        return rows
    }

    /// The text of a CSV file bundled with this module. A missing or unreadable resource is a
    /// packaging bug, not a runtime condition, hence the precondition failure.
    static func bundledText(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil),
              let text = try? String(contentsOf: url, encoding: .utf8)
        else { preconditionFailure("packaging bug: resource \(name) is missing from the SIMCard bundle") }
        return text
    }
}
