/// A list of PLMNs, with or without access technologies:
/// - 3-byte entries: EF.PLMNsel (TS 51.011 §10.3.4), EF.FPLMN (TS 31.102 §4.2.16, TS 51.011
///   §10.3.16);
/// - 5-byte entries, PLMN + access technology identifier: EF.PLMNwAcT (TS 31.102 §4.2.5),
///   EF.OPLMNwAcT (§4.2.53), EF.HPLMNwAcT (§4.2.54), and their DF.GSM twins (TS 51.011
///   §10.3.35–37).
///
/// Entries stored as FFFFFF are unused: skipped, and counted in `unusedEntries`.
public struct PLMNSelectorList: Hashable, Sendable, Codable {
    public struct Entry: Hashable, Sendable, Codable {
        public let plmn: PLMN
        /// Raw access technology identifier (2 bytes, big-endian); nil for 3-byte entries.
        public let accessTechnology: UInt16?

        public init(plmn: PLMN, accessTechnology: UInt16?) {
            self.plmn = plmn
            self.accessTechnology = accessTechnology
        }

        /// The selected access technologies named as in TS 31.102 §4.2.5; nil for 3-byte entries.
        public var accessTechnologies: [String]? { accessTechnology.map(PLMNSelectorList.accessTechnologyNames) }
    }

    public let entrySize: Int
    public let entries: [Entry]
    public let unusedEntries: Int

    /// `entrySize` is 3 (PLMN only) or 5 (PLMN + access technology). A partial last entry is
    /// truncation; an empty file is an empty list.
    public init(decoding bytes: ArraySlice<UInt8>, entrySize: Int) throws(DecodeError) {
        guard entrySize == 3 || entrySize == 5 else {
            throw .invalid(what: "PLMN selector list", why: "entry size \(entrySize) is neither 3 nor 5")
        }
        let raw = Array(bytes)
        let remainder = raw.count % entrySize
        guard remainder == 0 else {
            throw .truncated(what: "PLMN selector list entry", needed: entrySize, got: remainder)
        }
        var entries: [Entry] = []
        var unused = 0
        for start in stride(from: 0, to: raw.count, by: entrySize) {
            guard let plmn = try PLMN.decode(raw[start..<(start + 3)]) else {
                unused += 1
                continue
            }
            let act = entrySize == 5 ? UInt16(raw[start + 3]) << 8 | UInt16(raw[start + 4]) : nil
            entries.append(Entry(plmn: plmn, accessTechnology: act))
        }
        self.entrySize = entrySize
        self.entries = entries
        self.unusedEntries = unused
    }

    /// Access technology identifier bits (TS 31.102 §4.2.5). First byte: b8 UTRAN; b7 E-UTRAN,
    /// refined by b6 b5 (00 or 11 WB-S1 and NB-S1, 01 NB-S1 only, 10 WB-S1 only); b4 NG-RAN;
    /// b3 satellite NG-RAN; b2 satellite E-UTRAN WB-S1; b1 satellite E-UTRAN NB-S1. Second byte:
    /// b8 GSM, refined by b4 b3 (00 or 11 GSM and EC-GSM-IoT, 01 GSM without EC-GSM-IoT,
    /// 10 EC-GSM-IoT only); b7 GSM COMPACT; b6 cdma2000 HRPD; b5 cdma2000 1xRTT.
    public static func accessTechnologyNames(_ act: UInt16) -> [String] {
        let first = UInt8(act >> 8)
        let second = UInt8(act & 0xFF)
        var names: [String] = []
        if first & 0x80 != 0 { names.append("UTRAN") }
        if first & 0x40 != 0 {
            switch first >> 4 & 0x03 {
            case 0b01: names.append("E-UTRAN (NB-S1 mode only)")
            case 0b10: names.append("E-UTRAN (WB-S1 mode only)")
            default: names.append("E-UTRAN (WB-S1 and NB-S1 modes)")
            }
        }
        if first & 0x08 != 0 { names.append("NG-RAN") }
        if first & 0x04 != 0 { names.append("satellite NG-RAN") }
        if first & 0x02 != 0 { names.append("satellite E-UTRAN (WB-S1 mode)") }
        if first & 0x01 != 0 { names.append("satellite E-UTRAN (NB-S1 mode)") }
        if second & 0x80 != 0 {
            switch second >> 2 & 0x03 {
            case 0b01: names.append("GSM (without EC-GSM-IoT)")
            case 0b10: names.append("EC-GSM-IoT only")
            default: names.append("GSM (and EC-GSM-IoT)")
            }
        }
        if second & 0x40 != 0 { names.append("GSM COMPACT") }
        if second & 0x20 != 0 { names.append("cdma2000 HRPD") }
        if second & 0x10 != 0 { names.append("cdma2000 1xRTT") }
        return names
    }
}
