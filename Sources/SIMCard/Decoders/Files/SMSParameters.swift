/// One record of EF.SMSP, short message service parameters (TS 31.102 §4.2.27, TS 51.011
/// §10.5.6): a Y-byte alpha identifier, then 28 bytes:
///
///     byte Y+1        parameter indicators: bits 1–5 = 0 mean TP-Destination Address,
///                     TS-Service Centre Address, TP-PID, TP-DCS, TP-VP are *present*
///     bytes Y+2–13    TP-Destination Address (TS 23.040 §9.1.2.5: length in digits)
///     bytes Y+14–25   TS-Service Centre Address (TS 24.011 §8.2.5.2: length in bytes)
///     byte Y+26       TP-PID
///     byte Y+27       TP-DCS
///     byte Y+28       TP-VP, relative format (TS 23.040 §9.2.3.12.1)
///
/// A parameter marked absent decodes to nil whatever its bytes hold. Decoded field by field:
/// an alpha identifier or an address that does not decode is nil and named in `fieldErrors`
/// (`alpha`, `destinationAddress`, `serviceCentreAddress`); the other parameters are kept.
public struct SMSParameters: Hashable, Sendable, Codable, FieldByFieldDecoded {
    public static let fixedLength = 28

    /// A dialling number in an address field: TON/NPI and digits (`+` first for TON 1).
    public struct Address: Hashable, Sendable, Codable {
        public let number: String
        public let typeOfNumber: UInt8
        public let numberingPlan: UInt8
    }

    public let alpha: String?
    public let parameterIndicators: UInt8
    public let destinationAddress: Address?
    public let serviceCentreAddress: Address?
    public let protocolIdentifier: UInt8?
    public let dataCodingScheme: UInt8?
    public let validityPeriod: UInt8?
    /// The fields that did not decode; nil when all did.
    public let fieldErrors: [FieldError]?

    public static func decode(record: ArraySlice<UInt8>) throws(DecodeError) -> SMSParameters {
        try SMSParameters(decoding: record)
    }

    /// Throws only when the record is shorter than 28 bytes.
    public init(decoding record: ArraySlice<UInt8>) throws(DecodeError) {
        let raw = try FileBytes.atLeast(record, Self.fixedLength, "EF.SMSP record")
        let y = raw.count - Self.fixedLength
        var fields = FieldErrors()
        let alphaText = y == 0 ? "" : fields.field("alpha") { () throws(DecodeError) in try AlphaIdentifier.decode(raw[0..<y]) }
        alpha = alphaText?.isEmpty == false ? alphaText : nil
        let indicators = raw[y]
        parameterIndicators = indicators
        func present(_ bit: UInt8) -> Bool { indicators & bit == 0 }
        destinationAddress = present(0x01) ? fields.field("destinationAddress") { () throws(DecodeError) in
            try Self.address(raw[(y + 1)..<(y + 13)], lengthInDigits: true)
        } : nil
        serviceCentreAddress = present(0x02) ? fields.field("serviceCentreAddress") { () throws(DecodeError) in
            try Self.address(raw[(y + 13)..<(y + 25)], lengthInDigits: false)
        } : nil
        protocolIdentifier = present(0x04) ? raw[y + 25] : nil
        dataCodingScheme = present(0x08) ? raw[y + 26] : nil
        validityPeriod = present(0x10) ? raw[y + 27] : nil
        fieldErrors = fields.list
    }

    /// A 12-byte address field: length, TON/NPI, 10 bytes of semi-octets. Nil when the length
    /// is 00 or FF (nothing stored).
    static func address(_ field: ArraySlice<UInt8>, lengthInDigits: Bool) throws(DecodeError) -> Address? {
        let raw = Array(field)
        let length = Int(raw[0])
        if length == 0 || length == 0xFF { return nil }
        let byteCount: Int
        if lengthInDigits {
            guard length <= 20 else {
                throw .invalid(what: "EF.SMSP TP-Destination Address", why: "\(length) digits exceed 20")
            }
            byteCount = (length + 1) / 2
        } else {
            guard length <= 11 else {
                throw .invalid(what: "EF.SMSP TS-Service Centre Address", why: "length \(length) exceeds 11 bytes")
            }
            byteCount = length - 1
        }
        var digits = DiallingDigits.decode(raw[2..<(2 + byteCount)])
        if lengthInDigits { digits = String(digits.prefix(length)) }
        let ton = raw[1] >> 4 & 0x07
        return Address(number: (ton == 1 && !digits.isEmpty ? "+" : "") + digits, typeOfNumber: ton, numberingPlan: raw[1] & 0x0F)
    }

    /// The validity period in minutes (TS 23.040 §9.2.3.12.1): 0–143 (VP+1)×5 min, 144–167
    /// 12 h + (VP−143)×30 min, 168–196 (VP−166) days, 197–255 (VP−192) weeks.
    public var validityPeriodMinutes: Int? {
        validityPeriod.map { vp in
            let v = Int(vp)
            switch v {
            case 0...143: return (v + 1) * 5
            case 144...167: return 12 * 60 + (v - 143) * 30
            case 168...196: return (v - 166) * 24 * 60
            default: return (v - 192) * 7 * 24 * 60
            }
        }
    }
}
