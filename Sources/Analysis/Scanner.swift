import Foundation

/// A text folded scalar by scalar, each folded scalar remembering the NFC code point it came
/// from, so that what the scanner finds in the folded text can be cited in the NFC text.
struct FoldedText {
    var scalars: [Unicode.Scalar]
    /// For each folded scalar, the index of the NFC code point it came from.
    var origins: [Int32]
    var nfcCount: Int

    init(nfc: String) {
        scalars = []
        origins = []
        scalars.reserveCapacity(nfc.utf8.count)
        origins.reserveCapacity(nfc.utf8.count)
        var index: Int32 = 0
        for scalar in nfc.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                scalars.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(value + 0x20)! : scalar)
                origins.append(index)
            } else if let folded = Folding.table[value] {
                for f in folded {
                    scalars.append(f)
                    origins.append(index)
                }
            } else if !(0x0300...0x036F).contains(value), scalar.properties.generalCategory != .nonspacingMark {
                for f in scalar.properties.lowercaseMapping.unicodeScalars {
                    scalars.append(f)
                    origins.append(index)
                }
            }
            index += 1
        }
        nfcCount = Int(index)
    }

    func string(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }
}

/// The folded forms of the Latin letters with diacritics (Vietnamese's among them) and of the
/// full-width forms: compatibility decomposition, combining marks removed, đ → d, lower case.
/// Computed once; other scalars are only lower-cased (emoji, other scripts).
enum Folding {
    static let table: [UInt32: [Unicode.Scalar]] = {
        var table = [UInt32: [Unicode.Scalar]]()
        let ranges: [ClosedRange<UInt32>] = [0x00A0...0x024F, 0x1E00...0x1EFF, 0xFF01...0xFF5E, 0x2000...0x206F]
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                var folded = [Unicode.Scalar]()
                for part in String(scalar).decomposedStringWithCompatibilityMapping.unicodeScalars {
                    if (0x0300...0x036F).contains(part.value) || part.properties.generalCategory == .nonspacingMark { continue }
                    folded.append(contentsOf: part.properties.lowercaseMapping.unicodeScalars)
                }
                table[value] = folded
            }
        }
        table[0x0110] = ["d"]
        table[0x0111] = ["d"]
        return table
    }()
}

/// One value found by the scanner: its kind, where it is in the folded text, its normalised value.
struct ScannedValue {
    var kind: TokenKind
    var range: Range<Int>
    var value: String
}

/// Finds the maskable values of a folded text in one pass, left to right: at the start of each
/// word it tries, in order, a URL, an e-mail address, a handle, a phone number, an amount, a
/// number and a code (docs/ANALYSIS.md, "Normalisation"). A hand-written scanner rather than
/// regular expressions: it runs on every message of a seizure (millions).
struct ValueScanner {
    let s: [Unicode.Scalar]
    var n: Int { s.count }

    init(_ folded: FoldedText) { s = folded.scalars }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
    static func isLower(_ c: Unicode.Scalar) -> Bool { c.value >= 0x61 && c.value <= 0x7A }
    static func isAlnum(_ c: Unicode.Scalar) -> Bool { isDigit(c) || isLower(c) }
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x80 ? (c == " " || c == "\t" || c == "\n" || c == "\r") : c.properties.isWhitespace
    }
    static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        isAlnum(c) || (c.value >= 0x80 && c.properties.isAlphabetic)
    }

    /// Characters inside addresses and handles: a value does not start right after one.
    static func joinsWords(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case ".", "_", "@", "%", "/": true
        default: false
        }
    }

    func at(_ i: Int) -> Unicode.Scalar? { i >= 0 && i < n ? s[i] : nil }

    func values() -> [ScannedValue] {
        var found = [ScannedValue]()
        var i = 0
        while i < n {
            let previous = at(i - 1)
            let boundary = previous.map { !(Self.isWordScalar($0) || Self.joinsWords($0)) } ?? true
            if boundary, let value = url(i) ?? email(i) ?? handle(i) ?? numeric(i) ?? code(i) {
                found.append(value)
                i = value.range.upperBound
                continue
            }
            if let c = at(i), Self.isWordScalar(c) {
                while i < n, Self.isWordScalar(s[i]) { i += 1 }
            } else {
                i += 1
            }
        }
        return found
    }

    // MARK: URLs

    func matches(_ literal: String, _ i: Int) -> Bool {
        var j = i
        for c in literal.unicodeScalars {
            guard j < n, s[j] == c else { return false }
            j += 1
        }
        return true
    }

    func label(_ i: Int) -> Int {
        var j = i
        guard j < n, Self.isAlnum(s[j]) else { return i }
        while j < n, Self.isAlnum(s[j]) || s[j] == "-" { j += 1 }
        while j > i, s[j - 1] == "-" { j -= 1 }
        return j
    }

    /// The length of a dot as spammers write it at i, followed by a label character, else 0.
    func dot(_ i: Int) -> Int {
        func then(_ j: Int) -> Int { j < n && Self.isAlnum(s[j]) ? j - i : 0 }
        guard i < n else { return 0 }
        if s[i] == "." { return then(i + 1) }
        var j = i
        if s[j] == " " { j += 1 }
        guard j < n else { return 0 }
        if "[({".unicodeScalars.contains(s[j]) {
            j += 1
            if at(j) == " " { j += 1 }
            if at(j) == "." { j += 1 } else if matches("dot", j) { j += 3 } else if matches("cham", j) { j += 4 } else { return 0 }
            if at(j) == " " { j += 1 }
            guard let close = at(j), "])}".unicodeScalars.contains(close) else { return 0 }
            j += 1
            if at(j) == " " { j += 1 }
            return then(j)
        }
        guard j > i else { return 0 }  // a spelled or spaced dot needs the space before it
        if s[j] == "." {
            j += 1
            if at(j) == " " { j += 1 }
            return then(j)
        }
        for word in ["dot", "cham"] where matches(word, j) && at(j + word.unicodeScalars.count) == " " {
            return then(j + word.unicodeScalars.count + 1)
        }
        return 0
    }


    func url(_ i: Int) -> ScannedValue? {
        var end: Int
        if matches("https://", i) || matches("http://", i) {
            end = i
            while end < n, !Self.isSpace(s[end]) { end += 1 }
        } else {
            var labels = [String]()
            var j = i
            var hostEnd = i
            while true {
                let labelEnd = label(j)
                guard labelEnd > j else { break }
                labels.append(string(j..<labelEnd))
                hostEnd = labelEnd
                let separator = dot(labelEnd)
                guard separator > 0 else { break }
                j = labelEnd + separator
            }
            guard labels.count >= 2 else { return nil }
            let host = labels.joined(separator: ".")
            let bare = labels.first == "www" ? labels.dropFirst().joined(separator: ".") : host
            guard Patterns.knownHosts.contains(bare) || Patterns.tlds.contains(labels.last!) else { return nil }
            end = hostEnd
            if at(end) == "/" {
                while end < n, !Self.isSpace(s[end]) { end += 1 }
            }
        }
        while end > i, ".,;:!?)]}'\"".unicodeScalars.contains(s[end - 1]) { end -= 1 }
        return ScannedValue(kind: .url, range: i..<end, value: URLs.normalised(string(i..<end)).url)
    }

    func string(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: s[range])
        return String(view)
    }

    // MARK: Addresses and handles

    func email(_ i: Int) -> ScannedValue? {
        var j = i
        while j < n, Self.isAlnum(s[j]) || "._%+-".unicodeScalars.contains(s[j]) { j += 1 }
        guard j > i, at(j) == "@" else { return nil }
        var k = j + 1
        var lastDot = -1
        while k < n, Self.isAlnum(s[k]) || s[k] == "-" || (s[k] == "." && k + 1 < n && Self.isAlnum(s[k + 1])) {
            if s[k] == "." { lastDot = k }
            k += 1
        }
        guard lastDot > j + 1, k - lastDot - 1 >= 2, (lastDot + 1..<k).allSatisfy({ Self.isLower(s[$0]) }) else { return nil }
        return ScannedValue(kind: .email, range: i..<k, value: string(i..<k))
    }

    func handle(_ i: Int) -> ScannedValue? {
        guard at(i) == "@", let first = at(i + 1), Self.isAlnum(first) || first == "_" else { return nil }
        var j = i + 1
        while j < n, j - i <= 32, Self.isAlnum(s[j]) || s[j] == "_" || s[j] == "." { j += 1 }
        while s[j - 1] == "." { j -= 1 }
        guard j - i - 1 >= 3 else { return nil }
        return ScannedValue(kind: .handle, range: i..<j, value: string(i..<j))
    }

    // MARK: Numbers

    func numeric(_ i: Int) -> ScannedValue? {
        guard let c = at(i) else { return nil }
        if c == "$", let next = at(i + 1), Self.isDigit(next) {
            let end = numberEnd(i + 1)
            return ScannedValue(kind: .money, range: i..<end, value: Money.normalised(string(i..<end)))
        }
        guard Self.isDigit(c) || (c == "+" && (at(i + 1).map(Self.isDigit) ?? false || (at(i + 1) == " " && at(i + 2).map(Self.isDigit) ?? false))) else {
            return nil
        }
        if let phone = phone(i) { return phone }
        guard Self.isDigit(c) else { return nil }
        let end = numberEnd(i)
        var unitStart = end
        if at(unitStart) == " " { unitStart += 1 }
        for unit in Money.units where matches(unit, unitStart) {
            let unitEnd = unitStart + unit.unicodeScalars.count
            if let after = at(unitEnd), Self.isWordScalar(after) { continue }
            return ScannedValue(kind: .money, range: i..<unitEnd, value: Money.normalised(string(i..<unitEnd)))
        }
        if let after = at(end), Self.isLower(after) { return code(i) ?? ScannedValue(kind: .number, range: i..<end, value: string(i..<end)) }
        return ScannedValue(kind: .number, range: i..<end, value: string(i..<end))
    }

    /// Digits, then groups of digits after . , : or /.
    func numberEnd(_ i: Int) -> Int {
        var j = i
        while j < n, Self.isDigit(s[j]) { j += 1 }
        while j + 1 < n, ".,:/".unicodeScalars.contains(s[j]), Self.isDigit(s[j + 1]) {
            j += 1
            while j < n, Self.isDigit(s[j]) { j += 1 }
        }
        return j
    }

    /// A Vietnamese mobile number: +84, 84 or 0 then 9 digits (10 for the old 01xx numbers),
    /// one space, dot or dash allowed between digits; the longest such run not followed by a digit.
    func phone(_ i: Int) -> ScannedValue? {
        var j = i
        if s[j] == "+" { j += 1; if at(j) == " " { j += 1 } }
        var ends = [Int]()  // ends[k] = the end after k + 1 digits
        while j < n, Self.isDigit(s[j]), ends.count < 13 {
            j += 1
            ends.append(j)
            if let sep = at(j), sep == " " || sep == "." || sep == "-", let next = at(j + 1), Self.isDigit(next) { j += 1 }
        }
        for count in stride(from: min(ends.count, 12), through: 10, by: -1) {
            let end = ends[count - 1]
            if let after = at(end), Self.isAlnum(after) { continue }
            if let e164 = PhoneNumbers.e164(string(i..<end)) { return ScannedValue(kind: .phone, range: i..<end, value: e164) }
        }
        return nil
    }

    /// A word of letters and digits mixed, at least 4 long ("vip888", "km50").
    func code(_ i: Int) -> ScannedValue? {
        var j = i
        var letters = false, digits = false
        while j < n, Self.isAlnum(s[j]) {
            if Self.isDigit(s[j]) { digits = true } else { letters = true }
            j += 1
        }
        if let after = at(j), Self.isWordScalar(after) { return nil }
        guard letters, digits, j - i >= 4 else { return nil }
        return ScannedValue(kind: .code, range: i..<j, value: string(i..<j))
    }
}
