/// Swapped-nibble BCD as SIM files store numbers (TS 102 221 §13.2, TS 31.102 §4.2.2): each
/// byte holds two digits, the first in the low nibble; 0xF fills unused nibbles.
enum SwappedBCD {
    /// The nibbles of `bytes` in reading order (low nibble of each byte first).
    static func nibbles(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes { out.append(byte & 0x0F); out.append(byte >> 4) }
        return out
    }

    /// Packs nibbles two per byte, first in the low nibble; an odd count is padded with 0xF.
    static func pack(_ nibbles: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((nibbles.count + 1) / 2)
        var index = 0
        while index < nibbles.count {
            let high = index + 1 < nibbles.count ? nibbles[index + 1] : 0x0F
            out.append(high << 4 | nibbles[index])
            index += 2
        }
        return out
    }

    /// The digit values of a string known to hold only ASCII digits.
    static func digitValues(_ digits: String) -> [UInt8] {
        digits.utf8.map { $0 - UInt8(ascii: "0") }
    }

    /// The decimal digits for nibble values 0 to 9.
    static func string(_ values: some Sequence<UInt8>) -> String {
        String(decoding: values.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    }

    static func isDecimal(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
