/// What a file holds, which picks its decoder. Adding a file to the acquisition is one
/// `ElementaryFileSpec` in `SIMFileTree` plus, for a new kind of content, one case here and its
/// decoder in `FileDecoding`; a file the summary draws on has a `FileRole` too.
public enum FileContent: Hashable, Sendable {
    case iccid
    case applicationDirectory
    case preferredLanguages
    case languagePreference
    case imsi
    case administrativeData
    case serviceProviderName
    /// PLMN lists: 3-byte entries (PLMNsel, FPLMN, EHPLMN) or 5-byte entries with access technologies.
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
    /// EF.PNN records: full and short network names (TS 31.102 §4.2.58).
    case networkNames
    /// EF.OPL records: PLMN, LAC range, PNN record (TS 31.102 §4.2.59).
    case operatorPLMNList
    /// EF.SPDI: the service provider's PLMN list (TS 31.102 §4.2.66).
    case serviceProviderPLMNs
    /// ISIM EF.IMPI, EF.DOMAIN, EF.IMPU records: a URI or NAI in tag 80 (TS 31.103 §4.2.2–4.2.4).
    case isimText
    /// Kept raw with its header; no decoder (group identifiers, call information, unknown files).
    case raw
}

/// What a file means to the acquisition summary (`AcquisitionSummary`): the files of one role
/// are summarised together, whatever their content (the own number and the phonebooks are all
/// dialling numbers; the forbidden networks are one PLMN list of several).
public enum FileRole: Hashable, Sendable {
    /// EF.MSISDN: the card's own numbers.
    case ownNumbers
    /// Phonebooks and call lists (ADN, FDN, SDN, LND).
    case contacts
    /// EF.SMS: every record is counted, free and undecodable ones included.
    case messages
    /// Where the card last attached (LOCI, PSLOCI, LOCIGPRS, EPSLOCI).
    case location
    /// EF.SPN: the first name that is not empty.
    case serviceProviderName
    /// EF.FPLMN, each network once.
    case forbiddenNetworks
}

/// One elementary file the full acquisition reads (TS 51.011 §10, TS 31.102 §4, TS 31.103 §4,
/// TS 102 221 §13).
public struct ElementaryFileSpec: Hashable, Sendable {
    public let name: String
    public let fid: UInt16
    public let content: FileContent
    /// nil: the file is not in the summary.
    public let role: FileRole?

    public init(_ name: String, _ fid: UInt16, _ content: FileContent = .raw, role: FileRole? = nil) {
        self.name = name; self.fid = fid; self.content = content; self.role = role
    }
}

/// A dedicated file (or application) and what is read inside it.
public struct DirectorySpec: Hashable, Sendable {
    public let name: String
    /// Path label used in records, e.g. `7F10` (a DF) or `ADF.USIM` (an application).
    public let label: String
    /// nil for an application selected by AID.
    public let fid: UInt16?
    public let files: [ElementaryFileSpec]
    public let directories: [DirectorySpec]
    /// Files known to hold secrets (ciphering and integrity keys, security contexts): never
    /// selected, never read, and skipped by the probe (docs/ACQUISITION.md "Not read").
    public let withheld: [ElementaryFileSpec]
    /// File ids selected beyond the model to find files the model does not know (proprietary,
    /// newer releases). An id answered "not found" leaves no entry; one that exists is read raw.
    public let probe: [ClosedRange<UInt16>]

    public init(name: String, label: String, fid: UInt16?, files: [ElementaryFileSpec], directories: [DirectorySpec] = [],
                withheld: [ElementaryFileSpec] = [], probe: [ClosedRange<UInt16>] = []) {
        self.name = name; self.label = label; self.fid = fid; self.files = files
        self.directories = directories; self.withheld = withheld; self.probe = probe
    }

    /// Every file id the model names here (files, withheld files and directories): the probe
    /// skips them.
    var modelledIDs: Set<UInt16> {
        Set(files.map(\.fid) + withheld.map(\.fid) + directories.compactMap(\.fid))
    }

    /// A directory the model does not know (found by the probe, or an application EF.DIR lists
    /// that is neither USIM nor ISIM): nothing is known of it, so its whole EF id space is probed.
    static func unknown(name: String, label: String, fid: UInt16?, efSpace: UInt8) -> DirectorySpec {
        let base = UInt16(efSpace) << 8
        return DirectorySpec(name: name, label: label, fid: fid, files: [], probe: [base...(base | 0xFF)])
    }
}

/// The card as data (DESIGN.md): every file a forensic SIM read covers, from TS 102 221 (MF),
/// TS 51.011 (DF.GSM, DF.TELECOM), TS 31.102 (ADF.USIM and its DFs) and TS 31.103 (ADF.ISIM).
/// Secrets are `withheld`. One walker reads it on classic SIMs and UICCs alike, probing the
/// `probe` ranges for files the model does not name.
public enum SIMFileTree {
    /// Ends the name of a file or directory the probe found: `EF 6FF5 (not in the model)`.
    public static let unmodelled = "(not in the model)"

    /// Probe window of a level-1 DF or ADF (EF ids 6Fxx): 6F00–6F0F, the start of the range,
    /// which the specifications leave mostly unassigned and operators use for their own files.
    /// The rest of the range is named by the model (docs/ACQUISITION.md "The probe").
    static let levelOneProbe: [ClosedRange<UInt16>] = [0x6F00...0x6F0F]

    /// A file EF.PBR lists in DF.PHONEBOOK, its content from its tag (TS 31.102 §4.4.2.1):
    /// the ADN records are contacts.
    static func phonebookFile(_ entry: PhonebookReference.Entry) -> ElementaryFileSpec {
        let name = "EF.\(entry.name) (phonebook)"
        switch entry.tag {
        case 0xC0: return .init(name, entry.fid, .diallingNumbers, role: .contacts)
        case 0xC2: return .init(name, entry.fid, .extensionRecords)
        default: return .init(name, entry.fid)
        }
    }

    /// DF.PHONEBOOK: EF.PBR names the phonebook's files; the walker follows it. The other EFs
    /// are the ones EF.PBR does not list (TS 31.102 §4.4.2).
    static func phonebook() -> DirectorySpec {
        DirectorySpec(name: "DF.PHONEBOOK", label: "5F3A", fid: 0x5F3A, files: [
            .init("EF.PBR", 0x4F30, .phonebookReference),
            .init("EF.PSC", 0x4F22), .init("EF.CC", 0x4F23), .init("EF.PUID", 0x4F24),
        ])
    }

    static let telecom = DirectorySpec(name: "DF.TELECOM", label: "7F10", fid: 0x7F10, files: [
        .init("EF.ARR", 0x6F06),
        .init("EF.ADN", 0x6F3A, .diallingNumbers, role: .contacts),
        .init("EF.FDN", 0x6F3B, .diallingNumbers, role: .contacts),
        .init("EF.SMS", 0x6F3C, .shortMessages, role: .messages),
        .init("EF.CCP", 0x6F3D),
        .init("EF.MSISDN", 0x6F40, .diallingNumbers, role: .ownNumbers),
        .init("EF.SMSP", 0x6F42, .smsParameters),
        .init("EF.SMSS", 0x6F43, .smsStatus),
        .init("EF.LND", 0x6F44, .diallingNumbers, role: .contacts),
        .init("EF.SMSR", 0x6F47),
        .init("EF.SDN", 0x6F49, .diallingNumbers, role: .contacts),
        .init("EF.EXT1", 0x6F4A, .extensionRecords),
        .init("EF.EXT2", 0x6F4B, .extensionRecords),
        .init("EF.EXT3", 0x6F4C, .extensionRecords),
        .init("EF.BDN", 0x6F4D, .diallingNumbers),
        .init("EF.EXT4", 0x6F4E, .extensionRecords),
        .init("EF.ECCP", 0x6F4F),
        .init("EF.SUME", 0x6F54),
        .init("EF.ICE_DN", 0x6FE0, .diallingNumbers),
        .init("EF.ICE_FF", 0x6FE1),
        .init("EF.PSISMSC", 0x6FE5),
    ], directories: [
        phonebook(),
        DirectorySpec(name: "DF.GRAPHICS", label: "5F50", fid: 0x5F50, files: [.init("EF.IMG", 0x4F20), .init("EF.ICE_graphics", 0x4F21)]),
        DirectorySpec(name: "DF.MULTIMEDIA", label: "5F3B", fid: 0x5F3B, files: [.init("EF.MML", 0x4F47), .init("EF.MMDF", 0x4F48)]),
        DirectorySpec(name: "DF.MMSS", label: "5F3C", fid: 0x5F3C, files: [.init("EF.MLPL", 0x4F20), .init("EF.MSPL", 0x4F21), .init("EF.MMSSMODE", 0x4F22)]),
    ], probe: levelOneProbe)

    /// Subscriber and network files that DF.GSM (TS 51.011) and ADF.USIM (TS 31.102) share,
    /// with the same file ids and codings.
    static let subscriberFiles: [ElementaryFileSpec] = [
        .init("EF.IMSI", 0x6F07, .imsi),
        .init("EF.HPPLMN", 0x6F31),
        .init("EF.ACMmax", 0x6F37),
        .init("EF.ACM", 0x6F39),
        .init("EF.GID1", 0x6F3E),
        .init("EF.GID2", 0x6F3F),
        .init("EF.PUCT", 0x6F41),
        .init("EF.CBMI", 0x6F45),
        .init("EF.SPN", 0x6F46, .serviceProviderName, role: .serviceProviderName),
        .init("EF.CBMID", 0x6F48),
        .init("EF.CBMIR", 0x6F50),
        .init("EF.SUME", 0x6F54),
        .init("EF.PLMNwAcT", 0x6F60, .plmnList(entrySize: 5)),
        .init("EF.OPLMNwAcT", 0x6F61, .plmnList(entrySize: 5)),
        .init("EF.HPLMNwAcT", 0x6F62, .plmnList(entrySize: 5)),
        .init("EF.ACC", 0x6F78, .accessControlClasses),
        .init("EF.FPLMN", 0x6F7B, .plmnList(entrySize: 3), role: .forbiddenNetworks),
        .init("EF.LOCI", 0x6F7E, .locationInformation, role: .location),
        .init("EF.AD", 0x6FAD, .administrativeData),
        .init("EF.VGCS", 0x6FB1), .init("EF.VGCSS", 0x6FB2), .init("EF.VBS", 0x6FB3), .init("EF.VBSS", 0x6FB4),
        .init("EF.eMLPP", 0x6FB5), .init("EF.AAeM", 0x6FB6),
        .init("EF.ECC", 0x6FB7),
        .init("EF.PNN", 0x6FC5, .networkNames),
        .init("EF.OPL", 0x6FC6, .operatorPLMNList),
        .init("EF.MBDN", 0x6FC7, .diallingNumbers),
        .init("EF.EXT6", 0x6FC8, .extensionRecords),
        .init("EF.MBI", 0x6FC9),
        .init("EF.MWIS", 0x6FCA),
        .init("EF.CFIS", 0x6FCB),
        .init("EF.EXT7", 0x6FCC, .extensionRecords),
        .init("EF.SPDI", 0x6FCD, .serviceProviderPLMNs),
        .init("EF.MMSN", 0x6FCE),
        .init("EF.EXT8", 0x6FCF, .extensionRecords),
        .init("EF.MMSICP", 0x6FD0), .init("EF.MMSUP", 0x6FD1), .init("EF.MMSUCP", 0x6FD2),
    ]

    static let gsm = DirectorySpec(name: "DF.GSM", label: "7F20", fid: 0x7F20, files: [
        .init("EF.LP", 0x6F05, .languagePreference),
        // CPHS (Common PCN Handset Specification) files most 2G-era operators put in DF.GSM.
        .init("EF.VMWFLAGS (CPHS)", 0x6F11), .init("EF.CFFLAGS (CPHS)", 0x6F13), .init("EF.ONSTRING (CPHS)", 0x6F14),
        .init("EF.CSP (CPHS)", 0x6F15), .init("EF.INFO (CPHS)", 0x6F16), .init("EF.MBNUM (CPHS)", 0x6F17, .diallingNumbers),
        .init("EF.ONSHORT (CPHS)", 0x6F18),
        .init("EF.PLMNsel", 0x6F30, .plmnList(entrySize: 3)),
        .init("EF.SST", 0x6F38, .serviceTable(.sst)),
        .init("EF.NIA", 0x6F51),
        .init("EF.LOCIGPRS", 0x6F53, .packetLocationInformation, role: .location),
        .init("EF.CPBCCH", 0x6F63), .init("EF.InvScan", 0x6F64),
        .init("EF.BCCH", 0x6F74),
        .init("EF.PHASE", 0x6FAE, .phase),
    ] + subscriberFiles, withheld: [
        .init("EF.Kc", 0x6F20), .init("EF.KcGPRS", 0x6F52),
    ], probe: levelOneProbe)

    /// MF: what every card has, then DF.TELECOM and DF.GSM (present on most UICCs too).
    public static let masterFile = DirectorySpec(name: "MF", label: "3F00", fid: 0x3F00, files: [
        .init("EF.ICCID", 0x2FE2, .iccid),
        .init("EF.DIR", 0x2F00, .applicationDirectory),
        .init("EF.ATR", 0x2F01),
        .init("EF.PL", 0x2F05, .preferredLanguages),
        .init("EF.ARR", 0x2F06),
        .init("EF.UMPC", 0x2F08),
    ], directories: [telecom, gsm],
    // EF ids: the 2FEx/2FFx block around EF.ICCID, where cards keep proprietary files; DF ids:
    // the other network DFs (7F21–7F2F: DCS1800, IS-41, FP-CTS, TIA/EIA-136, CDMA, ...), 7F4x
    // (administrative use, TS 51.011 §6.2) and 7F6x (operator toolkit DFs).
    probe: [0x2FE0...0x2FFF, 0x7F21...0x7F2F, 0x7F40...0x7F4F, 0x7F60...0x7F6F])

    /// ADF.USIM, selected by the AID EF.DIR lists (TS 31.102 §4.2).
    public static let usim = DirectorySpec(name: "ADF.USIM", label: "ADF.USIM", fid: nil, files: [
        .init("EF.LI", 0x6F05, .preferredLanguages),
        .init("EF.ARR", 0x6F06),
        .init("EF.DCK", 0x6F2C),
        .init("EF.CNL", 0x6F32),
        .init("EF.UST", 0x6F38, .serviceTable(.ust)),
    ] + subscriberFiles + [
        .init("EF.MSISDN", 0x6F40, .diallingNumbers, role: .ownNumbers),
        .init("EF.FDN", 0x6F3B, .diallingNumbers, role: .contacts),
        .init("EF.SMS", 0x6F3C, .shortMessages, role: .messages),
        .init("EF.SMSP", 0x6F42, .smsParameters),
        .init("EF.SMSS", 0x6F43, .smsStatus),
        .init("EF.SMSR", 0x6F47),
        .init("EF.SDN", 0x6F49, .diallingNumbers, role: .contacts),
        .init("EF.EXT2", 0x6F4B, .extensionRecords),
        .init("EF.EXT3", 0x6F4C, .extensionRecords),
        .init("EF.BDN", 0x6F4D, .diallingNumbers),
        .init("EF.EXT5", 0x6F4E, .extensionRecords),
        .init("EF.CCP2", 0x6F4F),
        .init("EF.EXT4", 0x6F55, .extensionRecords),
        .init("EF.EST", 0x6F56),
        .init("EF.ACL", 0x6F57),
        .init("EF.CMI", 0x6F58),
        .init("EF.START-HFN", 0x6F5B),
        .init("EF.THRESHOLD", 0x6F5C),
        .init("EF.PSLOCI", 0x6F73, .packetLocationInformation, role: .location),
        .init("EF.ICI", 0x6F80), .init("EF.OCI", 0x6F81), .init("EF.ICT", 0x6F82), .init("EF.OCT", 0x6F83),
        .init("EF.NETPAR", 0x6FC4),
        .init("EF.NIA", 0x6FD3),
        .init("EF.VGCSCA", 0x6FD4), .init("EF.VBSCA", 0x6FD5),
        .init("EF.GBABP", 0x6FD6),
        .init("EF.EHPLMN", 0x6FD9, .plmnList(entrySize: 3)),
        .init("EF.GBANL", 0x6FDA),
        .init("EF.EHPLMNPI", 0x6FDB),
        .init("EF.LRPLMNSI", 0x6FDC),
        .init("EF.NAFKCA", 0x6FDD),
        .init("EF.SPNI", 0x6FDE),
        .init("EF.PNNI", 0x6FDF),
        .init("EF.NCP-IP", 0x6FE2),
        .init("EF.EPSLOCI", 0x6FE3, .epsLocationInformation, role: .location),
        .init("EF.UFC", 0x6FE6),
        .init("EF.UICCIARI", 0x6FE7),
        .init("EF.NASCONFIG", 0x6FE8),
        .init("EF.PWS", 0x6FEC),
        .init("EF.FDNURI", 0x6FED), .init("EF.BDNURI", 0x6FEE), .init("EF.SDNURI", 0x6FEF),
    ], directories: [
        phonebook(),
        DirectorySpec(name: "DF.GSM-ACCESS", label: "5F3B", fid: 0x5F3B, files: [.init("EF.CPBCCH", 0x4F63), .init("EF.InvScan", 0x4F64)],
                      withheld: [.init("EF.Kc", 0x4F20), .init("EF.KcGPRS", 0x4F52)]),
        DirectorySpec(name: "DF.MexE", label: "5F3C", fid: 0x5F3C, files: [
            .init("EF.MexE-ST", 0x4F40), .init("EF.ORPK", 0x4F41), .init("EF.ARPK", 0x4F42), .init("EF.TPRK", 0x4F43),
        ]),
        DirectorySpec(name: "DF.WLAN", label: "5F40", fid: 0x5F40, files: [
            .init("EF.Pseudo", 0x4F41), .init("EF.UPLMNWLAN", 0x4F42), .init("EF.OPLMNWLAN", 0x4F43), .init("EF.UWSIDL", 0x4F44),
            .init("EF.OWSIDL", 0x4F45), .init("EF.WRI", 0x4F46), .init("EF.HWSIDL", 0x4F47), .init("EF.WEHPLMNPI", 0x4F48),
            .init("EF.WHPI", 0x4F49), .init("EF.WLRPLMN", 0x4F4A), .init("EF.HPLMNDAI", 0x4F4B),
        ]),
        DirectorySpec(name: "DF.HNB", label: "5F50", fid: 0x5F50, files: [
            .init("EF.ACSGL", 0x4F81), .init("EF.CSGT", 0x4F82), .init("EF.HNBN", 0x4F83),
            .init("EF.OCSGL", 0x4F84), .init("EF.OCSGT", 0x4F85), .init("EF.OHNBN", 0x4F86),
        ]),
        DirectorySpec(name: "DF.SoLSA", label: "5F70", fid: 0x5F70, files: [.init("EF.SAI", 0x4F30), .init("EF.SLL", 0x4F31)]),
        DirectorySpec(name: "DF.5GS", label: "5FC0", fid: 0x5FC0, files: [
            .init("EF.5GS3GPPLOCI", 0x4F01), .init("EF.5GSN3GPPLOCI", 0x4F02),
            .init("EF.UAC_AIC", 0x4F06), .init("EF.SUCI_Calc_Info", 0x4F07), .init("EF.OPL5G", 0x4F08),
            .init("EF.SUPI_NAI", 0x4F09), .init("EF.Routing_Indicator", 0x4F0A), .init("EF.URSP", 0x4F0B),
            .init("EF.TN3GPPSNN", 0x4F0C),
        ], withheld: [
            .init("EF.5GS3GPPNSC", 0x4F03), .init("EF.5GSN3GPPNSC", 0x4F04), .init("EF.5GAUTHKEYS", 0x4F05),
        ]),
    ], withheld: [
        .init("EF.Keys", 0x6F08), .init("EF.KeysPS", 0x6F09), .init("EF.Hiddenkey", 0x6FC3),
        .init("EF.MSK", 0x6FD7), .init("EF.MUK", 0x6FD8), .init("EF.EPSNSC", 0x6FE4),
    ], probe: levelOneProbe)

    /// ADF.ISIM, selected by the AID EF.DIR lists (TS 31.103 §4.2).
    public static let isim = DirectorySpec(name: "ADF.ISIM", label: "ADF.ISIM", fid: nil, files: [
        .init("EF.IMPI", 0x6F02, .isimText),
        .init("EF.DOMAIN", 0x6F03, .isimText),
        .init("EF.IMPU", 0x6F04, .isimText),
        .init("EF.ARR", 0x6F06),
        .init("EF.IST", 0x6F07),
        .init("EF.P-CSCF", 0x6F09),
        .init("EF.SMS", 0x6F3C, .shortMessages, role: .messages),
        .init("EF.SMSP", 0x6F42, .smsParameters),
        .init("EF.SMSS", 0x6F43, .smsStatus),
        .init("EF.SMSR", 0x6F47),
        .init("EF.AD", 0x6FAD, .administrativeData),
        .init("EF.GBABP", 0x6FD5),
        .init("EF.GBANL", 0x6FD7),
        .init("EF.NAFKCA", 0x6FDD),
        .init("EF.UICCIARI", 0x6FE7),
    ], probe: levelOneProbe)
}
