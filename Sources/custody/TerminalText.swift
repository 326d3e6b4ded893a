import Foundation

/// Text on the examiner's terminal. Card data (SMS texts, contact names, an SPN) and case text
/// (labels, notes, catalog fields) may hold any character, and some of them act on a terminal
/// instead of showing: ESC starts a control sequence that can clear the screen or rewrite
/// lines, BEL rings, a line feed or carriage return makes one value look like several lines
/// (a forged line of output), a right-to-left override turns the text after it around.
/// Human output shows each such character as an escape instead; JSON output is written exactly
/// (JSON escapes what it must) and is never passed through here.
enum TerminalText {
    /// Every control character but tab (C0 U+0000–U+001F, DEL U+007F, C1 U+0080–U+009F), the
    /// Unicode line and paragraph separators (U+2028, U+2029) and the bidirectional formatting
    /// characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
    static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `text` with each character of `mustEscape` written as `\n` (line feed), `\r` (carriage
    /// return) or `\u{XX}` (its code point in hex, e.g. `\u{1B}` for ESC): always one line.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: mustEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard mustEscape(scalar) else { out.append(scalar); continue }
            switch scalar {
            case "\n": out.append(contentsOf: #"\n"#.unicodeScalars)
            case "\r": out.append(contentsOf: #"\r"#.unicodeScalars)
            default: out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            }
        }
        return String(out)
    }

    /// The longest error line printed whole, in characters.
    static let errorLineLimit = 1_000

    /// `line` escaped, and when longer than `errorLineLimit`, its middle left out (and counted):
    /// an error that echoes a 100,000-character label still fits a screen, with what failed
    /// (the start) and what to do (the end).
    static func errorLine(_ line: String) -> String {
        let text = escaped(line)
        guard text.count > errorLineLimit else { return text }
        let head = errorLineLimit * 2 / 3, tail = errorLineLimit / 4
        return "\(text.prefix(head))…[\(text.count - head - tail) characters left out]…\(text.suffix(tail))"
    }
}

/// Every line the CLI prints for a person goes through this function, which shadows
/// `Swift.print` inside this module: the printed text is escaped (`TerminalText.escaped`), so
/// one call prints one line. Machine output (JSON, documents such as checkpoints and proofs)
/// calls `Swift.print` or writes the bytes itself.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Swift.print(TerminalText.escaped(items.map { "\($0)" }.joined(separator: separator)), terminator: terminator)
}
