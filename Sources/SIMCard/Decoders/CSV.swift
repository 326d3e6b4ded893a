import Foundation

/// The bundled directories read as CSV tables (RFC 4180, through `CSVText`).
enum CSV {
    /// The records of `text`, the header first.
    static func records(_ text: String, file: String) throws(DecodeError) -> [[String]] {
        do {
            return try CSVText.records(Data(text.utf8)).map(\.fields)
        } catch {
            throw .invalid(what: file, why: error.message)
        }
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
