/// Reads the machine-readable exhibit marks of a court report (docs/REPORT.md): every start
/// tag with `data-exhibit="LABEL"` names an exhibit; its `data-sha256` attribute, when present,
/// lists the SHA-256 values (64 lowercase hex digits, separated by spaces) the report shows for it.
enum ReportExhibitParser {
    static func exhibitHashes(_ html: String) throws(ReportFormatError) -> [String: Set<String>] {
        var result = [String: Set<String>]()
        var isReport = false
        var scanner = TagScanner(Array(html.utf8))
        while let tag = try scanner.nextStartTag() {
            if tag.name == "meta", tag.attributes["name"] == "custody-report-format" {
                guard tag.attributes["content"] == CourtReport.format else {
                    throw ReportFormatError("the report is in format \(tag.attributes["content"] ?? "(none)"), this Custody reads \(CourtReport.format): use the Custody that wrote the bundle")
                }
                isReport = true
            }
            let hashes = tag.attributes["data-sha256"]
            guard let label = tag.attributes["data-exhibit"] else {
                if hashes != nil { throw ReportFormatError("the report lists SHA-256 values outside an exhibit (line \(scanner.line(at: tag.offset))): the report was altered") }
                continue
            }
            guard !label.isEmpty else { throw ReportFormatError("the report names an exhibit with an empty label (line \(scanner.line(at: tag.offset))): the report was altered") }
            var set = result[label] ?? []
            for value in (hashes ?? "").split(separator: " ", omittingEmptySubsequences: true) {
                guard value.utf8.count == 64, value.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                    throw ReportFormatError("exhibit \(label) lists \"\(value.prefix(80))\" as a SHA-256 (line \(scanner.line(at: tag.offset))), not 64 lowercase hex digits: the report was altered")
                }
                set.insert(String(value))
            }
            result[label] = set
        }
        guard isReport else {
            throw ReportFormatError("the page is not a Custody court report (no <meta name=\"custody-report-format\">): check that report.html is the one the export wrote")
        }
        return result
    }
}

/// A small HTML start-tag reader: enough for the pages the report templates write and for hand
/// edits of them (any attribute order, quoted or unquoted values, character references).
/// Comments are skipped, and the contents of `style` and `script` elements are not markup.
struct TagScanner {
    struct StartTag {
        var name: String
        var attributes: [String: String]
        /// Byte offset of its `<` (`line(at:)` turns it into a line number for messages).
        var offset: Int
    }

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func nextStartTag() throws(ReportFormatError) -> StartTag? {
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "<")) {
            index = open + 1
            if bytes[index...].starts(with: Array("!--".utf8)) {
                guard let end = find("-->", from: index) else { throw problem("an unterminated comment", at: open) }
                index = end + 3
                continue
            }
            guard index < bytes.count, Self.isLetter(bytes[index]) else { continue }  // end tag, doctype, text "<"
            let name = lowercased(readWhile { !Self.isSpace($0) && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: "/") })
            var attributes = [String: String]()
            while true {
                skip(Self.isSpace)
                guard index < bytes.count else { throw problem("an unterminated <\(name)> tag", at: open) }
                if bytes[index] == UInt8(ascii: ">") { index += 1; break }
                if bytes[index] == UInt8(ascii: "/") { index += 1; continue }
                let key = lowercased(readWhile { !Self.isSpace($0) && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: "/") })
                skip(Self.isSpace)
                var value = ""
                if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                    index += 1
                    skip(Self.isSpace)
                    guard index < bytes.count else { throw problem("an unterminated <\(name)> tag", at: open) }
                    let quote = bytes[index]
                    if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                        index += 1
                        guard let end = bytes[index...].firstIndex(of: quote) else { throw problem("an unterminated attribute \(key)", at: open) }
                        value = decodeReferences(bytes[index..<end])
                        index = end + 1
                    } else {
                        let start = index
                        _ = readWhile { !Self.isSpace($0) && $0 != UInt8(ascii: ">") }
                        value = decodeReferences(bytes[start..<index])
                    }
                }
                if attributes[key] == nil { attributes[key] = value }  // HTML keeps the first of duplicates
            }
            if name == "style" || name == "script" {
                guard let end = find("</\(name)", from: index) else { throw problem("an unterminated <\(name)> element", at: open) }
                index = end
            }
            return StartTag(name: name, attributes: attributes, offset: open)
        }
        index = bytes.count
        return nil
    }

    private func problem(_ what: String, at offset: Int) -> ReportFormatError {
        ReportFormatError("the report has \(what) at line \(line(at: offset)): the report was altered or cut short")
    }

    func line(at offset: Int) -> Int { bytes[..<offset].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) } }

    private func find(_ text: String, from start: Int) -> Int? { Self.find(Array(text.utf8), in: bytes, from: start) }

    /// Where `needle` first starts in `bytes` at or after `start`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private mutating func readWhile(_ accept: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = index
        while index < bytes.count, accept(bytes[index]) { index += 1 }
        return bytes[start..<index]
    }

    private mutating func skip(_ accept: (UInt8) -> Bool) { _ = readWhile(accept) }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D }
    private static func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
    private func lowercased(_ s: ArraySlice<UInt8>) -> String { String(decoding: s, as: UTF8.self).lowercased() }

    /// `&amp; &lt; &gt; &quot; &apos; &#NN; &#xHH;`; anything else stays as written.
    /// Character references decoded. Works on Unicode scalars: a `;` or `&` followed by a
    /// combining mark is one Character with it, which a search for ";" would not find.
    private func decodeReferences(_ raw: ArraySlice<UInt8>) -> String {
        let text = String(decoding: raw, as: UTF8.self)
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var out = String.UnicodeScalarView()
        var rest = Substring(text).unicodeScalars
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            rest = rest[amp...]
            guard let semicolon = rest.prefix(12).firstIndex(of: ";") else { out.append("&"); rest = rest.dropFirst(); continue }
            let name = String(rest[rest.index(after: rest.startIndex)..<semicolon])
            var scalar: Unicode.Scalar?
            switch name {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if name.hasPrefix("#") {
                    scalar = UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
                }
            }
            if let scalar {
                out.append(scalar)
                rest = rest[rest.index(after: semicolon)...]
            } else {
                out.append("&")
                rest = rest.dropFirst()
            }
        }
        out += rest
        return String(out)
    }
}
