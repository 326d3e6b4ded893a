import Foundation

/// Vietnamese text normalisation (docs/ANALYSIS.md, "Normalisation").
enum Normaliser {
    static func normalise(_ text: String) -> NormalisedText {
        let nfc = text.precomposedStringWithCanonicalMapping
        let folded = FoldedText(nfc: nfc)
        var foldedWords = [String]()
        var maskedWords = [String]()
        var values = [MaskedValue]()
        var cursor = 0
        for found in ValueScanner(folded).values() {
            let before = cleaned(folded.scalars[cursor..<found.range.lowerBound])
            foldedWords.append(contentsOf: before)
            maskedWords.append(contentsOf: before)
            foldedWords.append(found.value)
            maskedWords.append(found.kind.token)
            values.append(MaskedValue(kind: found.kind, value: found.value))
            cursor = found.range.upperBound
        }
        let rest = cleaned(folded.scalars[cursor...])
        foldedWords.append(contentsOf: rest)
        maskedWords.append(contentsOf: rest)
        return NormalisedText(nfc: nfc, folded: foldedWords.joined(separator: " "), masked: maskedWords.joined(separator: " "), values: values)
    }

    /// The words of a stretch of folded text between masked values, spam tricks undone:
    /// letters joined by dots ("v.i.p", "n.o h.u"), punctuation and symbols dropped, letters
    /// repeated three times or more made one ("chaooo"), single letters spaced out ("c a s i n o"),
    /// teencode expanded ("ko" → "khong").
    static func cleaned(_ stretch: ArraySlice<Unicode.Scalar>) -> [String] {
        var words = [[Unicode.Scalar]]()
        var index = stretch.startIndex
        while index < stretch.endIndex {
            while index < stretch.endIndex, ValueScanner.isSpace(stretch[index]) { index += 1 }
            let start = index
            while index < stretch.endIndex, !ValueScanner.isSpace(stretch[index]) { index += 1 }
            guard index > start else { continue }
            let raw = stretch[start..<index]
            if let joined = joinedDottedLetters(raw) {
                words.append(joined)
                continue
            }
            var piece = [Unicode.Scalar]()
            for scalar in raw {
                if ValueScanner.isWordScalar(scalar) || scalar.properties.numericType != nil {
                    piece.append(scalar)
                } else if !piece.isEmpty {
                    words.append(collapsedRepeats(piece))
                    piece.removeAll()
                }
            }
            if !piece.isEmpty { words.append(collapsedRepeats(piece)) }
        }
        var result = [String]()
        var word = 0
        while word < words.count {
            var run = word
            while run < words.count, words[run].count == 1, ValueScanner.isWordScalar(words[run][0]), !ValueScanner.isDigit(words[run][0]) { run += 1 }
            if run - word >= 3 {
                result.append(string(words[word..<run].flatMap { $0 }))
                word = run
            } else {
                let text = string(words[word])
                result.append(teencode[text] ?? text)
                word += 1
            }
        }
        return result
    }

    private static func string(_ scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// "v.i.p" → "vip", "n.o" → "no": a word of single letters joined by . - _ or *, else nil.
    private static func joinedDottedLetters(_ word: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar]? {
        var core = word
        while let last = core.last, ".,;:!?".unicodeScalars.contains(last) { core = core.dropLast() }
        guard core.count >= 3 else { return nil }
        var letters = [Unicode.Scalar]()
        for (offset, scalar) in core.enumerated() {
            if offset % 2 == 0 {
                guard ValueScanner.isWordScalar(scalar), !ValueScanner.isDigit(scalar) else { return nil }
                letters.append(scalar)
            } else {
                guard ".-_*".unicodeScalars.contains(scalar) else { return nil }
            }
        }
        return core.count % 2 == 1 ? letters : nil
    }

    /// A run of three or more of the same letter made one ("chaooo" → "chao"); words of four
    /// letters or fewer are kept as written: "cccd" (căn cước công dân) is one.
    private static func collapsedRepeats(_ word: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard word.count > 4 else { return word }
        var result = [Unicode.Scalar]()
        result.reserveCapacity(word.count)
        var index = 0
        while index < word.count {
            let scalar = word[index]
            var run = index
            while run < word.count, word[run] == scalar { run += 1 }
            let length = run - index
            result.append(contentsOf: repeatElement(scalar, count: length >= 3 && !ValueScanner.isDigit(scalar) ? 1 : length))
            index = run
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

/// Amounts of money in folded text as VND in digits ("500k" → "500000 VND"), or in USD.
enum Money {
    /// Units as the scanner meets them in folded text, with their factor.
    static let multipliers: [String: Double] = [
        "trieu": 1e6, "tr": 1e6, "cu": 1e6, "ty": 1e9, "ti": 1e9, "ngan": 1e3, "nghin": 1e3, "k": 1e3,
        "vnd": 1, "dong": 1, "d": 1,
    ]
    /// Every unit the scanner accepts after a number, longest first so that "trieu" wins over "tr".
    static let units = (Array(multipliers.keys) + ["usd"]).sorted { ($0.count, $1) > ($1.count, $0) }

    static func normalised(_ written: String) -> String {
        let lower = written.lowercased()
        let usd = lower.hasPrefix("$") || lower.hasSuffix("usd")
        let numberPart = lower.filter { $0.isASCIIDigit || $0 == "." || $0 == "," }
        guard let amount = number(numberPart) else { return written }
        if usd { return "\(format(amount)) USD" }
        let unit = lower.drop { $0.isASCIIDigit || $0 == "." || $0 == "," || $0 == " " }
        let factor = multipliers[String(unit)] ?? 1
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
