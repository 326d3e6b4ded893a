import ByteText

/// BER-TLV objects of a file or record, the FF padding after them left out (the unused rest of
/// a record or file is erased to FF, which is not a tag).
private func paddedTLVs(_ bytes: ArraySlice<UInt8>) throws(DecodeError) -> [TLV] {
    var end = bytes.endIndex
    while end > bytes.startIndex, bytes[end - 1] == 0xFF { end -= 1 }
    return try TLV.parseAll(bytes[bytes.startIndex..<end])
}

/// One EF.PNN record (TS 31.102 §4.2.58, TS 51.011 §10.3.41): the network's full name (tag 43)
/// and short name (tag 45), each coded as the network name IE of TS 24.008 §10.5.3.5a.
public struct NetworkName: Hashable, Sendable, Codable {
    public let fullName: String?
    public let shortName: String?

    /// nil for an erased record.
    public static func decode(record bytes: ArraySlice<UInt8>) throws(DecodeError) -> NetworkName? {
        let objects = try paddedTLVs(bytes)
        if objects.isEmpty { return nil }
        func name(_ tag: UInt32) throws(DecodeError) -> String? {
            guard let value = objects.first(where: { $0.tag == tag })?.value else { return nil }
            return try Self.text(value[...])
        }
        return NetworkName(fullName: try name(0x43), shortName: try name(0x45))
    }

    /// Octet 1: bit 8 set, bits 7–5 coding (000 GSM 7-bit packed, 001 UCS-2), bits 3–1 spare bits
    /// in the last octet; then the text.
    static func text(_ value: ArraySlice<UInt8>) throws(DecodeError) -> String {
        guard let first = value.first else { throw .truncated(what: "network name", needed: 1, got: 0) }
        let text = value.dropFirst()
        switch first >> 4 & 0x07 {
        case 0:
            let septets = (text.count * 8 - Int(first & 0x07)) / 7
            return GSM7.decode(unpacked: GSM7.unpack(text, septets: septets))
        case 1:
            guard text.count % 2 == 0 else { throw .invalid(what: "network name", why: "UCS-2 text of odd length \(text.count)") }
            let units = stride(from: text.startIndex, to: text.endIndex, by: 2).map { UInt16(text[$0]) << 8 | UInt16(text[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        default:
            throw .invalid(what: "network name", why: "coding scheme \(first >> 4 & 0x07) is neither GSM 7-bit (0) nor UCS-2 (1)")
        }
    }
}

/// One EF.OPL record (TS 31.102 §4.2.59, TS 51.011 §10.3.42): which EF.PNN name applies to a
/// PLMN over a range of location area codes. The PLMN may hold wildcard digits (D), so it is
/// given as digits, `D` kept.
public struct OperatorPLMNEntry: Hashable, Sendable, Codable {
    public static let encodedLength = 8
    /// MCC-MNC, e.g. `452-05`; `D` is a wildcard digit.
    public let plmn: String
    /// Location area codes, hex, first and last of the range.
    public let lacFrom: String
    public let lacTo: String
    /// The EF.PNN record holding the name (0: the name comes from elsewhere).
    public let pnnRecord: Int

    /// nil for an erased record.
    public static func decode(record bytes: ArraySlice<UInt8>) throws(DecodeError) -> OperatorPLMNEntry? {
        let raw = try FileBytes.atLeast(bytes, encodedLength, "EF.OPL record")
        if raw.prefix(encodedLength).allSatisfy({ $0 == 0xFF }) { return nil }
        let digits = SwappedBCD.nibbles(raw[0..<3]).map { String($0, radix: 16, uppercase: true) }
        // nibbles: MCC1 MCC2 MCC3 MNC3 MNC1 MNC2
        let mnc = digits[4] + digits[5] + (digits[3] == "F" ? "" : digits[3])
        return OperatorPLMNEntry(plmn: digits[0] + digits[1] + digits[2] + "-" + mnc,
                                 lacFrom: Hex.string(raw[3..<5]), lacTo: Hex.string(raw[5..<7]), pnnRecord: Int(raw[7]))
    }
}

/// EF.SPDI (TS 31.102 §4.2.66, TS 51.011 §10.3.50): the PLMNs the service provider's name is
/// shown in, a PLMN list (tag 80) inside tag A3. Unused entries (FFFFFF) are skipped.
public struct ServiceProviderPLMNs: Hashable, Sendable, Codable {
    public let plmns: [PLMN]

    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        guard let display = try paddedTLVs(bytes).first(where: { $0.tag == 0xA3 }) else {
            throw .invalid(what: "EF.SPDI", why: "no service provider display information (tag A3)")
        }
        var list: [UInt8] = []
        for object in try TLV.parseAll(display.value[...]) where object.tag == 0x80 { list = object.value }
        guard list.count % PLMN.encodedLength == 0 else {
            throw .truncated(what: "EF.SPDI PLMN", needed: PLMN.encodedLength, got: list.count % PLMN.encodedLength)
        }
        var plmns: [PLMN] = []
        for start in stride(from: 0, to: list.count, by: PLMN.encodedLength) {
            if let plmn = try PLMN.decode(list[start..<start + PLMN.encodedLength]) { plmns.append(plmn) }
        }
        self.plmns = plmns
    }
}

/// ISIM EF.IMPI, EF.DOMAIN (transparent) and EF.IMPU (one per record) (TS 31.103 §4.2.2–4.2.4):
/// a NAI or SIP/TEL URI as UTF-8 in tag 80.
public struct ISIMText: Hashable, Sendable, Codable {
    public let text: String

    /// nil when the file or record is erased.
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(DecodeError) -> ISIMText? {
        let objects = try paddedTLVs(bytes)
        if objects.isEmpty { return nil }
        guard let value = objects.first(where: { $0.tag == 0x80 })?.value else {
            throw .invalid(what: "ISIM identity", why: "no tag 80")
        }
        guard let text = String(validating: value, as: UTF8.self) else {
            throw .invalid(what: "ISIM identity", why: "tag 80 is not UTF-8")
        }
        return ISIMText(text: text)
    }
}
