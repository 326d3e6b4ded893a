/// What a file holds, which picks its decoder. Adding a file to the acquisition is one
/// `ElementaryFileSpec` in `SIMFileTree` plus, for a new kind of content, one case here.
public enum FileContent: Hashable, Sendable {
    case iccid
    case applicationDirectory
    case preferredLanguages
    case languagePreference
    case imsi
    case administrativeData
    case serviceProviderName
    /// PLMN lists: 3-byte entries (PLMNsel, FPLMN) or 5-byte entries with access technologies.
    case plmnList(entrySize: Int)
    case serviceTable(ServiceTable.Kind)
    case locationInformation
    case packetLocationInformation
    case epsLocationInformation
    case diallingNumbers
    case extensionRecords
    case shortMessages
    case smsParameters
    case smsStatus
    case phase
    case accessControlClasses
    case phonebookReference
    /// Kept raw; no decoder (group identifiers, call information).
    case raw
}

/// One elementary file the full acquisition reads (TS 51.011 §10, TS 31.102 §4, TS 102 221 §13).
public struct ElementaryFileSpec: Hashable, Sendable {
    public let name: String
    public let fid: UInt16
    public let content: FileContent

    public init(_ name: String, _ fid: UInt16, _ content: FileContent) {
        self.name = name; self.fid = fid; self.content = content
    }
}

/// A dedicated file and what is read inside it.
public struct DirectorySpec: Hashable, Sendable {
    public let name: String
    /// Path label used in records, e.g. `7F10` (a DF) or `ADF.USIM` (an application).
    public let label: String
    /// nil for an application selected by AID.
    public let fid: UInt16?
    public let files: [ElementaryFileSpec]
    public let directories: [DirectorySpec]
}

/// The card as data (DESIGN.md): every file a forensic SIM read covers. Secrets (Kc, keys) are
/// deliberately absent. One walker reads it on classic SIMs and UICCs alike.
public enum SIMFileTree {
    static let telecom = DirectorySpec(name: "DF.TELECOM", label: "7F10", fid: 0x7F10, files: [
        .init("EF.ADN", 0x6F3A, .diallingNumbers),
        .init("EF.FDN", 0x6F3B, .diallingNumbers),
        .init("EF.SMS", 0x6F3C, .shortMessages),
        .init("EF.MSISDN", 0x6F40, .diallingNumbers),
        .init("EF.SMSP", 0x6F42, .smsParameters),
        .init("EF.SMSS", 0x6F43, .smsStatus),
        .init("EF.LND", 0x6F44, .diallingNumbers),
        .init("EF.SDN", 0x6F49, .diallingNumbers),
        .init("EF.EXT1", 0x6F4A, .extensionRecords),
        .init("EF.EXT2", 0x6F4B, .extensionRecords),
    ], directories: [phonebook])

    /// DF.PHONEBOOK: EF.PBR names the phonebook's files; the walker follows it.
    static let phonebook = DirectorySpec(name: "DF.PHONEBOOK", label: "5F3A", fid: 0x5F3A, files: [
        .init("EF.PBR", 0x4F30, .phonebookReference),
    ], directories: [])

    /// Subscriber and network files that DF.GSM (TS 51.011) and ADF.USIM (TS 31.102) share,
    /// with the same file ids and codings.
    static let subscriberFiles: [ElementaryFileSpec] = [
        .init("EF.IMSI", 0x6F07, .imsi),
        .init("EF.GID1", 0x6F3E, .raw),
        .init("EF.GID2", 0x6F3F, .raw),
        .init("EF.SPN", 0x6F46, .serviceProviderName),
        .init("EF.ACC", 0x6F78, .accessControlClasses),
        .init("EF.FPLMN", 0x6F7B, .plmnList(entrySize: 3)),
        .init("EF.LOCI", 0x6F7E, .locationInformation),
        .init("EF.AD", 0x6FAD, .administrativeData),
        .init("EF.PLMNwAcT", 0x6F60, .plmnList(entrySize: 5)),
        .init("EF.OPLMNwAcT", 0x6F61, .plmnList(entrySize: 5)),
        .init("EF.HPLMNwAcT", 0x6F62, .plmnList(entrySize: 5)),
    ]

    static let gsm = DirectorySpec(name: "DF.GSM", label: "7F20", fid: 0x7F20, files: [
        .init("EF.LP", 0x6F05, .languagePreference),
        .init("EF.PLMNsel", 0x6F30, .plmnList(entrySize: 3)),
        .init("EF.SST", 0x6F38, .serviceTable(.sst)),
        .init("EF.PHASE", 0x6FAE, .phase),
        .init("EF.LOCIGPRS", 0x6F53, .packetLocationInformation),
    ] + subscriberFiles, directories: [])

    /// MF: what every card has, then DF.TELECOM and DF.GSM (present on most UICCs too).
    public static let masterFile = DirectorySpec(name: "MF", label: "3F00", fid: 0x3F00, files: [
        .init("EF.ICCID", 0x2FE2, .iccid),
        .init("EF.DIR", 0x2F00, .applicationDirectory),
        .init("EF.PL", 0x2F05, .preferredLanguages),
        .init("EF.ARR", 0x2F06, .raw),
    ], directories: [telecom, gsm])

    /// ADF.USIM, selected by the AID EF.DIR lists (TS 31.102 §4.2).
    public static let usim = DirectorySpec(name: "ADF.USIM", label: "ADF.USIM", fid: nil, files: [
        .init("EF.LI", 0x6F05, .preferredLanguages),
        .init("EF.UST", 0x6F38, .serviceTable(.ust)),
    ] + subscriberFiles + [
        .init("EF.PSLOCI", 0x6F73, .packetLocationInformation),
        .init("EF.EPSLOCI", 0x6FE3, .epsLocationInformation),
        .init("EF.MSISDN", 0x6F40, .diallingNumbers),
        .init("EF.FDN", 0x6F3B, .diallingNumbers),
        .init("EF.SMS", 0x6F3C, .shortMessages),
        .init("EF.SMSP", 0x6F42, .smsParameters),
        .init("EF.SMSS", 0x6F43, .smsStatus),
        .init("EF.SDN", 0x6F49, .diallingNumbers),
        .init("EF.EXT2", 0x6F4B, .extensionRecords),
        .init("EF.ICI", 0x6F80, .raw),
        .init("EF.OCI", 0x6F81, .raw),
    ], directories: [phonebook])
}
