import ByteText

/// What happened to one elementary file during an acquisition, with every byte the card gave.
/// Decoded views live elsewhere; these raw bytes are what the content hash covers.
public struct FileReading: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Selected and read in full.
        case read
        /// The card says the file does not exist (6A82 / 9404).
        case notFound
        /// Reading needs a PIN the examiner has not presented (6982 / 9804).
        case protected
        /// The card answered another error status word (see `sw`), or answers that contradict
        /// the file's header or carry a warning (see `anomalies`).
        case failed
        /// The read broke off (card removed, mute, garbage): what arrived before is kept.
        case interrupted
        /// A file known to hold secrets (keys, security contexts; `DirectorySpec.withheld`):
        /// selected so its existence and header are on record, never read.
        case withheld
    }

    /// Path from the MF, e.g. `3F00/2FE2`, or from an application, e.g. `ADF.USIM/6F07`.
    public var path: String
    /// Specification name, e.g. `EF.ICCID`.
    public var name: String
    public var status: Status
    /// Status word of the last command for this file (select or read).
    public var sw: String
    /// Raw FCP or GET RESPONSE header, hex.
    public var header: String?
    /// Structure from the header: transparent, linearFixed, cyclic.
    public var structure: FileStructure?
    /// Contents of a transparent file, hex.
    public var content: String?
    /// Records of a linear fixed or cyclic file, hex, record 1 first.
    public var records: [String]?

    /// The decoded view (docs/ACQUISITION.md): an object for a transparent file, an array of
    /// `{record, value | empty | decodeError}` for a record file. Never part of the content hash.
    public var decoded: DecodedView?
    /// Why the file or some of its records did not decode; the raw bytes are kept regardless.
    public var decodeErrors: [String]?
    /// What the card did that a sound card does not (docs/ACQUISITION.md "Anomalies"): a header
    /// that does not decode or gives 0 records, an answer shorter or longer than asked, 9000
    /// with no data, a warning status word. The bytes are kept; the file's status is `failed`
    /// and the acquisition is incomplete. Not part of the content hash (the transcript holds
    /// every answer they come from).
    public var anomalies: [String]?

    /// Records an anomaly (`FileAccess` marks the file `failed` once it is read).
    mutating func flag(_ anomaly: String) {
        anomalies = (anomalies ?? []) + [anomaly]
    }

    /// The raw bytes of a transparent file, or nil when it was not read.
    public var contentBytes: [UInt8]? { content.flatMap(Hex.bytes) }

    /// The line this file contributes to the content hash (docs/ACQUISITION.md):
    /// `EF|path|status|sw|header|content-or-records`, records joined with commas.
    var canonicalLine: String {
        let body = content ?? records?.joined(separator: ",") ?? ""
        return ["EF", path, status.rawValue, sw, header ?? "", body].joined(separator: "|")
    }
}
