import ByteText

/// The state of one secret code in a classic SIM DF header (TS 51.011 §9.2.1, bytes 19 to 22).
public struct CHVStatus: Hashable, Sendable, Codable {
    /// b8: the secret code is initialised.
    public var initialised: Bool
    /// b4-b1: false presentations remaining before the code is blocked.
    public var remainingTries: Int

    public init(initialised: Bool, remainingTries: Int) {
        precondition((0...15).contains(remainingTries), "a CHV status holds 0 to 15 tries")
        self.initialised = initialised
        self.remainingTries = remainingTries
    }

    init(decoding byte: UInt8) {
        self.init(initialised: byte & 0x80 != 0, remainingTries: Int(byte & 0x0F))
    }

    var encoded: UInt8 { (initialised ? 0x80 : 0x00) | UInt8(remainingTries) }
}

/// The response of a classic SIM (CLA A0) to GET RESPONSE after SELECT: TS 51.011 §9.2.1 for
/// the MF and DFs, §9.2.2 for EFs. Byte numbers in the comments are the 1-based ones of the
/// specification. Byte 13 gives the length of the data that follows it, so the header's full
/// length is known from the header itself.
public struct ClassicFileHeader: Hashable, Sendable {
    /// Byte 7, type of file.
    public enum Kind: String, Hashable, Sendable, Codable {
        case masterFile, dedicatedFile, elementaryFile
    }

    /// Bytes 1 to 13 are common to both kinds.
    public static let mandatoryLength = 13

    public let raw: [UInt8]
    /// Bytes 5-6.
    public let fileID: UInt16
    public let kind: Kind
    /// EF only, bytes 3-4 (for the MF or a DF they give free memory instead).
    public let fileSize: Int?
    /// EF: byte 14 (00 transparent, 01 linear fixed, 03 cyclic). MF and DF: `.dedicatedFile`.
    public let structure: FileStructure
    /// Linear fixed and cyclic EFs only, byte 15.
    public let recordLength: Int?
    /// `fileSize / recordLength`, for record EFs with a non-zero record length.
    public let recordCount: Int?
    /// Bytes 9 to 11: EF access conditions, one nibble per operation group (RFU for MF/DF).
    public let accessConditions: [UInt8]
    /// Byte 12: EF status; b1 = 0 means invalidated (RFU for MF/DF).
    public let fileStatus: UInt8
    /// MF/DF only, byte 14 b8: 1 means CHV1 disabled, so enabled is the bit clear.
    public let chv1Enabled: Bool?
    /// MF/DF only, bytes 19, 20, 21, 22; nil when the header stops before the byte.
    public let chv1: CHVStatus?
    public let unblockCHV1: CHVStatus?
    public let chv2: CHVStatus?
    public let unblockCHV2: CHVStatus?

    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        guard bytes.count >= Self.mandatoryLength else {
            throw .truncated(what: "SIM file header", needed: Self.mandatoryLength, got: bytes.count)
        }
        let raw = Array(bytes)
        let length = Self.mandatoryLength + Int(raw[12])
        guard raw.count >= length else {
            throw .truncated(what: "SIM file header", needed: length, got: raw.count)
        }
        guard raw.count == length else {
            throw .trailingBytes(what: "SIM file header", count: raw.count - length)
        }
        self.raw = raw
        fileID = UInt16(raw[4]) << 8 | UInt16(raw[5])
        accessConditions = Array(raw[8...10])
        fileStatus = raw[11]
        switch raw[6] {
        case 0x01, 0x02:
            kind = raw[6] == 0x01 ? .masterFile : .dedicatedFile
            structure = .dedicatedFile
            fileSize = nil
            recordLength = nil
            recordCount = nil
            chv1Enabled = raw.count > 13 ? raw[13] & 0x80 == 0 : nil
            chv1 = raw.count > 18 ? CHVStatus(decoding: raw[18]) : nil
            unblockCHV1 = raw.count > 19 ? CHVStatus(decoding: raw[19]) : nil
            chv2 = raw.count > 20 ? CHVStatus(decoding: raw[20]) : nil
            unblockCHV2 = raw.count > 21 ? CHVStatus(decoding: raw[21]) : nil
        case 0x04:
            kind = .elementaryFile
            guard raw.count > 13 else {
                throw .truncated(what: "SIM EF header", needed: 14, got: raw.count)
            }
            let size = Int(raw[2]) << 8 | Int(raw[3])
            fileSize = size
            switch raw[13] {
            case 0x00: structure = .transparent
            case 0x01: structure = .linearFixed
            case 0x03: structure = .cyclic
            default: structure = .unknown
            }
            if structure == .linearFixed || structure == .cyclic {
                guard raw.count > 14 else {
                    throw .truncated(what: "SIM record EF header", needed: 15, got: raw.count)
                }
                recordLength = Int(raw[14])
                recordCount = raw[14] == 0 ? nil : size / Int(raw[14])
            } else {
                recordLength = nil
                recordCount = nil
            }
            chv1Enabled = nil
            chv1 = nil
            unblockCHV1 = nil
            chv2 = nil
            unblockCHV2 = nil
        default:
            throw .invalid(what: "SIM file header", why: "type of file byte \(Hex.string([raw[6]])) is not 01 (MF), 02 (DF) or 04 (EF)")
        }
    }

    /// Builds an MF or DF header (for the simulator and tests): 22 bytes, the GSM specific
    /// data ending with the four CHV status bytes; free memory, child counts and file
    /// characteristics other than the CHV1 bit are zero.
    public static func directory(
        kind: Kind, fileID: UInt16, chv1Enabled: Bool,
        chv1: CHVStatus, unblockCHV1: CHVStatus, chv2: CHVStatus, unblockCHV2: CHVStatus
    ) -> ClassicFileHeader {
        precondition(kind != .elementaryFile, "use elementaryFile(...) for an EF header")
        var raw = [UInt8](repeating: 0, count: 22)
        raw[4] = UInt8(fileID >> 8); raw[5] = UInt8(fileID & 0xFF)
        raw[6] = kind == .masterFile ? 0x01 : 0x02
        raw[12] = 9
        raw[13] = chv1Enabled ? 0x00 : 0x80
        raw[16] = 0x04 // byte 17: number of CHVs, UNBLOCK CHVs and administrative codes
        raw[18] = chv1.encoded; raw[19] = unblockCHV1.encoded
        raw[20] = chv2.encoded; raw[21] = unblockCHV2.encoded
        return ClassicFileHeader(
            raw: raw, fileID: fileID, kind: kind, fileSize: nil, structure: .dedicatedFile,
            recordLength: nil, recordCount: nil, accessConditions: [0, 0, 0], fileStatus: 0,
            chv1Enabled: chv1Enabled, chv1: chv1, unblockCHV1: unblockCHV1, chv2: chv2, unblockCHV2: unblockCHV2)
    }

    /// Builds an EF header (for the simulator and tests): 15 bytes. Record EFs need a
    /// `recordLength`.
    public static func elementaryFile(
        fileID: UInt16, structure: FileStructure, fileSize: Int, recordLength: Int? = nil,
        accessConditions: [UInt8], fileStatus: UInt8 = 0x01
    ) -> ClassicFileHeader {
        precondition((0...0xFFFF).contains(fileSize), "a SIM EF size fits in 2 bytes")
        precondition(accessConditions.count == 3, "access conditions are 3 bytes")
        let structureByte: UInt8 = switch structure {
        case .transparent: 0x00
        case .linearFixed: 0x01
        case .cyclic: 0x03
        default: preconditionFailure("a SIM EF is transparent, linear fixed or cyclic, not \(structure)")
        }
        let isRecord = structure != .transparent
        if isRecord {
            precondition(recordLength.map { (1...0xFF).contains($0) } ?? false, "a record EF needs a record length of 1...255")
        }
        let raw: [UInt8] = [0, 0, UInt8(fileSize >> 8), UInt8(fileSize & 0xFF), UInt8(fileID >> 8), UInt8(fileID & 0xFF), 0x04, 0]
            + accessConditions + [fileStatus, 2, structureByte, isRecord ? UInt8(recordLength ?? 0) : 0]
        return ClassicFileHeader(
            raw: raw, fileID: fileID, kind: .elementaryFile, fileSize: fileSize, structure: structure,
            recordLength: isRecord ? recordLength : nil, recordCount: isRecord ? recordLength.map { fileSize / $0 } : nil,
            accessConditions: accessConditions, fileStatus: fileStatus,
            chv1Enabled: nil, chv1: nil, unblockCHV1: nil, chv2: nil, unblockCHV2: nil)
    }

    private init(
        raw: [UInt8], fileID: UInt16, kind: Kind, fileSize: Int?, structure: FileStructure,
        recordLength: Int?, recordCount: Int?, accessConditions: [UInt8], fileStatus: UInt8,
        chv1Enabled: Bool?, chv1: CHVStatus?, unblockCHV1: CHVStatus?, chv2: CHVStatus?, unblockCHV2: CHVStatus?
    ) {
        self.raw = raw; self.fileID = fileID; self.kind = kind; self.fileSize = fileSize
        self.structure = structure; self.recordLength = recordLength; self.recordCount = recordCount
        self.accessConditions = accessConditions; self.fileStatus = fileStatus
        self.chv1Enabled = chv1Enabled; self.chv1 = chv1; self.unblockCHV1 = unblockCHV1
        self.chv2 = chv2; self.unblockCHV2 = unblockCHV2
    }

    /// The header as sent by the card (the same bytes as `raw`).
    public var encoded: [UInt8] { raw }
}
