import ByteText

/// The international mobile subscriber identity (3GPP TS 23.003 §2.2): MCC, MNC and MSIN.
///
/// Validating value type: it always holds 6 to 15 decimal digits (3GPP TS 23.003 allows at
/// most 15; fewer than 6 could not hold an MCC and a 3-digit MNC).
public struct IMSI: Hashable, Sendable, Codable, CustomStringConvertible {
    /// EF.IMSI is a transparent file of exactly 9 bytes (TS 31.102 §4.2.2, TS 51.011 §10.3.2).
    public static let encodedLength = 9

    public let digits: String

    public init(digits: String) throws(DecodeError) {
        guard (6...15).contains(digits.utf8.count), SwappedBCD.isDecimal(digits) else {
            throw .invalid(what: "IMSI", why: "expected 6 to 15 decimal digits, got \"\(digits)\"")
        }
        self.digits = digits
    }

    /// Decodes EF.IMSI (TS 31.102 §4.2.2): byte 1 is the number L of significant bytes that
    /// follow; the first of them carries the identity type and parity in its low nibble
    /// (TS 24.008 §10.5.1.4: 1001 odd digit count, 0001 even) and digit 1 in its high nibble;
    /// the rest are swapped BCD, F filling an unused last nibble; bytes after L are FF.
    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        guard bytes.count >= Self.encodedLength else {
            throw .truncated(what: "EF.IMSI", needed: Self.encodedLength, got: bytes.count)
        }
        guard bytes.count == Self.encodedLength else {
            throw .trailingBytes(what: "EF.IMSI", count: bytes.count - Self.encodedLength)
        }
        let start = bytes.startIndex
        let length = Int(bytes[start])
        guard (1...8).contains(length) else {
            throw .invalid(what: "EF.IMSI", why: "length byte \(length) is outside 1...8 in \(Hex.string(bytes))")
        }
        let significant = bytes[(start + 1)...(start + length)]
        guard bytes[(start + 1 + length)...].allSatisfy({ $0 == 0xFF }) else {
            throw .invalid(what: "EF.IMSI", why: "bytes after the length \(length) are not FF padding in \(Hex.string(bytes))")
        }
        var nibbles = SwappedBCD.nibbles(significant)
        let typeAndParity = nibbles.removeFirst()
        if nibbles.last == 0x0F { nibbles.removeLast() }
        guard nibbles.allSatisfy({ $0 <= 9 }) else {
            throw .invalid(what: "EF.IMSI", why: "non-decimal nibble in \(Hex.string(bytes))")
        }
        let expected: UInt8 = nibbles.count % 2 == 1 ? 0x9 : 0x1
        guard typeAndParity == expected else {
            throw .invalid(what: "EF.IMSI", why: "type/parity nibble \(typeAndParity) does not match \(nibbles.count) digits (expected \(expected))")
        }
        try self.init(digits: SwappedBCD.string(nibbles))
    }

    /// The EF.IMSI content: 9 bytes, FF-padded after the significant bytes.
    public var encoded: [UInt8] {
        let values = SwappedBCD.digitValues(digits)
        let typeAndParity: UInt8 = values.count % 2 == 1 ? 0x9 : 0x1
        let significant = SwappedBCD.pack([typeAndParity] + values)
        let padding = [UInt8](repeating: 0xFF, count: Self.encodedLength - 1 - significant.count)
        return [UInt8(significant.count)] + significant + padding
    }

    /// The mobile country code: the first 3 digits.
    public var mcc: String { String(digits.prefix(3)) }

    /// The mobile network code, `length` (2 or 3) digits after the MCC. The length is not in
    /// the IMSI itself: it comes from EF.AD byte 4 or, failing that, the operator directory.
    public func mnc(length: Int) -> String {
        precondition(length == 2 || length == 3, "an MNC has 2 or 3 digits, not \(length)")
        return String(digits.dropFirst(3).prefix(length))
    }

    /// The mobile subscriber identification number: the digits after MCC and MNC.
    public func msin(mncLength: Int) -> String {
        precondition(mncLength == 2 || mncLength == 3, "an MNC has 2 or 3 digits, not \(mncLength)")
        return String(digits.dropFirst(3 + mncLength))
    }

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
