import Foundation

/// What the scanner and the indicator extraction share about web addresses and regular expressions.
enum Patterns {
    /// Top-level domains accepted after a dot, written plainly or loosely (" . ", "[.]", " dot ",
    /// "chấm"). Two-letter ones that are common Vietnamese words once folded ("co", "la", "me",
    /// "to", "in") are left out: "chị ơi.có" must not become a host. Other hosts are accepted
    /// with a scheme (http://, https://) or when they are `knownHosts`.
    static let tlds: Set<String> = [
        "com", "net", "org", "info", "biz", "vn", "vip", "club", "top", "xyz", "site", "online", "live", "fun", "bet", "win",
        "app", "link", "shop", "store", "asia", "pro", "io", "cc", "tv", "us", "icu", "sbs", "cfd", "fit", "pw", "one", "art",
        "game", "games", "casino", "poker", "cash", "money", "loan", "life", "today", "space", "website", "tech", "cloud",
        "mobi", "gg", "dev", "page", "bio", "xin", "plus", "group", "world", "city", "vin",
    ]

    /// Link shorteners, accepted without a scheme although their top-level domains are weak ones.
    static let shorteners: Set<String> = [
        "bit.ly", "cutt.ly", "goo.gl", "is.gd", "rb.gy", "tinyurl.com", "shorturl.at", "s.id", "tiny.cc",
        "ow.ly", "t.co", "v.ht", "rebrand.ly", "shorte.st", "bitly.com", "tiny.one", "short.gy", "t.ly",
    ]
    /// The shorteners and the messengers' link hosts.
    static let knownHosts = shorteners.union(["t.me", "telegram.me", "zalo.me"])

    static func compile(_ pattern: String) -> NSRegularExpression {
        // The patterns are constants of this target: a failure is a programming error caught by the tests.
        try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    /// A dot as spammers write it, with the spaces around it: "[.]", "(.)", "{.}", "[dot]", " . ", " dot ", " chấm ".
    static let obfuscatedDot = compile(#"\s?[\[\(\{]\s?(?:\.|dot|ch[aấ]m)\s?[\]\)\}]\s?|\s\.\s?|\s(?:dot|ch[aấ]m)\s"#)

    /// A URL as written, its obfuscated dots made plain.
    static func deobfuscated(_ written: String) -> String {
        obfuscatedDot.stringByReplacingMatches(in: written, range: NSRange(location: 0, length: (written as NSString).length), withTemplate: ".")
    }
}
