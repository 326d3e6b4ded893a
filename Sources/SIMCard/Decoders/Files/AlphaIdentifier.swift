import ByteText

/// Alpha identifiers: the names in EF.ADN, EF.MSISDN, EF.SPN, EF.SMSP… (TS 31.102 Annex A,
/// TS 102 221 Annex A, TS 51.011 Annex B).
///
/// Four codings share one field, told apart by the first byte:
/// - anything but 80, 81, 82: GSM 7-bit default alphabet, *unpacked* (one septet per byte,
///   bit 8 zero), padded with FF;
/// - `80`: UCS-2 big-endian code units, padded with FF (an FFFF unit ends the text);
/// - `81`: a character count, then one byte holding bits 15 to 8 of a base pointer whose bit 16
///   and bits 7 to 1 are zero (base = byte << 7), then one byte per character: bit 8 zero, a
///   GSM default-alphabet septet; bit 8 one, base + the low 7 bits;
/// - `82`: a character count, a 16-bit base pointer, then characters coded as for `81`.
public enum AlphaIdentifier {
    /// The text of an alpha identifier field; an erased (all FF) field is the empty string.
    /// Throws when an `81`/`82` header or its character count runs past the field, and when a
    /// GSM 7-bit field holds a byte with bit 8 set before its FF padding (no character of the
    /// alphabet: read as a septet it would silently become another letter).
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(DecodeError) -> String {
        let field = Array(bytes)
        guard let first = field.first else { return "" }
        switch first {
        case 0x80:
            var units: [UInt16] = []
            var index = 1
            while index + 1 < field.count {
                let unit = UInt16(field[index]) << 8 | UInt16(field[index + 1])
                if unit == 0xFFFF { break }
                units.append(unit)
                index += 2
            }
            return String(decoding: units, as: UTF16.self)
        case 0x81:
            guard field.count >= 3 else {
                throw .truncated(what: "alpha identifier (81 coding) header", needed: 3, got: field.count)
            }
            return try offsets(field, header: 3, base: UInt16(field[2]) << 7)
        case 0x82:
            guard field.count >= 4 else {
                throw .truncated(what: "alpha identifier (82 coding) header", needed: 4, got: field.count)
            }
            return try offsets(field, header: 4, base: UInt16(field[2]) << 8 | UInt16(field[3]))
        default:
            let septets = field.prefix { $0 != 0xFF }
            if let bad = septets.firstIndex(where: { $0 & 0x80 != 0 }) {
                throw .invalid(what: "alpha identifier (GSM 7-bit)",
                               why: "byte \(bad + 1) is \(Hex.string([septets[bad]])), which has bit 8 set: not a character of the GSM 7-bit alphabet")
            }
            return GSM7.decode(unpacked: septets)
        }
    }

    /// The characters of an `81` or `82` field: `field[1]` of them after `header` bytes.
    private static func offsets(_ field: [UInt8], header: Int, base: UInt16) throws(DecodeError) -> String {
        let count = Int(field[1])
        guard header + count <= field.count else {
            throw .truncated(what: "alpha identifier (\(Hex.string([field[0]])) coding) of \(count) characters",
                             needed: header + count, got: field.count)
        }
        var text = ""
        var septets: [UInt8] = []
        for byte in field[header..<(header + count)] {
            if byte & 0x80 == 0 {
                septets.append(byte)
            } else {
                text += GSM7.decode(unpacked: septets)
                septets.removeAll()
                let (code, overflow) = base.addingReportingOverflow(UInt16(byte & 0x7F))
                let unit = overflow ? 0xFFFD : code
                text += String(decoding: [unit], as: UTF16.self)
            }
        }
        return text + GSM7.decode(unpacked: septets)
    }

    /// A field of exactly `length` bytes holding as much of `text` as fits (whole characters),
    /// FF-padded. GSM 7-bit when every character has a default-alphabet (or extension) code;
    /// otherwise `81` or `82` when the other characters fit one 128-character window, else `80`.
    public static func encode(_ text: String, length: Int) -> [UInt8] {
        guard length > 0 else { return [] }
        let characters = Array(text)
        var count = characters.count
        while count > 0 {
            if let bytes = encodeWhole(characters[..<count]), bytes.count <= length {
                return bytes + [UInt8](repeating: 0xFF, count: length - bytes.count)
            }
            count -= 1
        }
        return [UInt8](repeating: 0xFF, count: length)
    }

    /// The shortest coding of all of `characters`; nil when none can hold them.
    private static func encodeWhole(_ characters: ArraySlice<Character>) -> [UInt8]? {
        if let septets = GSM7.encode(String(characters)) { return septets }
        // Per character: a GSM septet, or one UCS-2 code unit outside the GSM alphabet.
        var parts: [(septets: [UInt8]?, unit: UInt16?)] = []
        var units: [UInt16] = []
        var singleUnits = true
        for character in characters {
            let utf16 = Array(String(character).utf16)
            units += utf16
            if let septets = GSM7.encode(String(character)), septets.count == 1 {
                parts.append((septets, nil))
            } else if utf16.count == 1 {
                parts.append((nil, utf16[0]))
            } else {
                singleUnits = false
            }
        }
        var candidates: [[UInt8]] = [[0x80] + units.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }]
        let wide = parts.compactMap(\.unit)
        if singleUnits, characters.count <= 0xFF, let low = wide.min(), let high = wide.max() {
            let halfPage = low & 0x7F80
            if low < 0x8000, high - halfPage < 0x80 {
                candidates.append([0x81, UInt8(characters.count), UInt8(halfPage >> 7)] + offsetBytes(parts, base: halfPage))
            }
            if high - low < 0x80 {
                candidates.append([0x82, UInt8(characters.count), UInt8(low >> 8), UInt8(low & 0xFF)] + offsetBytes(parts, base: low))
            }
        }
        return candidates.min { $0.count < $1.count }
    }

    private static func offsetBytes(_ parts: [(septets: [UInt8]?, unit: UInt16?)], base: UInt16) -> [UInt8] {
        parts.flatMap { part -> [UInt8] in
            if let septets = part.septets { return septets }
            return [0x80 | UInt8(part.unit! - base)]
        }
    }
}
