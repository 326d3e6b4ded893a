import Foundation
import PDFText

/// The fonts labels print in: DejaVu Sans and DejaVu Sans Bold from the Debian package
/// fonts-dejavu-core (Scripts/setup installs it), read once. They cover Latin with every
/// Vietnamese letter, Greek and Cyrillic; a PDF embeds the subset a sheet uses.
struct LabelFonts: Sendable {
    let regular: TrueTypeFont
    let bold: TrueTypeFont

    static let folder = "/usr/share/fonts/truetype/dejavu"

    /// The installed fonts, read on first use.
    static func installed() throws(LabelError) -> LabelFonts { try loaded.get() }

    private static let loaded = Result { () throws(LabelError) -> LabelFonts in try load(from: folder) }

    /// DejaVuSans.ttf and DejaVuSans-Bold.ttf from `folder`.
    static func load(from folder: String) throws(LabelError) -> LabelFonts {
        let paths = [folder + "/DejaVuSans.ttf", folder + "/DejaVuSans-Bold.ttf"]
        guard paths.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) else { throw .fontNotInstalled }
        do { return LabelFonts(regular: try TrueTypeFont(path: paths[0]), bold: try TrueTypeFont(path: paths[1])) } catch {
            throw .font(error)
        }
    }

    subscript(_ style: LabelFont) -> TrueTypeFont { style == .regular ? regular : bold }
}

/// The two styles on a label: bold for the item label, regular for the rest.
enum LabelFont: Sendable, Hashable {
    case regular, bold
}

extension TrueTypeFont {
    /// Height of a capital letter, in em: where the baseline sits below the top of a line.
    var capHeightInEm: Double { Double(capHeight) / Double(unitsPerEm) }

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
    /// `text` in NFC (precomposed letters: "ễ" is one glyph), other whitespace as a space. The
    /// QR code carries the label's exact UTF-8 text, whatever its form.
    static func printed(_ text: String) -> String {
        String(String.UnicodeScalarView(text.precomposedStringWithCanonicalMapping.unicodeScalars.map {
            $0 != " " && $0.properties.isWhitespace ? " " : $0
        }))
    }
}
