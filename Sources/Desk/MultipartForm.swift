import Foundation

/// A `multipart/form-data` body (RFC 7578), as the photo upload form sends it: each part's
/// field name and bytes. A part's file name and content type are read past, never used: the
/// desk tells a photo by its bytes and names the file itself.
struct MultipartForm: Sendable {
    var fields: [String: [UInt8]]

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// The boundary of a `multipart/form-data; boundary=…` content type, nil for another type.
    static func boundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.utf8.count > 70 ? nil : value
        }
        return nil
    }

    /// Splits `body` at `--boundary` lines; each part is headers, a blank line, then its bytes.
    init(body: [UInt8], boundary: String) throws(Malformed) {
        let delimiter = Array("--\(boundary)".utf8)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var fields = [String: [UInt8]]()
        guard var start = Self.find(delimiter, in: body, from: 0) else { throw Malformed(description: "no part starts with the form's boundary") }
        start += delimiter.count
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if body[start...].starts(with: Array("--".utf8)) { break }
            guard body[start...].starts(with: Array("\r\n".utf8)) else { throw Malformed(description: "a boundary is not followed by a line break") }
            let headerStart = start + 2
            guard let headerEnd = Self.find(separator, in: body, from: headerStart) else { throw Malformed(description: "a part has no end of headers") }
            let headers = String(decoding: body[headerStart..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + separator.count
            guard let next = Self.find(Array("\r\n".utf8) + delimiter, in: body, from: contentStart) else {
                throw Malformed(description: "a part does not end with the form's boundary")
            }
            if let name = Self.fieldName(headers) { fields[name] = Array(body[contentStart..<next]) }
            start = next + 2 + delimiter.count
        }
        self.fields = fields
    }

    /// The `name` parameter of a part's Content-Disposition header.
    static func fieldName(_ headers: String) -> String? {
        for line in headers.components(separatedBy: "\r\n") {
            let header = line.split(separator: ":", maxSplits: 1).map(String.init)
            guard header.count == 2, header[0].lowercased() == "content-disposition" else { continue }
            for parameter in header[1].split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard parameter.hasPrefix("name=") else { continue }
                return String(parameter.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// The first index at or after `from` where `needle` occurs in `haystack`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var index = from
        let last = haystack.count - needle.count
        while index <= last {
            guard let candidate = haystack[index...last].firstIndex(of: first) else { return nil }
            if haystack[candidate..<candidate + needle.count].elementsEqual(needle) { return candidate }
            index = candidate + 1
        }
        return nil
    }
}
