/// The header a card returns when a file is selected: a UICC FCP (TS 102 221 §11.1.1.3) or a
/// classic SIM GET RESPONSE block (TS 51.011 §9.2.1, §9.2.2). The walker only needs the
/// structure and sizes, which both give.
public enum FileHeader: Hashable, Sendable {
    case fcp(FileControlParameters)
    case classic(ClassicFileHeader)

    public init(decoding bytes: ArraySlice<UInt8>, dialect: CardDialect) throws(DecodeError) {
        switch dialect {
        case .uicc: self = .fcp(try FileControlParameters(decoding: bytes))
        case .classicSIM: self = .classic(try ClassicFileHeader(decoding: bytes))
        }
    }

    public var structure: FileStructure {
        switch self {
        case .fcp(let f): f.structure
        case .classic(let c): c.kind == .elementaryFile ? c.structure : .dedicatedFile
        }
    }

    public var fileSize: Int? {
        switch self {
        case .fcp(let f): f.fileSize
        case .classic(let c): c.fileSize
        }
    }

    public var recordLength: Int? {
        switch self {
        case .fcp(let f): f.recordLength
        case .classic(let c): c.recordLength
        }
    }

    public var recordCount: Int? {
        switch self {
        case .fcp(let f): f.recordCount
        case .classic(let c): c.recordCount
        }
    }
}
