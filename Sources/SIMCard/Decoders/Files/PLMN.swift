import ByteText

/// A public land mobile network identity: mobile country code and mobile network code
/// (TS 23.003 §2.2), in the 3-byte coding of TS 24.008 §10.5.1.3 (figure 10.5.3) used by
/// EF.LOCI, EF.FPLMN, EF.PLMNwAcT and the others:
///
///     byte 1: MCC digit 2 | MCC digit 1
///     byte 2: MNC digit 3 | MCC digit 3     (MNC digit 3 = F: a 2-digit MNC)
///     byte 3: MNC digit 2 | MNC digit 1
///
/// Validating value type: a 3-digit MCC and a 2- or 3-digit MNC, decimal only.
public struct PLMN: Hashable, Sendable, Codable, CustomStringConvertible {
    public static let encodedLength = 3

    public let mcc: String
    public let mnc: String

    public init(mcc: String, mnc: String) throws(DecodeError) {
        guard mcc.utf8.count == 3, SwappedBCD.isDecimal(mcc), (2...3).contains(mnc.utf8.count), SwappedBCD.isDecimal(mnc) else {
            throw .invalid(what: "PLMN", why: "expected a 3-digit MCC and a 2- or 3-digit MNC, got \"\(mcc)\"/\"\(mnc)\"")
        }
        self.mcc = mcc
        self.mnc = mnc
    }

    /// The PLMN in exactly 3 bytes; nil for FFFFFF (no PLMN stored).
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(DecodeError) -> PLMN? {
        let raw = try FileBytes.exact(bytes, encodedLength, "PLMN")
        if raw == [0xFF, 0xFF, 0xFF] { return nil }
        let nibbles = SwappedBCD.nibbles(raw[...])
        // nibbles: MCC1 MCC2 MCC3 MNC3 MNC1 MNC2
        let mccValues = [nibbles[0], nibbles[1], nibbles[2]]
        var mncValues = [nibbles[4], nibbles[5]]
        if nibbles[3] != 0x0F { mncValues.append(nibbles[3]) }
        guard (mccValues + mncValues).allSatisfy({ $0 <= 9 }) else {
            throw .invalid(what: "PLMN", why: "non-decimal digit in \(Hex.string(raw))")
        }
        return try PLMN(mcc: SwappedBCD.string(mccValues), mnc: SwappedBCD.string(mncValues))
    }

    /// The 3-byte coding.
    public var encoded: [UInt8] {
        let c = SwappedBCD.digitValues(mcc)
        let n = SwappedBCD.digitValues(mnc)
        let mnc3: UInt8 = n.count == 3 ? n[2] : 0x0F
        return [c[1] << 4 | c[0], mnc3 << 4 | c[2], n[1] << 4 | n[0]]
    }

    /// "MCC-MNC", e.g. "452-04".
    public var description: String { "\(mcc)-\(mnc)" }

    /// The network in the bundled MCC/MNC list, if any.
    public var networkOperator: NetworkOperator? { OperatorDirectory.shared.lookup(mcc: mcc, mnc: mnc) }

    private enum CodingKeys: String, CodingKey { case mcc, mnc }

    /// Decoding validates the digits again.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(mcc: container.decode(String.self, forKey: .mcc), mnc: container.decode(String.self, forKey: .mnc))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mcc, forKey: .mcc)
        try container.encode(mnc, forKey: .mnc)
    }
}

/// A location area identification (TS 24.008 §10.5.1.3, TS 23.003 §4.1): PLMN (3 bytes) and
/// location area code (2 bytes, big-endian).
///
/// The PLMN is nil when stored as FFFFFF (an erased LAI) or when it does not decode (the
/// containing value's `fieldErrors` then names it). LAC FFFE marks a deleted LAI and
/// LAC 0000 is reserved (TS 24.008 §4.4.x, TS 23.003 §4.1: neither names a real area).
public struct LocationAreaIdentity: Hashable, Sendable, Codable {
    public static let encodedLength = 5

    public let plmn: PLMN?
    public let lac: UInt16

    public init(plmn: PLMN?, lac: UInt16) {
        self.plmn = plmn
        self.lac = lac
    }

    /// Field by field: a PLMN that does not decode is nil here and recorded in `fields` as
    /// `<path>.plmn`; the LAC is kept.
    init(decoding bytes: ArraySlice<UInt8>, fields: inout FieldErrors, path: String) throws(DecodeError) {
        let raw = try FileBytes.exact(bytes, Self.encodedLength, "location area identification")
        plmn = fields.field(path + ".plmn") { () throws(DecodeError) in try PLMN.decode(raw[0..<3]) }
        lac = UInt16(raw[3]) << 8 | UInt16(raw[4])
    }

    public var encoded: [UInt8] {
        (plmn?.encoded ?? [0xFF, 0xFF, 0xFF]) + [UInt8(lac >> 8), UInt8(lac & 0xFF)]
    }

    /// The LAC as 4 upper-case hex digits, e.g. "1A2B".
    public var lacHex: String { Hex.string([UInt8(lac >> 8), UInt8(lac & 0xFF)]) }

    /// Why the LAC names no real area, or nil for an ordinary LAC.
    public var lacNote: String? {
        switch lac {
        case 0xFFFE: "deleted LAI (LAC FFFE)"
        case 0x0000: "reserved LAC 0000 (no valid LAI)"
        default: nil
        }
    }
}

/// A routing area identification (TS 24.008 §10.5.5.15, TS 23.003 §4.2): LAI (5 bytes) and
/// routing area code (1 byte).
public struct RoutingAreaIdentity: Hashable, Sendable, Codable {
    public static let encodedLength = 6

    public let locationArea: LocationAreaIdentity
    public let rac: UInt8

    public init(locationArea: LocationAreaIdentity, rac: UInt8) {
        self.locationArea = locationArea
        self.rac = rac
    }

    /// Field by field, as `LocationAreaIdentity`'s decoder (`<path>.locationArea.plmn`).
    init(decoding bytes: ArraySlice<UInt8>, fields: inout FieldErrors, path: String) throws(DecodeError) {
        let raw = try FileBytes.exact(bytes, Self.encodedLength, "routing area identification")
        locationArea = try LocationAreaIdentity(decoding: raw[0..<5], fields: &fields, path: path + ".locationArea")
        rac = raw[5]
    }

    public var encoded: [UInt8] { locationArea.encoded + [rac] }
}

/// A tracking area identity (TS 24.301 §9.9.3.32, TS 23.003 §19.4.2.3): PLMN (3 bytes) and
/// tracking area code (2 bytes, big-endian). The PLMN is nil when stored as FFFFFF or when it
/// does not decode (named in the containing value's `fieldErrors`).
public struct TrackingAreaIdentity: Hashable, Sendable, Codable {
    public static let encodedLength = 5

    public let plmn: PLMN?
    public let tac: UInt16

    public init(plmn: PLMN?, tac: UInt16) {
        self.plmn = plmn
        self.tac = tac
    }

    /// Field by field: a PLMN that does not decode is nil here and recorded as `<path>.plmn`.
    init(decoding bytes: ArraySlice<UInt8>, fields: inout FieldErrors, path: String) throws(DecodeError) {
        let raw = try FileBytes.exact(bytes, Self.encodedLength, "tracking area identity")
        plmn = fields.field(path + ".plmn") { () throws(DecodeError) in try PLMN.decode(raw[0..<3]) }
        tac = UInt16(raw[3]) << 8 | UInt16(raw[4])
    }

    public var encoded: [UInt8] {
        (plmn?.encoded ?? [0xFF, 0xFF, 0xFF]) + [UInt8(tac >> 8), UInt8(tac & 0xFF)]
    }

    /// The TAC as 4 upper-case hex digits.
    public var tacHex: String { Hex.string([UInt8(tac >> 8), UInt8(tac & 0xFF)]) }
}
