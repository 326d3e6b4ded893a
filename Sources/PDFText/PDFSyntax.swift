import Foundation

/// The pieces of PDF syntax Custody's PDF writers share: numbers, strings, the file around the objects.
public enum PDFSyntax {
    /// `value` with at most three decimals, "." as the decimal point and no exponent, whatever
    /// the locale: numbers as PDF (and SVG) want them.
    public static func number(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let sign = thousandths < 0 ? "-" : ""
        let whole = abs(thousandths) / 1000, fraction = abs(thousandths) % 1000
        guard fraction != 0 else { return sign + String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(sign)\(whole).\(digits)"
    }

    /// A PDF text string (a document title, …): `(…)` with '\', '(' and ')' escaped when `text`
    /// is printable ASCII, else `<FEFF…>`, UTF-16BE with its byte order mark, in NFC.
    public static func textString(_ text: String) -> String {
        let text = text.precomposedStringWithCanonicalMapping
        guard text.unicodeScalars.allSatisfy({ (" "..."~").contains($0) }) else {
            return "<FEFF" + text.utf16.map(hex).joined() + ">"
        }
        var out = "("
        for character in text {
            if "\\()".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out + ")"
    }

    /// Four uppercase hex digits.
    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// A stream object's body: `dictionary` (without its closing `>>`) gains the `/Length`.
    public static func stream(_ dictionary: String, _ content: [UInt8]) -> [UInt8] {
        Array("\(dictionary) /Length \(content.count) >>\nstream\n".utf8) + content + Array("\nendstream".utf8)
    }

    /// A PDF 1.4 file: header, `objects` numbered from 1, one cross-reference table (each entry
    /// exactly 20 bytes), trailer naming the catalog `root` and the document information `info`.
    public static func file(_ objects: [[UInt8]], root: Int, info: Int) -> [UInt8] {
        // The comment of four bytes above 127 tells transfer programs the file is binary.
        var out: [UInt8] = Array("%PDF-1.4\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
        var offsets = [Int]()
        for (index, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(index + 1) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let xref = out.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            table += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        table += "trailer\n<< /Size \(objects.count + 1) /Root \(root) 0 R /Info \(info) 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return out + Array(table.utf8)
    }
}
