/// One record of EF.ADN, EF.FDN, EF.SDN, EF.LND, EF.MSISDN, EF.BDN, EF.MBDN… (TS 31.102
/// §4.4.2.3 and §4.2.26, TS 51.011 §10.5.1): an X-byte alpha identifier, then 14 bytes:
///
///     byte X+1       length of BCD number/SSC contents: bytes of TON/NPI + number (FF: empty)
///     byte X+2       TON and NPI (TS 24.008 §10.5.4.7: bit 8 = 1, bits 7–5 TON, bits 4–1 NPI)
///     bytes X+3–12   dialling number, semi-octets (`DiallingDigits`), F-padded
///     byte X+13      capability/configuration identifier (FF: none)
///     byte X+14      extension record identifier (FF: none)
///
/// A number longer than 20 digits continues in extension records: see `appending(extensions:)`.
/// An alpha identifier that does not decode is nil and named `alpha` in `fieldErrors`; the
/// number is kept.
public struct DiallingNumber: Hashable, Sendable, Codable, FieldByFieldDecoded {
    /// The fixed part after the alpha identifier.
    public static let fixedLength = 14

    /// Nil when the record has no alpha field or the field is empty.
    public var alpha: String?
    /// The dialling string, `+` first for an international number (TON 1); empty when unused.
    public var number: String
    /// TON (0 unknown, 1 international, 2 national, 3 network specific, 4 dedicated access);
    /// nil when the record holds no number.
    public var typeOfNumber: UInt8?
    /// NPI (0 unknown, 1 ISDN/telephony E.164, 3 data X.121, 4 telex, 8 national, 9 private);
    /// nil when the record holds no number.
    public var numberingPlan: UInt8?
    public var capabilityConfigurationID: UInt8?
    public var extensionRecord: UInt8?
    /// The fields that did not decode; nil when all did.
    public var fieldErrors: [FieldError]?

    public init(alpha: String?, number: String, typeOfNumber: UInt8? = nil, numberingPlan: UInt8? = nil,
                capabilityConfigurationID: UInt8? = nil, extensionRecord: UInt8? = nil) {
        self.alpha = alpha
        self.number = number
        self.typeOfNumber = typeOfNumber ?? (number.isEmpty ? nil : number.hasPrefix("+") ? 1 : 0)
        self.numberingPlan = numberingPlan ?? (number.isEmpty ? nil : 1)
        self.capabilityConfigurationID = capabilityConfigurationID
        self.extensionRecord = extensionRecord
    }

    /// An unused record: no name, no number, and no field that failed to decode.
    public var isEmpty: Bool { (alpha ?? "").isEmpty && number.isEmpty && fieldErrors == nil }

    /// The number without the `+` of an international number.
    public var digits: String { number.hasPrefix("+") ? String(number.dropFirst()) : number }

    /// Decodes one record. Shorter than 14 bytes: truncated; a BCD length above 11 (other
    /// than FF): invalid. An alpha identifier that does not decode is a field error.
    public static func decode(record: ArraySlice<UInt8>) throws(DecodeError) -> DiallingNumber {
        let raw = try FileBytes.atLeast(record, fixedLength, "dialling number record")
        let x = raw.count - fixedLength
        var fields = FieldErrors()
        let alphaText = x == 0 ? "" : fields.field("alpha") { () throws(DecodeError) in try AlphaIdentifier.decode(raw[0..<x]) } ?? ""
        let length = raw[x]
        let tonNPI = raw[x + 1]
        var number = ""
        var ton: UInt8? = nil
        var npi: UInt8? = nil
        switch length {
        case 0xFF, 0x00:
            break
        case 1...11:
            ton = tonNPI >> 4 & 0x07
            npi = tonNPI & 0x0F
            let digits = DiallingDigits.decode(raw[(x + 2)..<(x + 1 + Int(length))])
            number = (ton == 1 && !digits.isEmpty ? "+" : "") + digits
        default:
            throw .invalid(what: "dialling number record", why: "BCD length \(length) exceeds 11 (TON/NPI + 10 bytes)")
        }
        var decoded = DiallingNumber(alpha: alphaText.isEmpty ? nil : alphaText, number: number, typeOfNumber: ton, numberingPlan: npi,
                                     capabilityConfigurationID: raw[x + 12] == 0xFF ? nil : raw[x + 12],
                                     extensionRecord: raw[x + 13] == 0xFF ? nil : raw[x + 13])
        decoded.fieldErrors = fields.list
        return decoded
    }

    /// The record with an alpha field of `alphaLength` bytes; nil when the number holds a
    /// character `DiallingDigits` cannot code or more than 20 digits (the overflow would
    /// need extension records, which this encoder does not write).
    public func encodedRecord(alphaLength: Int) -> [UInt8]? {
        let alphaBytes = AlphaIdentifier.encode(alpha ?? "", length: alphaLength)
        let trailer = [capabilityConfigurationID ?? 0xFF, extensionRecord ?? 0xFF]
        if number.isEmpty {
            return alphaBytes + [UInt8](repeating: 0xFF, count: 12) + trailer
        }
        guard let packed = DiallingDigits.encode(digits), packed.count <= 10 else { return nil }
        let ton = (typeOfNumber ?? (number.hasPrefix("+") ? 1 : 0)) & 0x07
        let npi = (numberingPlan ?? 1) & 0x0F
        let padding = [UInt8](repeating: 0xFF, count: 10 - packed.count)
        return alphaBytes + [UInt8(packed.count + 1), 0x80 | ton << 4 | npi] + packed + padding + trailer
    }

    /// TON named as in TS 24.008 §10.5.4.7.
    public var typeOfNumberName: String? {
        typeOfNumber.map { ton in
            switch ton {
            case 0: "unknown"
            case 1: "international"
            case 2: "national"
            case 3: "network specific"
            case 4: "dedicated access, short code"
            case 7: "reserved for extension"
            default: "reserved (\(ton))"
            }
        }
    }

    /// NPI named as in TS 24.008 §10.5.4.7.
    public var numberingPlanName: String? {
        numberingPlan.map { npi in
            switch npi {
            case 0: "unknown"
            case 1: "ISDN/telephony (E.164/E.163)"
            case 3: "data (X.121)"
            case 4: "telex (F.69)"
            case 8: "national"
            case 9: "private"
            case 15: "reserved for extension"
            default: "reserved (\(npi))"
            }
        }
    }

    /// The most extension records followed for one number.
    public static let maximumExtensionHops = 10

    /// This number with the digits of its additional-data extension records appended, following
    /// `extensionRecord` and each record's next-record identifier through `extensions`
    /// (record number → record, as read from EF.EXT1/EXT2/EXT5). Stops at a missing record,
    /// a record already visited, or after `maximumExtensionHops` records. Called-party
    /// subaddress records add no digits but the chain continues through them.
    public func appending(extensions: [Int: ExtensionRecord]) -> DiallingNumber {
        var result = self
        var next = extensionRecord
        var visited: Set<UInt8> = []
        var hops = 0
        while let id = next, hops < Self.maximumExtensionHops, visited.insert(id).inserted, let record = extensions[Int(id)] {
            if let more = record.additionalDigits { result.number += more }
            next = record.nextRecord
            hops += 1
        }
        return result
    }
}

/// One record of EF.EXT1, EF.EXT2, EF.EXT3, EF.EXT5… (TS 31.102 §4.4.2.4, TS 51.011 §10.5.10):
/// 13 bytes.
///
///     byte 1       record type: 01 called party subaddress, 02 additional data (FF: unused)
///     bytes 2–12   extension data; for additional data, byte 2 is the number of bytes of
///                  BCD digits that follow (at most 10)
///     byte 13      identifier of the next extension record (FF: none)
public struct ExtensionRecord: Hashable, Sendable, Codable {
    public static let encodedLength = 13

    public let recordType: UInt8
    /// The 11 bytes of extension data, raw.
    public let data: [UInt8]
    public let nextRecord: UInt8?

    public init(recordType: UInt8, data: [UInt8], nextRecord: UInt8?) {
        precondition(data.count == 11, "extension data is 11 bytes, not \(data.count)")
        self.recordType = recordType
        self.data = data
        self.nextRecord = nextRecord
    }

    /// An additional-data record holding `digits`; nil when they need more than 10 bytes or
    /// hold a character `DiallingDigits` cannot code.
    public static func additionalData(_ digits: String, nextRecord: UInt8? = nil) -> ExtensionRecord? {
        guard let packed = DiallingDigits.encode(digits), packed.count <= 10 else { return nil }
        let data = [UInt8(packed.count)] + packed + [UInt8](repeating: 0xFF, count: 10 - packed.count)
        return ExtensionRecord(recordType: 0x02, data: data, nextRecord: nextRecord)
    }

    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        let raw = try FileBytes.exact(bytes, Self.encodedLength, "extension record")
        if raw[0] == 0x02, raw[1] != 0xFF, raw[1] > 10 {
            throw .invalid(what: "extension record", why: "additional data length \(raw[1]) exceeds 10")
        }
        recordType = raw[0]
        data = Array(raw[1..<12])
        nextRecord = raw[12] == 0xFF ? nil : raw[12]
    }

    public var encoded: [UInt8] { [recordType] + data + [nextRecord ?? 0xFF] }

    public var isEmpty: Bool { recordType == 0xFF && nextRecord == nil && data.allSatisfy { $0 == 0xFF } }

    /// The digits of an additional-data record (type 02); nil for any other type.
    public var additionalDigits: String? {
        guard recordType == 0x02 else { return nil }
        let count = data[0] == 0xFF ? 0 : min(Int(data[0]), 10)
        return DiallingDigits.decode(data[1..<(1 + count)])
    }

    /// The subaddress bytes of a called-party-subaddress record (type 01), raw.
    public var subaddress: [UInt8]? { recordType == 0x01 ? data : nil }
}
