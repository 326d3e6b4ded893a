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
    static let url = Patterns.compile(Patterns.url)
    static let phoneOrAccount = Patterns.compile(#"(?<![\d+\p{L}])(?:\+\s?)?\d(?:[\s.-]?\d){5,18}(?!\d)"#)
    static let moneyUnitAfter = Patterns.compile(#"^\s?(?:k|tr|triệu|trieu|tỷ|ty|tỉ|củ|cu|nghìn|ngàn|đ|d|đồng|dong|vnđ|vnd|usd|%)(?![\p{L}\d])"#)
    static let zaloBefore = Patterns.compile(#"(?<![\p{L}])(?:zalo|zl)\W{0,3}$"#)
    static let handle = Patterns.compile(Patterns.handle)
    static let telegramPath = Patterns.compile(#"^(?:t|telegram)\.me/\+?([a-z0-9_]{3,32})"#)
    static let zaloPath = Patterns.compile(#"^zalo\.me/(?:g/)?([a-z0-9_+]{3,32})"#)

    /// Characters (UTF-16) searched before and after a number for a bank name or account word.
    static let bankWindowBefore = 40
    static let bankWindowAfter = 25

    static func extract(_ text: String) -> [Indicator] {
        let nfc = text.precomposedStringWithCanonicalMapping
        let ns = nfc as NSString
        let offsets = CodePointOffsets(nfc)
        let whole = NSRange(location: 0, length: ns.length)
        var found = [(location: Int, order: Int, indicator: Indicator)]()
        var taken = [NSRange]()
        func add(_ kind: IndicatorKind, _ value: String, _ range: NSRange, bank: String? = nil, shortener: Bool = false) {
            let indicator = Indicator(kind: kind, value: value, original: ns.substring(with: range), start: offsets[range.location],
                                      end: offsets[NSMaxRange(range)], bank: bank, shortener: shortener)
            found.append((range.location, found.count, indicator))
        }
        func overlapsTaken(_ range: NSRange) -> Bool { taken.contains { NSIntersectionRange($0, range).length > 0 } }

        for match in url.matches(in: nfc, range: whole) {
            var range = match.range
            while range.length > 0, ".,;:!?)]}'\"".contains(ns.substring(with: NSRange(location: NSMaxRange(range) - 1, length: 1))) { range.length -= 1 }
            let written = ns.substring(with: range)
            let normalised = URLs.normalised(written)
            taken.append(range)
            add(.url, normalised.url, range, shortener: normalised.shortener)
            add(.domain, normalised.domain, range, shortener: normalised.shortener)
            let hostAndPath = normalised.url.replacingOccurrences(of: #"^https?://(www\.)?"#, with: "", options: .regularExpression)
            let pathRange = NSRange(location: 0, length: (hostAndPath as NSString).length)
            if let m = telegramPath.firstMatch(in: hostAndPath, range: pathRange) {
                add(.telegram, (hostAndPath as NSString).substring(with: m.range(at: 1)).lowercased(), range)
            } else if let m = zaloPath.firstMatch(in: hostAndPath, range: pathRange) {
                let path = (hostAndPath as NSString).substring(with: m.range(at: 1))
                add(.zalo, PhoneNumbers.e164(path) ?? path.lowercased(), range)
            }
        }
        for match in handle.matches(in: nfc, range: whole) where !overlapsTaken(match.range) {
            // An address's "@" is not a handle: "ban@abc.com" is refused by the pattern's look-behind.
            let after = NSMaxRange(match.range)
            if after < ns.length, ns.substring(with: NSRange(location: after, length: 1)) == "." { continue }
            taken.append(match.range)
            add(.telegram, String(ns.substring(with: match.range).dropFirst()).lowercased(), match.range)
        }
        for match in phoneOrAccount.matches(in: nfc, range: whole) where !overlapsTaken(match.range) {
            let range = match.range
            let written = ns.substring(with: range)
            let afterRange = NSRange(location: NSMaxRange(range), length: min(8, ns.length - NSMaxRange(range)))
            if moneyUnitAfter.firstMatch(in: ns.substring(with: afterRange), range: NSRange(location: 0, length: afterRange.length)) != nil { continue }
            let digits = written.filter(\.isASCIIDigit)
            if !written.contains("+"), let bank = bankNear(ns, range) {
                add(.bankAccount, digits, range, bank: bank.bank)
                continue
            }
            guard let e164 = PhoneNumbers.e164(written) else { continue }
            add(.phone, e164, range)
            let beforeStart = max(0, range.location - 8)
            let before = ns.substring(with: NSRange(location: beforeStart, length: range.location - beforeStart))
            if zaloBefore.firstMatch(in: before, range: NSRange(location: 0, length: (before as NSString).length)) != nil {
                add(.zalo, e164, range)
            }
        }
        return found.sorted { ($0.location, $0.order) < ($1.location, $1.order) }.map(\.indicator)
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
