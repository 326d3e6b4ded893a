/// Hexadecimal text of bytes, without separators. Upper case is the form of transcripts,
/// profiles and card JSON; lower case the form of hashes and key ids (docs/LEDGER.md).
public enum Hex {
    // The encoders are inlinable: every APDU of a transcript and every hash is written through
    // them from other modules, and a generic function called across modules without
    // specialisation walks the bytes through protocol witnesses.

    /// The bytes as upper-case hex digits.
    @inlinable
    public static func string(_ bytes: some Sequence<UInt8>) -> String { encode(bytes, letters: UInt8(ascii: "A")) }

    /// The bytes as lower-case hex digits.
    @inlinable
    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String { encode(bytes, letters: UInt8(ascii: "a")) }

    /// Two digits per byte, high nibble first; `letters` is the digit for ten ("A" or "a").
    @inlinable
    static func encode(_ bytes: some Sequence<UInt8>, letters: UInt8) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digit(b >> 4, letters: letters))
            out.append(digit(b & 0x0F, letters: letters))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hex digit of a nibble (0...15).
    @inlinable
    static func digit(_ nibble: UInt8, letters: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : letters + nibble - 10
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
