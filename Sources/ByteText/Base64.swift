/// Standard base64 (RFC 4648 §4) with padding. Decoding is strict: only the canonical encoding
/// of a byte string is accepted (no whitespace or line breaks, no URL-safe alphabet, padding
/// present, unused bits zero), so that one value has exactly one textual form (docs/LEDGER.md).
/// Written out rather than through Foundation: verifying a bundle decodes a base64 value per
/// signature and per proof hash (millions at ten times the seizure).
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let padding = UInt8(ascii: "=")
    /// Each byte's value in the alphabet, 0xFF for a byte outside it.
    static let values: [UInt8] = {
        var v = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { v[Int(c)] = UInt8(i) }
        return v
    }()

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i < input.count {
            let b0 = input[i], b1 = i + 1 < input.count ? input[i + 1] : 0, b2 = i + 2 < input.count ? input[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(i + 1 < input.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : padding)
            out.append(i + 2 < input.count ? alphabet[Int(b2 & 0x3F)] : padding)
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of `text` when it is their canonical encoding, else nil.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(bytes: Array(text.utf8))
    }

    /// The bytes whose canonical encoding `text` (UTF-8) is, else nil.
    public static func decode(bytes text: [UInt8]) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        guard !text.isEmpty else { return [] }
        let padded = text[text.count - 1] == padding ? (text[text.count - 2] == padding ? 2 : 1) : 0
        var out = [UInt8]()
        out.reserveCapacity(text.count / 4 * 3)
        var i = 0
        while i < text.count {
            let last = i + 4 == text.count
            var group: UInt32 = 0
            for j in 0..<4 {
                let c = text[i + j]
                if last, j >= 4 - padded {
                    group <<= 6
                    continue
                }
                let v = values[Int(c)]
                guard v != 0xFF else { return nil }
                group = group << 6 | UInt32(v)
            }
            out.append(UInt8(group >> 16))
            if !last || padded < 2 { out.append(UInt8(group >> 8 & 0xFF)) }
            if !last || padded < 1 { out.append(UInt8(group & 0xFF)) }
            // The canonical form leaves the bits the padding stands for zero.
            if last, padded == 2, group & 0xFFFF != 0 { return nil }
            if last, padded == 1, group & 0xFF != 0 { return nil }
            i += 4
        }
        return out
    }
}
