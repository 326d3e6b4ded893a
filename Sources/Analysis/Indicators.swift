import Foundation

/// Indicator extraction (docs/ANALYSIS.md, "Indicators"), on the NFC text so that offsets cite it.
enum IndicatorExtractor {
    /// Banks by the names and abbreviations messages use, each with the short name reported.
    static let banks: [(names: [String], bank: String)] = [
        (["vietcombank", "vcb"], "Vietcombank"), (["techcombank", "tcb"], "Techcombank"), (["mbbank", "mb bank", "mb"], "MB"),
        (["vietinbank", "ctg"], "VietinBank"), (["bidv"], "BIDV"), (["acb"], "ACB"), (["agribank", "agr"], "Agribank"),
        (["sacombank", "stb"], "Sacombank"), (["tpbank", "tp bank", "tpb"], "TPBank"), (["vpbank", "vp bank", "vpb"], "VPBank"),
        (["shb"], "SHB"), (["hdbank", "hdb"], "HDBank"), (["ocb"], "OCB"), (["msb", "maritime bank"], "MSB"),
        (["seabank"], "SeABank"), (["vib"], "VIB"), (["eximbank", "eib"], "Eximbank"), (["lpbank", "lienvietpostbank"], "LPBank"),
        (["nam a bank", "namabank"], "Nam A Bank"), (["bac a bank", "bacabank"], "Bac A Bank"), (["pvcombank"], "PVcomBank"),
        (["abbank"], "ABBank"), (["kienlongbank"], "KienlongBank"), (["ncb"], "NCB"), (["scb"], "SCB"), (["oceanbank"], "OceanBank"),
        (["timo"], "Timo"), (["cake"], "Cake"), (["momo"], "MoMo"),
    ]
    static let bankOfName: [String: String] = Dictionary(uniqueKeysWithValues: banks.flatMap { entry in entry.names.map { ($0, entry.bank) } })
    static let bankName = Patterns.compile(#"(?<![\p{L}\d])(?:"# + banks.flatMap(\.names).sorted { $0.count > $1.count }
        .map { NSRegularExpression.escapedPattern(for: $0).replacingOccurrences(of: " ", with: #"\s?"#) }.joined(separator: "|") + #")(?![\p{L}\d])"#)
    /// Words that announce an account number without naming the bank.
    static let accountWord = Patterns.compile(#"(?<![\p{L}\d])(?:stk|số tài khoản|so tai khoan|tài khoản|tai khoan|tk|chuyển khoản|chuyen khoan|ck)(?![\p{L}\d])"#)
    static let phoneOrAccount = Patterns.compile(#"(?<![\d+\p{L}])(?:\+\s?)?\d(?:[\s.-]?\d){5,18}(?!\d)"#)
    static let moneyUnitAfter = Patterns.compile(#"^\s?(?:k|tr|triệu|trieu|tỷ|ty|tỉ|củ|cu|nghìn|ngàn|đ|d|đồng|dong|vnđ|vnd|usd|%)(?![\p{L}\d])"#)
    static let zaloBefore = Patterns.compile(#"(?<![\p{L}])(?:zalo|zl)\W{0,3}$"#)

    /// Characters (UTF-16) searched before and after a number for a bank name or account word.
    static let bankWindowBefore = 40
    static let bankWindowAfter = 25

    static func extract(_ text: String) -> [Indicator] {
        let nfc = text.precomposedStringWithCanonicalMapping
        let ns = nfc as NSString
        let offsets = CodePointOffsets(nfc)
        let whole = NSRange(location: 0, length: ns.length)
        var found = [(start: Int, order: Int, indicator: Indicator)]()
        var taken = [Range<Int>]()
        func add(_ kind: IndicatorKind, _ value: String, _ span: Range<Int>, original: String, bank: String? = nil, shortener: Bool = false) {
            let indicator = Indicator(kind: kind, value: value, original: original, start: span.lowerBound, end: span.upperBound, bank: bank, shortener: shortener)
            found.append((span.lowerBound, found.count, indicator))
        }

        // URLs and handles as the normalisation's scanner finds them, cited in the NFC text.
        let folded = FoldedText(nfc: nfc)
        let scalars = Array(nfc.unicodeScalars)
        for value in ValueScanner(folded).values() where value.kind == .url || value.kind == .handle {
            let span = Int(folded.origins[value.range.lowerBound])..<(Int(folded.origins[value.range.upperBound - 1]) + 1)
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[span])
            let original = String(view)
            taken.append(span)
            if value.kind == .handle {
                add(.telegram, String(value.value.dropFirst()), span, original: original)
                continue
            }
            let normalised = URLs.normalised(original)
            add(.url, normalised.url, span, original: original, shortener: normalised.shortener)
            add(.domain, normalised.domain, span, original: original, shortener: normalised.shortener)
            let path = normalised.url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" }.dropFirst()
            let name = path.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            guard !name.isEmpty else { continue }
            if ["t.me", "telegram.me"].contains(normalised.domain) {
                add(.telegram, name.lowercased(), span, original: original)
            } else if normalised.domain == "zalo.me" {
                add(.zalo, PhoneNumbers.e164(String(name)) ?? name.lowercased(), span, original: original)
            }
        }

        for match in phoneOrAccount.matches(in: nfc, range: whole) {
            let range = match.range
            let span = offsets[range.location]..<offsets[NSMaxRange(range)]
            if taken.contains(where: { $0.overlaps(span) }) { continue }
            let written = ns.substring(with: range)
            let afterRange = NSRange(location: NSMaxRange(range), length: min(8, ns.length - NSMaxRange(range)))
            if moneyUnitAfter.firstMatch(in: ns.substring(with: afterRange), range: NSRange(location: 0, length: afterRange.length)) != nil { continue }
            let digits = written.filter(\.isASCIIDigit)
            if !written.contains("+"), let bank = bankNear(ns, range) {
                add(.bankAccount, digits, span, original: written, bank: bank.bank)
                continue
            }
            guard let e164 = PhoneNumbers.e164(written) else { continue }
            add(.phone, e164, span, original: written)
            let beforeStart = max(0, range.location - 8)
            let before = ns.substring(with: NSRange(location: beforeStart, length: range.location - beforeStart))
            if zaloBefore.firstMatch(in: before, range: NSRange(location: 0, length: (before as NSString).length)) != nil {
                add(.zalo, e164, span, original: written)
            }
        }
        return found.sorted { ($0.start, $0.order) < ($1.start, $1.order) }.map(\.indicator)
    }

    /// The bank named (or an account word) close before the number, or a bank named just after it.
    /// A number announced by an account word only ("STK 0123…") gets the nearest bank named in the
    /// text, if any.
    private static func bankNear(_ text: NSString, _ number: NSRange) -> AccountContext? {
        let beforeStart = max(0, number.location - bankWindowBefore)
        let before = NSRange(location: beforeStart, length: number.location - beforeStart)
        let afterLength = min(bankWindowAfter, text.length - NSMaxRange(number))
        let after = NSRange(location: NSMaxRange(number), length: afterLength)
        func bank(in range: NSRange, last: Bool) -> String? {
            let matches = bankName.matches(in: text as String, range: range)
            guard let match = last ? matches.last : matches.first else { return nil }
            let name = text.substring(with: match.range).lowercased().replacingOccurrences(of: #"\s"#, with: " ", options: .regularExpression)
            return bankOfName[name] ?? bankOfName[name.replacingOccurrences(of: " ", with: "")]
        }
        if let name = bank(in: before, last: true) ?? bank(in: after, last: false) { return AccountContext(bank: name) }
        guard accountWord.firstMatch(in: text as String, range: before) != nil else { return nil }
        return AccountContext(bank: bank(in: NSRange(location: 0, length: text.length), last: false))
    }

    /// A number that reads as a bank account, and the bank if one is named.
    private struct AccountContext {
        var bank: String?
    }
}

/// A NFC string's UTF-16 offsets (NSRegularExpression's) as Unicode code-point offsets.
struct CodePointOffsets {
    private var codePointAtUTF16: [Int32]

    init(_ text: String) {
        var table = [Int32]()
        table.reserveCapacity(text.utf16.count + 1)
        var codePoint: Int32 = 0
        for scalar in text.unicodeScalars {
            table.append(codePoint)
            if scalar.utf16.count == 2 { table.append(codePoint) }
            codePoint += 1
        }
        table.append(codePoint)
        codePointAtUTF16 = table
    }

    subscript(utf16Offset: Int) -> Int { Int(codePointAtUTF16[utf16Offset]) }
}
