import Foundation

/// Web addresses as written in messages, made comparable (docs/ANALYSIS.md, "Indicators").
enum URLs {
    struct Normalised {
        /// Scheme (http:// when none was written), lower-case host, the path as written.
        var url: String
        /// The host, lower-case, without "www.".
        var domain: String
        var shortener: Bool
    }

    static func normalised(_ written: String) -> Normalised {
        var text = Patterns.deobfuscated(written)
        var scheme = "http://"
        for candidate in ["https://", "http://"] where text.lowercased().hasPrefix(candidate) {
            scheme = candidate
            text.removeFirst(candidate.count)
        }
        let hostEnd = text.firstIndex { "/?#".contains($0) } ?? text.endIndex
        var host = text[..<hostEnd].lowercased()
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        let path = text[hostEnd...]
        let domain = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        return Normalised(url: scheme + host + path, domain: domain, shortener: Patterns.shorteners.contains(domain))
    }
}
