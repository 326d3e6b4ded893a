/// The GSM 7-bit default alphabet and its extension table (TS 23.038 §6.2.1, §6.2.1.1), and
/// the packing of septets into octets (TS 23.038 §6.1.2.1).
///
/// Two forms exist on a SIM: SMS user data holds *packed* septets (`unpack` then `decode`);
/// alpha identifiers (ADN names, SPN, …) hold *unpacked* septets, one per byte with bit 8
/// zero, padded with FF (strip the padding, then `decode(unpacked:)`).
public enum GSM7 {
    /// The escape to the extension table (TS 23.038 §6.2.1, code 0x1B).
    public static let escape: UInt8 = 0x1B

    /// The default alphabet, indexed by septet. 0x1B (escape) maps to a space, which is what
    /// TS 23.038 §6.2.1 asks a receiver that does not follow the escape to show. 0x09 is the
    /// capital C with cedilla as the 3GPP table prints it (Unicode's GSM0338 mapping chose
    /// the small one; the specification is followed here).
    static let basic: [Character] = [
        "@", "£", "$", "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",
        "Δ", "_", "Φ", "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ", " ", "Æ", "æ", "ß", "É",
        " ", "!", "\"", "#", "¤", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?",
        "¡", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
        "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "Ä", "Ö", "Ñ", "Ü", "§",
        "¿", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
        "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "ä", "ö", "ñ", "ü", "à",
    ]

    /// The extension table (TS 23.038 §6.2.1.1): the septet after an escape. 0x0A is the page
    /// break, rendered as form feed.
    static let extended: [UInt8: Character] = [
        0x0A: "\u{0C}", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
        0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€",
    ]

    private static let basicCodes: [Character: UInt8] = {
        var codes: [Character: UInt8] = [:]
        for (code, character) in basic.enumerated() where code != Int(escape) {
            codes[character] = UInt8(code)
        }
        return codes
    }()

    private static let extendedCodes: [Character: UInt8] = {
        var codes: [Character: UInt8] = [:]
        for (code, character) in extended { codes[character] = code }
        return codes
    }()

    /// Text from unpacked septets, one per byte; bit 8 of every byte is ignored.
    ///
    /// An escape followed by a code the extension table does not define shows the character
    /// of the default alphabet for that code, and an escape followed by a second escape (the
    /// code reserved for a further extension table) shows a space: both as TS 23.038
    /// §6.2.1.1 prescribes for a receiver. A lone escape at the end is ignored.
    public static func decode(unpacked septets: some Collection<UInt8>) -> String {
        var text = ""
        text.reserveCapacity(septets.count)
        var escaped = false
        for byte in septets {
            let code = byte & 0x7F
            if escaped {
                escaped = false
                if code == escape {
                    text.append(" ")
                } else {
                    text.append(extended[code] ?? basic[Int(code)])
                }
            } else if code == escape {
                escaped = true
            } else {
                text.append(basic[Int(code)])
            }
        }
        return text
    }

    /// `septets` septets from packed octets, least significant bit first (TS 23.038
    /// §6.1.2.1). `skipBits` fill bits are skipped first: with a user data header the text
    /// starts at the next septet boundary counted from the start of the user data (TS 23.040
    /// §9.2.3.24). Septets that would lie beyond the data are not produced, so the result
    /// may be shorter than `septets`; callers check lengths before unpacking.
    public static func unpack(_ packed: ArraySlice<UInt8>, septets: Int, skipBits: Int = 0) -> [UInt8] {
        guard septets > 0, skipBits >= 0 else { return [] }
        let availableBits = packed.count * 8 - skipBits
        let count = min(septets, max(0, availableBits / 7))
        var out: [UInt8] = []
        out.reserveCapacity(count)
        let base = packed.startIndex
        for index in 0..<count {
            let bit = skipBits + index * 7
            let byte = bit / 8, shift = bit % 8
            var value = UInt16(packed[base + byte]) >> shift
            if shift > 1, byte + 1 < packed.count {
                value |= UInt16(packed[base + byte + 1]) << (8 - shift)
            }
            out.append(UInt8(value & 0x7F))
        }
        return out
    }

    /// Unpacked septets for `text`, extension characters as escape pairs; nil when a
    /// character is in neither table.
    public static func encode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        for character in text {
            if let code = basicCodes[character] {
                out.append(code)
            } else if let code = extendedCodes[character] {
                out.append(escape)
                out.append(code)
            } else {
                return nil
            }
        }
        return out
    }

    /// Packs septets least significant bit first (TS 23.038 §6.1.2.1) after `skipBits` zero
    /// fill bits; the unused high bits of the last octet are zero. Bit 8 of each septet is
    /// ignored.
    public static func pack(_ septets: [UInt8], skipBits: Int = 0) -> [UInt8] {
        let skip = max(0, skipBits)
        let totalBits = skip + septets.count * 7
        var out = [UInt8](repeating: 0, count: (totalBits + 7) / 8)
        for (index, septet) in septets.enumerated() {
            let bit = skip + index * 7
            let byte = bit / 8, shift = bit % 8
            let value = UInt16(septet & 0x7F) << shift
            out[byte] |= UInt8(value & 0xFF)
            if value > 0xFF { out[byte + 1] |= UInt8(value >> 8) }
        }
        return out
    }
}
