import ByteText

/// One record of EF.PBR, the phonebook reference file (DF.PHONEBOOK 5F3A/4F30 under
/// DF.TELECOM or ADF.USIM, TS 31.102 §4.4.2.1): constructed data objects A8 (type 1 files:
/// one record per ADN entry), A9 (type 2: linked through EF.IAP), AA (type 3: linked through
/// EXT records), each holding one data object per file, tag = file kind, value = FID
/// (2 bytes) and optionally an SFI (1 byte). FF padding after the objects is skipped.
public struct PhonebookReference: Hashable, Sendable, Codable {
    public struct Entry: Hashable, Sendable, Codable {
        public let tag: UInt8
        public let name: String
        public let fid: UInt16
        public let sfi: UInt8?
        /// 1, 2 or 3, from the enclosing A8, A9 or AA.
        public let type: Int

        /// The FID as 4 upper-case hex digits.
        public var fidHex: String { Hex.string([UInt8(fid >> 8), UInt8(fid & 0xFF)]) }
    }

    public let files: [Entry]

    public static func decode(record: ArraySlice<UInt8>) throws(DecodeError) -> PhonebookReference {
        try PhonebookReference(decoding: record)
    }

    public init(decoding record: ArraySlice<UInt8>) throws(DecodeError) {
        var files: [Entry] = []
        for object in try TLV.parseAll(record) {
            let type: Int
            switch object.tag {
            case 0xA8: type = 1
            case 0xA9: type = 2
            case 0xAA: type = 3
            default:
                throw .invalid(what: "EF.PBR", why: "tag \(Hex.string(TLV.tagBytes(object.tag))) is not A8, A9 or AA")
            }
            for file in try TLV.parseAll(object.value[...]) {
                guard file.tag <= 0xFF else {
                    throw .invalid(what: "EF.PBR", why: "file tag \(Hex.string(TLV.tagBytes(file.tag))) is not one byte")
                }
                guard file.value.count == 2 || file.value.count == 3 else {
                    throw .invalid(what: "EF.PBR file tag \(Hex.string([UInt8(file.tag)]))",
                                   why: "value of \(file.value.count) bytes is neither FID nor FID + SFI")
                }
                let tag = UInt8(file.tag)
                files.append(Entry(tag: tag, name: Self.name(of: tag), fid: UInt16(file.value[0]) << 8 | UInt16(file.value[1]),
                                   sfi: file.value.count == 3 ? file.value[2] : nil, type: type))
            }
        }
        self.files = files
    }

    /// The file kind of a tag (TS 31.102 §4.4.2.1 table 4.1).
    public static func name(of tag: UInt8) -> String {
        switch tag {
        case 0xC0: "ADN"
        case 0xC1: "IAP"
        case 0xC2: "EXT1"
        case 0xC3: "SNE"
        case 0xC4: "ANR"
        case 0xC5: "PBC"
        case 0xC6: "GRP"
        case 0xC7: "AAS"
        case 0xC8: "GAS"
        case 0xC9: "UID"
        case 0xCA: "EMAIL"
        case 0xCB: "CCP1"
        default: "unknown (\(Hex.string([tag])))"
        }
    }
}
