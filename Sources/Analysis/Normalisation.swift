import Foundation

/// Vietnamese text normalisation (docs/ANALYSIS.md, "Normalisation").
enum Normaliser {
    static func normalise(_ text: String) -> NormalisedText {
        let nfc = text.precomposedStringWithCanonicalMapping
        let folded = fold(nfc)
        let range = NSRange(location: 0, length: (folded as NSString).length)
        var foldedParts = [String]()
        var maskedParts = [String]()
        var values = [MaskedValue]()
        var cursor = folded.startIndex
        for match in Patterns.maskable.matches(in: folded, range: range) {
            guard let whole = Range(match.range, in: folded),
                  let group = (1...Patterns.maskableKinds.count).first(where: { match.range(at: $0).location != NSNotFound })
            else { continue }
            var kind = Patterns.maskableKinds[group - 1]
            var end = whole.upperBound
            if kind == .url { end = trimmedURLEnd(folded, whole) }
            let written = String(folded[whole.lowerBound..<end])
            let value: String
            switch kind {
            case .url: value = URLs.normalised(written).url
            case .phone:
                guard let e164 = PhoneNumbers.e164(written) else {
                    kind = .number
                    value = written.filter { !$0.isWhitespace }
                    break
                }
                value = e164
            case .money: value = Money.normalised(written)
            default: value = written
            }
            let before = cleaned(folded[cursor..<whole.lowerBound])
            foldedParts.append(before)
            maskedParts.append(before)
            foldedParts.append(value)
            maskedParts.append(kind.token)
            values.append(MaskedValue(kind: kind, value: value))
            cursor = end
        }
        let rest = cleaned(folded[cursor...])
        foldedParts.append(rest)
        maskedParts.append(rest)
        return NormalisedText(nfc: nfc, folded: joinedWords(foldedParts), masked: joinedWords(maskedParts), values: values)
    }

    /// A URL's match without the sentence's punctuation after it ("ghé abc.vip/km." ends at "km").
    private static func trimmedURLEnd(_ text: String, _ range: Range<String.Index>) -> String.Index {
        var end = range.upperBound
        while end > range.lowerBound, let last = text[..<end].last, ".,;:!?)]}'\"".contains(last) {
            end = text.index(before: end)
        }
        return end
    }

    private static func joinedWords(_ parts: [String]) -> String {
        parts.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Compatibility decomposition (full-width and styled letters become plain ones), combining
    /// marks removed, đ/Đ → d, lower case.
    static func fold(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCompatibilityMapping.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A: scalars.append(Unicode.Scalar(scalar.value + 0x20)!)
            case 0x00...0x7F: scalars.append(scalar)
            case 0x0300...0x036F: continue
            case 0x0110, 0x0111: scalars.append("d")
            default:
                if scalar.properties.generalCategory == .nonspacingMark { continue }
                scalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(scalars)
    }

    /// The words of a stretch of folded text between masked values, spam tricks undone:
    /// letters joined by dots ("v.i.p", "n.o h.u"), punctuation and symbols dropped, letters
    /// repeated three times or more made one ("chaooo"), single letters spaced out ("c a s i n o"),
    /// teencode expanded ("ko" → "khong").
    static func cleaned(_ stretch: Substring) -> String {
        var words = [String]()
        for rawWord in stretch.split(whereSeparator: \.isWhitespace) {
            let joined = joinedDottedLetters(rawWord)
            for piece in joined.split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
                words.append(collapsedRepeats(piece))
            }
        }
        var result = [String]()
        var index = 0
        while index < words.count {
            var run = index
            while run < words.count, words[run].count == 1, words[run].first!.isLetter { run += 1 }
            if run - index >= 3 {
                result.append(words[index..<run].joined())
                index = run
            } else {
                result.append(teencode[words[index]] ?? words[index])
                index += 1
            }
        }
        return result.joined(separator: " ")
    }

    /// "v.i.p" → "vip", "n.o" → "no": a word of single letters joined by . - _ or *.
    private static func joinedDottedLetters(_ word: Substring) -> Substring {
        let core = word.trimmingTrailing { ".,;:!?".contains($0) }
        let pieces = core.split(omittingEmptySubsequences: false) { ".-_*".contains($0) }
        guard pieces.count >= 2, pieces.allSatisfy({ $0.count == 1 && $0.first!.isLetter }) else { return word }
        return Substring(pieces.joined())
    }

    /// Words of four letters or fewer are kept as written: "cccd" (căn cước công dân) is one.
    private static func collapsedRepeats(_ word: Substring) -> String {
        guard word.count > 4 else { return String(word) }
        var result = ""
        var previous: Character?
        var run = 0
        for character in word {
            if character == previous { run += 1 } else { run = 1; previous = character }
            result.append(character)
            if run == 3, character.isLetter {
                result.removeLast(2)
            } else if run > 3, character.isLetter {
                result.removeLast()
            }
        }
        return result
    }

    /// Teencode and abbreviations common in Vietnamese messages, folded; whole words only.
    /// Ambiguous ones ("bn": bạn or bao nhiêu, "mk": mình or mật khẩu) are left alone.
    static let teencode: [String: String] = [
        "ko": "khong", "k": "khong", "kh": "khong", "hok": "khong", "khg": "khong", "kg": "khong",
        "dc": "duoc", "dk": "duoc", "j": "gi", "gj": "gi", "vs": "voi", "r": "roi", "z": "vay", "e": "em",
        "mn": "moi nguoi", "ng": "nguoi", "tk": "tai khoan", "stk": "so tai khoan", "sdt": "so dien thoai",
        "dt": "dien thoai", "ck": "chuyen khoan", "nt": "nhan tin", "mik": "minh", "lm": "lam", "wa": "qua",
        "bik": "biet", "thik": "thich", "nhiu": "nhieu", "iu": "yeu",
    ]
}

extension Substring {
    func trimmingTrailing(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}

/// Amounts of money as VND in digits ("500k" → "500000 VND"), or as written in USD.
enum Money {
    static let multipliers: [(unit: String, factor: Double)] = [
        ("trieu", 1e6), ("triệu", 1e6), ("tr", 1e6), ("cu", 1e6), ("củ", 1e6), ("ty", 1e9), ("tỷ", 1e9), ("tỉ", 1e9), ("ti", 1e9),
        ("ngan", 1e3), ("ngàn", 1e3), ("nghin", 1e3), ("nghìn", 1e3), ("k", 1e3),
        ("vnd", 1), ("vnđ", 1), ("dong", 1), ("đồng", 1), ("đ", 1), ("d", 1),
    ]

    static func normalised(_ written: String) -> String {
        let lower = written.lowercased()
        let usd = lower.hasPrefix("$") || lower.hasSuffix("usd")
        let numberPart = lower.filter { $0.isASCIIDigit || $0 == "." || $0 == "," }
        guard let amount = number(numberPart) else { return written }
        if usd { return "\(format(amount)) USD" }
        let unit = lower.drop { $0.isASCIIDigit || $0 == "." || $0 == "," || $0 == " " }
        let factor = multipliers.first { $0.unit == String(unit) }?.factor ?? 1
        return "\(format(amount * factor)) VND"
    }

    /// Vietnamese writes 1.500.000 (dot thousands) and 1,5 (comma decimal); a separator before
    /// exactly three digits is read as thousands, otherwise as the decimal point.
    static func number(_ text: String) -> Double? {
        let groups = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "," })
        guard let first = groups.first, !first.isEmpty else { return nil }
        if groups.count == 1 { return Double(first) }
        if groups.dropFirst().allSatisfy({ $0.count == 3 }) { return Double(groups.joined()) }
        guard groups.count == 2 else { return Double(groups.dropLast().joined() + "." + groups.last!) }
        return Double(first + "." + groups[1])
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }
}
