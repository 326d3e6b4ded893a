import ByteText

/// How an elementary file stores its data, or that the file is a directory.
public enum FileStructure: String, Hashable, Sendable, Codable {
    case transparent, linearFixed, cyclic, dedicatedFile, berTLV, unknown
}

/// The file control parameters a UICC returns for SELECT with P2 = 04 (ETSI TS 102 221
/// §11.1.1.3): the FCP template, tag 62. `raw` is the whole template as received; the other
/// properties are decoded from it. Objects not decoded here (security attributes,
/// proprietary data, SFI) stay in `raw`.
public struct FileControlParameters: Hashable, Sendable {
    public let raw: [UInt8]
    /// Tag 82, byte 1 (TS 102 221 §11.1.1.4.3, table 11.5).
    public let fileDescriptor: UInt8?
    public let structure: FileStructure
    /// Tag 82, bytes 3-4, for linear fixed and cyclic EFs.
    public let recordLength: Int?
    /// Tag 82, byte 5, for linear fixed and cyclic EFs.
    public let recordCount: Int?
    /// Tag 80: bytes of data in an EF.
    public let fileSize: Int?
    /// Tag 81: memory used by the file including structural overhead, or allocated to a DF.
    public let totalSize: Int?
    /// Tag 83.
    public let fileID: UInt16?
    /// Tag 84: the DF name, for an ADF its AID.
    public let dfName: [UInt8]?
    /// Tag 8A (TS 102 221 §11.1.1.4.9): 05 operational activated, 04 deactivated, ...
    public let lifeCycleStatus: UInt8?
    /// Tag C6, in the FCP of the MF, DFs and ADFs.
    public let pinStatus: PINStatusTemplate?

    /// Decodes an FCP template: the outer tag 62 with its length, then the objects.
    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        guard !bytes.isEmpty else { throw .truncated(what: "FCP", needed: 2, got: 0) }
        let outer = try TLV.parseAll(bytes)
        guard let template = outer.first, template.tag == 0x62 else {
            throw .invalid(what: "FCP", why: "expected an FCP template (tag 62) in \(Hex.string(bytes))")
        }
        guard outer.count == 1 else {
            throw .trailingBytes(what: "FCP", count: outer.dropFirst().reduce(0) { $0 + $1.encoded.count })
        }
        let objects = try TLV.parseAll(template.value[...])

        if let descriptor = objects.value(of: 0x82) {
            guard let first = descriptor.first else {
                throw .invalid(what: "FCP file descriptor", why: "empty")
            }
            fileDescriptor = first
            structure = Self.structure(ofDescriptor: first)
            if structure == .linearFixed || structure == .cyclic {
                guard descriptor.count >= 5 else {
                    throw .invalid(what: "FCP file descriptor", why: "a record EF needs 5 bytes, got \(Hex.string(descriptor))")
                }
                recordLength = Int(descriptor[2]) << 8 | Int(descriptor[3])
                recordCount = Int(descriptor[4])
            } else {
                recordLength = nil
                recordCount = nil
            }
        } else {
            fileDescriptor = nil
            structure = .unknown
            recordLength = nil
            recordCount = nil
        }
        fileSize = try Self.size(objects.value(of: 0x80), what: "FCP file size")
        totalSize = try Self.size(objects.value(of: 0x81), what: "FCP total file size")
        if let id = objects.value(of: 0x83) {
            guard id.count == 2 else { throw .invalid(what: "FCP file identifier", why: "\(id.count) bytes, expected 2") }
            fileID = UInt16(id[0]) << 8 | UInt16(id[1])
        } else {
            fileID = nil
        }
        if let name = objects.value(of: 0x84) {
            guard (1...16).contains(name.count) else { throw .invalid(what: "FCP DF name", why: "\(name.count) bytes, expected 1 to 16") }
            dfName = name
        } else {
            dfName = nil
        }
        if let status = objects.value(of: 0x8A) {
            guard status.count == 1 else { throw .invalid(what: "FCP life cycle status", why: "\(status.count) bytes, expected 1") }
            lifeCycleStatus = status[0]
        } else {
            lifeCycleStatus = nil
        }
        pinStatus = try objects.value(of: 0xC6).map { (value) throws(DecodeError) in try PINStatusTemplate(decoding: value[...]) }
        raw = Array(bytes)
    }

    /// Builds an FCP (for the simulator and tests). Objects are written in the order of
    /// TS 102 221 §11.1.1.3: 82, 83, 84, 8A, then `otherObjects` (security attributes 8B/8C/AB,
    /// proprietary A5, SFI 88) as given, then 80, C6, 81. Record EFs need `recordLength` and
    /// `recordCount`; the descriptor marks every file shareable.
    public init(
        structure: FileStructure,
        fileID: UInt16?,
        recordLength: Int? = nil,
        recordCount: Int? = nil,
        fileSize: Int? = nil,
        totalSize: Int? = nil,
        dfName: [UInt8]? = nil,
        lifeCycleStatus: UInt8? = 0x05,
        otherObjects: [TLV] = [],
        pinStatus: PINStatusTemplate? = nil
    ) {
        let descriptor: UInt8 = switch structure {
        case .transparent: 0x41
        case .linearFixed: 0x42
        case .cyclic: 0x46
        case .dedicatedFile: 0x78
        case .berTLV: 0x79
        case .unknown: preconditionFailure("an FCP cannot be built for an unknown structure")
        }
        // Data coding byte 21 (TS 102 221 §11.1.1.4.3: the only value it allows).
        var descriptorValue: [UInt8] = [descriptor, 0x21]
        if structure == .linearFixed || structure == .cyclic {
            guard let recordLength, let recordCount, (1...0xFFFF).contains(recordLength), (1...0xFF).contains(recordCount) else {
                preconditionFailure("a record EF needs a record length of 1...65535 and a record count of 1...255")
            }
            descriptorValue += [UInt8(recordLength >> 8), UInt8(recordLength & 0xFF), UInt8(recordCount)]
            self.recordLength = recordLength
            self.recordCount = recordCount
        } else {
            self.recordLength = nil
            self.recordCount = nil
        }
        var objects = [TLV(tag: 0x82, value: descriptorValue)]
        if let fileID { objects.append(TLV(tag: 0x83, value: [UInt8(fileID >> 8), UInt8(fileID & 0xFF)])) }
        if let dfName { objects.append(TLV(tag: 0x84, value: dfName)) }
        if let lifeCycleStatus { objects.append(TLV(tag: 0x8A, value: [lifeCycleStatus])) }
        objects += otherObjects
        if let fileSize { objects.append(TLV(tag: 0x80, value: Self.sizeBytes(fileSize))) }
        if let pinStatus { objects.append(TLV(tag: 0xC6, value: pinStatus.encodedValue)) }
        if let totalSize { objects.append(TLV(tag: 0x81, value: Self.sizeBytes(totalSize))) }

        raw = TLV(tag: 0x62, value: objects.flatMap(\.encoded)).encoded
        fileDescriptor = descriptor
        self.structure = structure
        self.fileSize = fileSize
        self.totalSize = totalSize
        self.fileID = fileID
        self.dfName = dfName
        self.lifeCycleStatus = lifeCycleStatus
        self.pinStatus = pinStatus
    }

    /// The FCP template as sent by the card (the same bytes as `raw`).
    public var encoded: [UInt8] { raw }

    /// TS 102 221 table 11.5: b7 shareable (ignored here); b6-b4 111 with b3-b1 000 is a DF or
    /// ADF, with 001 a BER-TLV EF; b6-b4 000 (working) or 001 (internal) is an EF whose
    /// b3-b1 give the structure.
    private static func structure(ofDescriptor byte: UInt8) -> FileStructure {
        switch byte & 0x3F {
        case 0x38: return .dedicatedFile
        case 0x39: return .berTLV
        case let type where type >> 3 <= 1:
            switch type & 0x07 {
            case 1: return .transparent
            case 2: return .linearFixed
            case 6: return .cyclic
            default: return .unknown
            }
        default: return .unknown
        }
    }

    private static func size(_ value: [UInt8]?, what: String) throws(DecodeError) -> Int? {
        guard let value else { return nil }
        guard (1...4).contains(value.count) else { throw .invalid(what: what, why: "\(value.count) bytes, expected 1 to 4") }
        return value.reduce(0) { $0 << 8 | Int($1) }
    }

    /// Big-endian, at least 2 bytes as cards write sizes.
    private static func sizeBytes(_ size: Int) -> [UInt8] {
        precondition((0...0xFFFF_FFFF).contains(size), "file sizes fit in 4 bytes")
        var bytes = [UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
        var high = size >> 16
        while high > 0 { bytes.insert(UInt8(high & 0xFF), at: 0); high >>= 8 }
        return bytes
    }
}
