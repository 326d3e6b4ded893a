import ByteText

/// EF.AD, administrative data (TS 31.102 §4.2.18, TS 51.011 §10.3.18): the UE operation mode
/// and the length of the MNC in the IMSI.
public struct AdministrativeData: Hashable, Sendable, Codable {
    /// Bytes 1 to 3 are mandatory; byte 4 (MNC length) arrived in later phases and may be absent.
    public static let minimumLength = 3

    public let raw: [UInt8]
    /// Byte 1: UE operation mode.
    public let operationMode: UInt8
    /// Byte 4, low nibble: the number of MNC digits in the IMSI; nil when the file has no
    /// byte 4 or the nibble holds anything but 2 or 3.
    public let mncLength: Int?

    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        guard bytes.count >= Self.minimumLength else {
            throw .truncated(what: "EF.AD", needed: Self.minimumLength, got: bytes.count)
        }
        raw = Array(bytes)
        operationMode = raw[0]
        if raw.count >= 4, case let nibble = Int(raw[3] & 0x0F), nibble == 2 || nibble == 3 {
            mncLength = nibble
        } else {
            mncLength = nil
        }
    }

    /// The operation mode named as in TS 31.102 §4.2.18.
    public var operationModeName: String {
        switch operationMode {
        case 0x00: "normal"
        case 0x80: "type approval"
        case 0x01: "normal + specific facilities"
        case 0x81: "type approval + specific facilities"
        case 0x02: "maintenance (off line)"
        case 0x04: "cell test"
        default: "unknown (0x\(Hex.string([operationMode])))"
        }
    }

    private enum CodingKeys: String, CodingKey { case raw, operationMode, operationModeName, mncLength }

    /// Decoding reads only `raw` and decodes it again, so the decoded fields always match it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(decoding: try container.decode([UInt8].self, forKey: .raw)[...])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(raw, forKey: .raw)
        try container.encode(operationMode, forKey: .operationMode)
        try container.encode(operationModeName, forKey: .operationModeName)
        try container.encodeIfPresent(mncLength, forKey: .mncLength)
    }
}
