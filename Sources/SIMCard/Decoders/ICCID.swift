import ByteText

/// The integrated circuit card identifier (ITU-T E.118), read from EF.ICCID (MF/2FE2).
///
/// Validating value type: it always holds 18 to 20 decimal digits. The Luhn check digit is
/// reported by `luhnValid`, never enforced: real cards that fail it exist and must still be
/// recorded (DESIGN.md, "SIM facts").
public struct ICCID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// EF.ICCID is a transparent file of exactly 10 bytes (TS 102 221 §13.2).
    public static let encodedLength = 10

    public let digits: String

    public init(digits: String) throws(DecodeError) {
        guard (18...20).contains(digits.utf8.count), SwappedBCD.isDecimal(digits) else {
            throw .invalid(what: "ICCID", why: "expected 18 to 20 decimal digits, got \"\(digits)\"")
        }
        self.digits = digits
    }

    /// Decodes EF.ICCID: 10 bytes of swapped-nibble BCD, the unused trailing nibbles set to F.
    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        guard bytes.count >= Self.encodedLength else {
            throw .truncated(what: "EF.ICCID", needed: Self.encodedLength, got: bytes.count)
        }
        guard bytes.count == Self.encodedLength else {
            throw .trailingBytes(what: "EF.ICCID", count: bytes.count - Self.encodedLength)
        }
        let nibbles = SwappedBCD.nibbles(bytes)
        let digitCount = nibbles.firstIndex(of: 0x0F) ?? nibbles.count
        guard nibbles[..<digitCount].allSatisfy({ $0 <= 9 }) else {
            throw .invalid(what: "EF.ICCID", why: "non-decimal nibble in \(Hex.string(bytes))")
        }
        guard nibbles[digitCount...].allSatisfy({ $0 == 0x0F }) else {
            throw .invalid(what: "EF.ICCID", why: "digits after the F padding in \(Hex.string(bytes))")
        }
        try self.init(digits: SwappedBCD.string(nibbles[..<digitCount]))
    }

    /// The EF.ICCID content: 10 bytes, F-padded.
    public var encoded: [UInt8] {
        let values = SwappedBCD.digitValues(digits)
        let padding = [UInt8](repeating: 0x0F, count: 2 * Self.encodedLength - values.count)
        return SwappedBCD.pack(values + padding)
    }

    /// Whether the last digit is a correct Luhn (ISO/IEC 7812-1 annex B) check digit.
    public var luhnValid: Bool { Luhn.isValid(digits) }

    public var description: String { digits }

    /// Encoded as the bare digit string; decoding validates it.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(digits: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}
