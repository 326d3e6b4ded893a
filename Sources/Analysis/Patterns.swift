import Foundation

/// The regular expressions normalisation and indicator extraction share, so that what is masked
/// as `<URL>` or `<PHONE>` is exactly what is reported as an indicator. Each is compiled once;
/// NSRegularExpression is documented as safe to use from several threads.
enum Patterns {
    /// Top-level domains accepted after a dot written loosely (" . ", "[.]", " dot ", "chấm").
    /// Two-letter ones that are common Vietnamese words once folded ("co", "la", "me", "to", "in")
    /// are left out: "chị ơi. có" must not become a host.
    static let tlds = "com|net|org|info|biz|vn|vip|club|top|xyz|site|online|live|fun|bet|win|app|link|shop|store|asia|pro|io|cc|tv|us|icu|sbs|cfd|fit|pw|one|art|games?|casino|poker|cash|money|loan|life|today|space|website|tech|cloud|mobi|gg|dev|page|bio|xin|plus|group|world|city|vin"

    /// Link shorteners and the messengers' link hosts, accepted without a scheme although their
    /// top-level domains are weak ones.
    static let shorteners: Set<String> = [
        "bit.ly", "cutt.ly", "goo.gl", "is.gd", "rb.gy", "tinyurl.com", "shorturl.at", "s.id", "tiny.cc",
        "ow.ly", "t.co", "v.ht", "rebrand.ly", "shorte.st", "bitly.com", "tiny.one", "short.gy", "t.ly",
    ]
    static let knownHosts = shorteners.union(["t.me", "telegram.me", "zalo.me"])

    /// A dot as spammers write it: ".", " . ", " .", "[.]", "(.)", "{.}", "[dot]", " dot ", " chấm ".
    static let dot = #"(?:\.|\s?[\[\(\{]\s?(?:\.|dot|ch[aấ]m)\s?[\]\)\}]\s?|\s\.\s?|\s(?:dot|ch[aấ]m)\s)"#
    static let label = #"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"#
    static var known: String {
        knownHosts.sorted { $0.count > $1.count }.map { NSRegularExpression.escapedPattern(for: $0) }.joined(separator: "|")
    }
    /// A web address: a scheme and anything up to white space, or a host (known, or ending in one
    /// of `tlds`, possibly obfuscated) with an optional path.
    static var url: String {
        #"(?:https?://\S+|(?<![a-z0-9@._-])(?:www"# + dot + #")?(?:(?:"# + known + #")|"# + label + "(?:" + dot + label + ")*" + dot
            + "(?:" + tlds + ")(?:" + dot + #"vn)?)(?![a-z0-9-])(?:/[^\s<>"]*)?)"#
    }
    static let email = #"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}"#
    static let handle = #"(?<![a-z0-9._%+-])@[a-z0-9_][a-z0-9_.]{2,31}"#
    /// A Vietnamese mobile number: +84/84/0 then 9 digits (10 for the old 01xx numbers), spaces,
    /// dots or dashes between digits allowed.
    static let phone = #"(?<![\d+])(?:\+\s?84|84|0)(?:[\s.-]?\d){9,10}(?![\d])"#
    /// An amount: a number and a unit of money (k, tr, triệu, tỷ, củ, nghìn, đ, đồng, vnđ, usd, $).
    static let money = #"(?:\$\s?\d+(?:[.,]\d+)*|\d+(?:[.,]\d+)*\s?(?:k|tr|trieu|triệu|ty|tỷ|tỉ|ti|cu|củ|ngan|ngàn|nghin|nghìn|d|đ|dong|đồng|vnd|vnđ|usd)(?![a-zà-ỹđ0-9]))"#
    /// A code: a word of letters and digits mixed (VIP888, KM50), at least 4 characters.
    static let code = #"(?<![a-z0-9])(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{4,}(?![a-z0-9])"#
    static let number = #"\d+(?:[.,:/]\d+)*"#

    static func compile(_ pattern: String) -> NSRegularExpression {
        // The patterns are constants of this file: a failure is a programming error caught by the tests.
        try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    /// Every maskable value, in priority order, each alternative a numbered group (1 url, 2 email,
    /// 3 handle, 4 phone, 5 money, 6 code, 7 number).
    static let maskable = compile([url, email, handle, phone, money, code, number].map { "(\($0))" }.joined(separator: "|"))
    static let maskableKinds: [TokenKind] = [.url, .email, .handle, .phone, .money, .code, .number]

    /// Undoes a URL's obfuscation: spaces around dots and bracketed or spelled-out dots.
    static let obfuscatedDot = compile(#"\s?[\[\(\{]\s?(?:\.|dot|ch[aấ]m)\s?[\]\)\}]\s?|\s\.\s?|\s(?:dot|ch[aấ]m)\s"#)

    static func deobfuscated(_ written: String) -> String {
        let text = written as NSString
        return obfuscatedDot.stringByReplacingMatches(in: written, range: NSRange(location: 0, length: text.length), withTemplate: ".")
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
