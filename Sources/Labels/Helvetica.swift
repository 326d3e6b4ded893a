import Foundation

/// The two standard PDF fonts labels use (Helvetica, Helvetica-Bold: every PDF reader has them,
/// nothing is embedded) and their advance widths, to fit text into a label.
enum Helvetica: Sendable {
    case regular, bold

    /// The PDF base font name.
    var baseFont: String { self == .regular ? "Helvetica" : "Helvetica-Bold" }

    /// Advance widths in 1/1000 em of the printable ASCII characters 0x20…0x7E under
    /// WinAnsiEncoding (0x27 quotesingle, 0x60 grave), from Adobe's font metrics.
    private var widths: [Int] {
        switch self {
        case .regular: [
            278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
            556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
            1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
            667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
            333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
            556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
        ]
        case .bold: [
            278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
            556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
            975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
            667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
            333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
            611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
        ]
        }
    }

    /// Height of a capital letter, in em: where the baseline sits below the top of a line.
    static let capHeight = 0.718

    /// Width in points of `text` (printable ASCII, see `LabelText.printable`) at `size` points.
    func width(_ text: String, size: Double) -> Double {
        let table = widths
        let units = text.utf8.reduce(0) { sum, byte in sum + table[Int(byte) - 0x20] }
        return Double(units) * size / 1000
    }

    /// `text` broken into lines no wider than `width` at `size`: a line ends after a '/', '-',
    /// '_', '.' or space when one is on it, else where the next character would not fit.
    func wrap(_ text: String, size: Double, width: Double) -> [String] {
        var lines = [String]()
        var line = ""
        for character in text {
            if line.isEmpty || self.width(line + String(character), size: size) <= width {
                line.append(character)
                continue
            }
            if let cut = line.lastIndex(where: { "/-_. ".contains($0) }) {
                let head = String(line[...cut])
                let tail = String(line[line.index(after: cut)...])
                lines.append(head.trimmingCharacters(in: .whitespaces))
                line = tail + String(character)
            } else {
                lines.append(line)
                line = String(character)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// `text` cut short with "..." so that it is no wider than `width` at `size`.
    func truncate(_ text: String, size: Double, width: Double) -> String {
        guard self.width(text, size: size) > width else { return text }
        var kept = text
        while !kept.isEmpty, self.width(kept + "...", size: size) > width { kept.removeLast() }
        return kept + "..."
    }
}

/// Text as the label sheet prints it.
enum LabelText {
    /// `text` in printable ASCII, so that it can be shown with a standard PDF font under
    /// WinAnsiEncoding and measured with `Helvetica.width`: accents are dropped ("Nguyễn" →
    /// "Nguyen", "đ" → "d"), other whitespace becomes a space, and any other character becomes
    /// "?". Only the printed text is changed: a label's QR code carries its exact UTF-8 text.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar {
            case " "..."~": out.unicodeScalars.append(scalar)
            case "\u{0111}": out += "d"
            case "\u{0110}": out += "D"
            case _ where scalar.properties.generalCategory == .nonspacingMark: continue
            case _ where scalar.properties.isWhitespace: out += " "
            default: out += "?"
            }
        }
        return out
    }
}
