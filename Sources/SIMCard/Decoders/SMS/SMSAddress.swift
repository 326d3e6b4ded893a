/// An SMS address: TP-OA, TP-DA or TP-RA inside a TPDU (TS 23.040 §9.1.2.5) or the service
/// centre (RP) address stored before the TPDU in EF.SMS (TS 24.011 §8.2.5.1, TS 31.102
/// §4.2.25).
///
/// Validating value type: `typeOfNumber` is 0 to 7, `numberingPlan` 0 to 15; a numeric value
/// holds only semi-octet characters (`0-9 * # a b c`), prefixed by `+` exactly when the type
/// of number is international (1); an alphanumeric value (type of number 5) holds only
/// characters of the GSM 7-bit default alphabet and its extension table.
public struct SMSAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable, Codable {
        case numeric, alphanumeric
    }

    /// TON 001: international number, shown with a `+` prefix.
    public static let international: UInt8 = 1
    /// TON 101: alphanumeric, GSM 7-bit default alphabet (TS 23.040 §9.1.2.5).
    public static let alphanumericType: UInt8 = 5

    /// Bits 7-5 of the type-of-address octet.
    public let typeOfNumber: UInt8
    /// Bits 4-1 of the type-of-address octet (1 = ISDN/E.164).
    public let numberingPlan: UInt8
    public let value: String
    public let kind: Kind

    public init(typeOfNumber: UInt8, numberingPlan: UInt8, value: String) throws(DecodeError) {
        guard typeOfNumber <= 7, numberingPlan <= 15 else {
            throw .invalid(what: "SMS address", why: "type of number \(typeOfNumber) or numbering plan \(numberingPlan) out of range")
        }
        if typeOfNumber == Self.alphanumericType {
            guard GSM7.encode(value) != nil else {
                throw .invalid(what: "SMS address", why: "\"\(value)\" is not in the GSM 7-bit alphabet")
            }
            // At most 10 octets of address value (TS 23.040 §9.1.2.5): 11 septets.
            guard let septets = GSM7.encode(value), septets.count <= 11 else {
                throw .invalid(what: "SMS address", why: "alphanumeric address \"\(value)\" longer than 11 septets")
            }
            kind = .alphanumeric
        } else {
            var digits = Substring(value)
            if typeOfNumber == Self.international {
                guard digits.first == "+" else {
                    throw .invalid(what: "SMS address", why: "an international number is written with a + prefix, got \"\(value)\"")
                }
                digits = digits.dropFirst()
            }
            guard digits.count <= 20, digits.allSatisfy({ Self.semiOctetValue($0) != nil }) else {
                throw .invalid(what: "SMS address", why: "\"\(value)\" is not up to 20 semi-octet digits (0-9 * # a b c)")
            }
            kind = .numeric
        }
        self.typeOfNumber = typeOfNumber
        self.numberingPlan = numberingPlan
        self.value = value
    }

    /// An international E.164 number, e.g. `"+84912345678"` (TON 1, NPI 1).
    public init(international number: String) throws(DecodeError) {
        try self.init(typeOfNumber: Self.international, numberingPlan: 1,
                      value: number.hasPrefix("+") ? number : "+" + number)
    }

    /// An alphanumeric sender such as `"VAYNHANH"` (TON 5, NPI 0).
    public init(alphanumeric text: String) throws(DecodeError) {
        try self.init(typeOfNumber: Self.alphanumericType, numberingPlan: 0, value: text)
    }

    public var description: String { value }

    /// The type-of-address octet; bit 8 is always 1 (TS 23.040 §9.1.2.5).
    public var typeOfAddress: UInt8 { 0x80 | typeOfNumber << 4 | numberingPlan }

    // MARK: Semi-octets

    /// TS 23.040 §9.1.2.3: semi-octets 0-9 are digits, A `*`, B `#`, C-E `a` `b` `c`; F fills.
    private static let semiOctetCharacters: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "a", "b", "c"]

    static func semiOctetValue(_ character: Character) -> UInt8? {
        semiOctetCharacters.firstIndex(of: character).map { UInt8($0) }
    }

    /// The digits of a numeric value, without the `+` prefix.
    private var semiOctets: [UInt8] {
        value.filter { $0 != "+" }.compactMap(Self.semiOctetValue)
    }

    private static func digitString(_ nibbles: ArraySlice<UInt8>, what: String) throws(DecodeError) -> String {
        var text = ""
        for nibble in nibbles {
            guard nibble < 0x0F else {
                throw .invalid(what: what, why: "filler semi-octet F inside the number")
            }
            text.append(semiOctetCharacters[Int(nibble)])
        }
        return text
    }

    private init(decodedTypeOfAddress byte: UInt8, digits: String) throws(DecodeError) {
        let ton = (byte >> 4) & 0x07
        try self.init(typeOfNumber: ton, numberingPlan: byte & 0x0F,
                      value: ton == Self.international ? "+" + digits : digits)
    }

    // MARK: TP address (TS 23.040 §9.1.2.5)

    /// Decodes a TP address at the start of `bytes`: a length in semi-octets (the useful
    /// digits; for an alphanumeric address the semi-octets of the packed septets), the
    /// type-of-address octet and the semi-octets, low nibble first. Returns the address and
    /// the number of bytes it took; the bytes after it are not examined. The filler nibble of
    /// an odd-length number is not checked (handsets are not consistent about it).
    public static func decode(tpAddress bytes: ArraySlice<UInt8>) throws(DecodeError) -> (address: SMSAddress, consumed: Int) {
        let what = "TP address"
        guard bytes.count >= 2 else { throw .truncated(what: what, needed: 2, got: bytes.count) }
        let length = Int(bytes[bytes.startIndex])
        // The whole address field is at most 12 octets (TS 23.040 §9.1.2.5), so the value
        // holds at most 10 octets: 20 semi-octets.
        guard length <= 20 else {
            throw .invalid(what: what, why: "length \(length) semi-octets exceeds the 20 the address field can hold")
        }
        let valueBytes = (length + 1) / 2
        let total = 2 + valueBytes
        guard bytes.count >= total else { throw .truncated(what: what, needed: total, got: bytes.count) }
        let typeOfAddress = bytes[bytes.startIndex + 1]
        let data = bytes[(bytes.startIndex + 2)..<(bytes.startIndex + total)]
        if (typeOfAddress >> 4) & 0x07 == Self.alphanumericType {
            // TS 23.040 §9.1.2.5: alphanumeric, GSM 7-bit packed; the length counts semi-octets.
            let septets = GSM7.unpack(data, septets: length * 4 / 7)
            let text = GSM7.decode(unpacked: septets)
            return (try SMSAddress(typeOfNumber: Self.alphanumericType, numberingPlan: typeOfAddress & 0x0F, value: text), total)
        }
        let nibbles = SwappedBCD.nibbles(data)
        let digits = try digitString(nibbles.prefix(length), what: what)
        return (try SMSAddress(decodedTypeOfAddress: typeOfAddress, digits: digits), total)
    }

    /// Decodes a TP address that fills `bytes` exactly.
    public init(decodingTPAddress bytes: ArraySlice<UInt8>) throws(DecodeError) {
        let (address, consumed) = try Self.decode(tpAddress: bytes)
        guard consumed == bytes.count else {
            throw .trailingBytes(what: "TP address", count: bytes.count - consumed)
        }
        self = address
    }

    /// The TP address encoding: semi-octet length, type of address, value.
    public var encodedTPAddress: [UInt8] {
        if kind == .alphanumeric {
            let septets = GSM7.encode(value) ?? []
            let packed = GSM7.pack(septets)
            // The useful semi-octets: 7 bits per septet, rounded up to whole semi-octets.
            let length = (septets.count * 7 + 3) / 4
            return [UInt8(length), typeOfAddress] + packed
        }
        let nibbles = semiOctets
        return [UInt8(nibbles.count), typeOfAddress] + SwappedBCD.pack(nibbles)
    }

    // MARK: Service centre address (TS 24.011 §8.2.5.1)

    /// Decodes the service centre address at the start of an EF.SMS record's remainder: a
    /// length in *bytes* counting the type-of-address octet, then semi-octets up to F filler.
    /// A length of 0 means no address (nil). Returns the bytes taken.
    public static func decode(smscAddress bytes: ArraySlice<UInt8>) throws(DecodeError) -> (address: SMSAddress?, consumed: Int) {
        let what = "SMSC address"
        guard let first = bytes.first else { throw .truncated(what: what, needed: 1, got: 0) }
        let length = Int(first)
        if length == 0 { return (nil, 1) }
        // The RP address element holds at most 10 octets of value plus the type of address.
        guard length <= 11 else {
            throw .invalid(what: what, why: "length \(length) bytes exceeds 11")
        }
        let total = 1 + length
        guard bytes.count >= total else { throw .truncated(what: what, needed: total, got: bytes.count) }
        let typeOfAddress = bytes[bytes.startIndex + 1]
        let nibbles = SwappedBCD.nibbles(bytes[(bytes.startIndex + 2)..<(bytes.startIndex + total)])
        let count = nibbles.firstIndex(of: 0x0F) ?? nibbles.count
        guard nibbles[count...].allSatisfy({ $0 == 0x0F }) else {
            throw .invalid(what: what, why: "digits after the F filler")
        }
        let digits = try digitString(nibbles[..<count], what: what)
        return (try SMSAddress(decodedTypeOfAddress: typeOfAddress, digits: digits), total)
    }

    /// Decodes a service centre address that fills `bytes` exactly (length 0 is refused here:
    /// there is no address to return).
    public init(decodingSMSCAddress bytes: ArraySlice<UInt8>) throws(DecodeError) {
        let (address, consumed) = try Self.decode(smscAddress: bytes)
        guard let address else { throw .invalid(what: "SMSC address", why: "length 0: no address") }
        guard consumed == bytes.count else {
            throw .trailingBytes(what: "SMSC address", count: bytes.count - consumed)
        }
        self = address
    }

    /// The service centre encoding: length in bytes (type of address included), type of
    /// address, F-filled semi-octets. Only numeric addresses are meaningful here.
    public var encodedSMSCAddress: [UInt8] {
        let packed = SwappedBCD.pack(semiOctets)
        return [UInt8(packed.count + 1), typeOfAddress] + packed
    }
}
