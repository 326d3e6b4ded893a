/// Hexadecimal text of bytes, without separators. Upper case is the form of transcripts,
/// profiles and card JSON; lower case the form of hashes and key ids (docs/LEDGER.md).
public enum Hex {
    private static let upperDigits = Array("0123456789ABCDEF".utf8)
    private static let lowerDigits = Array("0123456789abcdef".utf8)

    /// The bytes as upper-case hex digits.
    public static func string(_ bytes: some Sequence<UInt8>) -> String { encode(bytes, upperDigits) }

    /// The bytes as lower-case hex digits.
    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String { encode(bytes, lowerDigits) }

    private static func encode(_ bytes: some Sequence<UInt8>, _ digits: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hex of either case, ignoring spaces, colons, dashes, tabs and line feeds (text
    /// typed or pasted by people); nil on an odd count of digits or any other character.
    public static func bytes(_ text: String) -> [UInt8]? {
        var out = [UInt8]()
        var high: UInt8? = nil
        for c in text.utf8 {
            guard let v = nibble(c, allowingUpper: true) else {
                switch c {
                case UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "\n"), UInt8(ascii: "\t"): continue
                default: return nil
                }
            }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return high == nil ? out : nil
    }

    /// Parses lower-case hex digits only, nothing between them: the one textual form of a hash
    /// or key id. nil on an odd length or any other character.
    public static func lowercaseBytes(_ text: some StringProtocol) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = nibble(u[i], allowingUpper: false), let lo = nibble(u[i + 1], allowingUpper: false) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8, allowingUpper: Bool) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where allowingUpper: c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
