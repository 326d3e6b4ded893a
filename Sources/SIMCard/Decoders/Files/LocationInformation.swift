import ByteText

/// EF.LOCI, location information (TS 31.102 §4.2.17, TS 51.011 §10.3.17): 11 bytes.
///
///     bytes 1–4   TMSI (FFFFFFFF: none)
///     bytes 5–9   LAI (TS 24.008 §10.5.1.3)
///     byte 10     TMSI TIME (51.011; RFU in 31.102)
///     byte 11     location update status, bits 1–3: 0 updated, 1 not updated,
///                 2 PLMN not allowed, 3 location area not allowed, 7 reserved
///
/// Decoded field by field: a LAI whose PLMN does not decode keeps the TMSI, the LAC and the
/// status, and `fieldErrors` names `locationArea.plmn`.
public struct LocationInformation: Hashable, Sendable, Codable, FieldByFieldDecoded {
    public static let encodedLength = 11

    /// Upper-case hex; nil when FFFFFFFF.
    public let tmsi: String?
    public let locationArea: LocationAreaIdentity
    public let tmsiTime: UInt8
    /// The whole status byte; bits 1–3 carry the status, the others are RFU.
    public let updateStatus: UInt8
    /// The fields that did not decode; nil when all did.
    public let fieldErrors: [FieldError]?

    /// Throws only when the file is not 11 bytes long.
    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        let raw = try FileBytes.exact(bytes, Self.encodedLength, "EF.LOCI")
        var fields = FieldErrors()
        tmsi = FileBytes.hexUnlessErased(raw[0..<4])
        locationArea = try LocationAreaIdentity(decoding: raw[4..<9], fields: &fields, path: "locationArea")
        tmsiTime = raw[9]
        updateStatus = raw[10]
        fieldErrors = fields.list
    }

    public init(tmsi: UInt32?, locationArea: LocationAreaIdentity, tmsiTime: UInt8, updateStatus: UInt8) {
        self.tmsi = tmsi.map { Hex.string([UInt8($0 >> 24), UInt8($0 >> 16 & 0xFF), UInt8($0 >> 8 & 0xFF), UInt8($0 & 0xFF)]) }
        self.locationArea = locationArea
        self.tmsiTime = tmsiTime
        self.updateStatus = updateStatus
        fieldErrors = nil
    }

    public var encoded: [UInt8] {
        (tmsi.flatMap(Hex.bytes) ?? [0xFF, 0xFF, 0xFF, 0xFF]) + locationArea.encoded + [tmsiTime, updateStatus]
    }

    /// The location update status named as in TS 31.102 §4.2.17.
    public var updateStatusName: String { Self.statusName(updateStatus, area: "location area") }

    /// Shared by EF.LOCI and EF.PSLOCI / EF.LOCIGPRS (bits 1–3 of the status byte).
    static func statusName(_ status: UInt8, area: String) -> String {
        switch status & 0x07 {
        case 0: "updated"
        case 1: "not updated"
        case 2: "PLMN not allowed"
        case 3: "\(area) not allowed"
        default: "reserved (\(status & 0x07))"
        }
    }
}

/// EF.PSLOCI (ADF.USIM 6F73, TS 31.102 §4.2.23) and EF.LOCIGPRS (DF.GSM 6F53, TS 51.011
/// §10.3.33), packet-switched location information: 14 bytes.
///
///     bytes 1–4    P-TMSI (FFFFFFFF: none)
///     bytes 5–7    P-TMSI signature value (FFFFFF: none)
///     bytes 8–13   RAI (LAI + RAC, TS 24.008 §10.5.5.15)
///     byte 14      routing area update status, bits 1–3: 0 updated, 1 not updated,
///                  2 PLMN not allowed, 3 routing area not allowed, 7 reserved
///
/// Decoded field by field: a RAI whose PLMN does not decode (e.g. FFFF00) keeps the P-TMSI,
/// its signature, the LAC, the RAC and the status; `fieldErrors` names
/// `routingArea.locationArea.plmn`.
public struct PacketLocationInformation: Hashable, Sendable, Codable, FieldByFieldDecoded {
    public static let encodedLength = 14

    public let ptmsi: String?
    public let ptmsiSignature: String?
    public let routingArea: RoutingAreaIdentity
    public let updateStatus: UInt8
    /// The fields that did not decode; nil when all did.
    public let fieldErrors: [FieldError]?

    /// Throws only when the file is not 14 bytes long.
    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        let raw = try FileBytes.exact(bytes, Self.encodedLength, "EF.PSLOCI")
        var fields = FieldErrors()
        ptmsi = FileBytes.hexUnlessErased(raw[0..<4])
        ptmsiSignature = FileBytes.hexUnlessErased(raw[4..<7])
        routingArea = try RoutingAreaIdentity(decoding: raw[7..<13], fields: &fields, path: "routingArea")
        updateStatus = raw[13]
        fieldErrors = fields.list
    }

    public var encoded: [UInt8] {
        (ptmsi.flatMap(Hex.bytes) ?? [0xFF, 0xFF, 0xFF, 0xFF]) + (ptmsiSignature.flatMap(Hex.bytes) ?? [0xFF, 0xFF, 0xFF])
            + routingArea.encoded + [updateStatus]
    }

    public var updateStatusName: String { LocationInformation.statusName(updateStatus, area: "routing area") }
}

/// A globally unique temporary identity as EF.EPSLOCI stores it: the EPS mobile identity
/// information element of TS 24.301 §9.9.3.12 without its IEI, i.e. 12 bytes:
///
///     byte 1       length of the contents, 0B
///     byte 2       1111 (spare) | odd/even 0 | type of identity 110 (GUTI)
///     bytes 3–5    PLMN (MCC/MNC)
///     bytes 6–7    MME group ID
///     byte 8       MME code
///     bytes 9–12   M-TMSI
public struct GUTI: Hashable, Sendable, Codable {
    public static let encodedLength = 12

    public let plmn: PLMN?
    public let mmeGroupID: UInt16
    public let mmeCode: UInt8
    /// Upper-case hex.
    public let mTMSI: String

    /// Nil when the length byte is FF (no GUTI stored); throws on any other length or type. A
    /// PLMN that does not decode is nil and recorded in `fields` as `<path>.plmn`.
    static func decode(_ bytes: ArraySlice<UInt8>, fields: inout FieldErrors, path: String) throws(DecodeError) -> GUTI? {
        let raw = try FileBytes.exact(bytes, encodedLength, "GUTI")
        if raw[0] == 0xFF { return nil }
        guard raw[0] == 0x0B else {
            throw .invalid(what: "GUTI", why: "length byte \(Hex.string([raw[0]])) is not 0B")
        }
        guard raw[1] & 0x07 == 0x06 else {
            throw .invalid(what: "GUTI", why: "type of identity \(raw[1] & 0x07) is not 6 (GUTI)")
        }
        let plmn = fields.field(path + ".plmn") { () throws(DecodeError) in try PLMN.decode(raw[2..<5]) }
        return GUTI(plmn: plmn, mmeGroupID: UInt16(raw[5]) << 8 | UInt16(raw[6]),
                    mmeCode: raw[7], mTMSI: Hex.string(raw[8..<12]))
    }

    public init(plmn: PLMN?, mmeGroupID: UInt16, mmeCode: UInt8, mTMSI: String) {
        self.plmn = plmn
        self.mmeGroupID = mmeGroupID
        self.mmeCode = mmeCode
        self.mTMSI = mTMSI
    }

    public var encoded: [UInt8] {
        let tmsi = Hex.bytes(mTMSI).flatMap { $0.count == 4 ? $0 : nil } ?? [0xFF, 0xFF, 0xFF, 0xFF]
        return [0x0B, 0xF6] + (plmn?.encoded ?? [0xFF, 0xFF, 0xFF]) + [UInt8(mmeGroupID >> 8), UInt8(mmeGroupID & 0xFF), mmeCode] + tmsi
    }
}

/// EF.EPSLOCI (ADF.USIM 6FE3, TS 31.102 §4.2.91), EPS location information: 18 bytes.
///
///     bytes 1–12   GUTI (see `GUTI`)
///     bytes 13–17  last visited registered TAI
///     byte 18      EPS update status, bits 1–3: 0 updated, 1 not updated,
///                  2 roaming not allowed, others reserved
///
/// Decoded field by field: a GUTI that does not decode (length or type) is nil and named
/// `guti` in `fieldErrors`, a PLMN that does not decode `guti.plmn` or `lastVisitedTAI.plmn`;
/// the other fields are kept.
public struct EPSLocationInformation: Hashable, Sendable, Codable, FieldByFieldDecoded {
    public static let encodedLength = 18

    public let guti: GUTI?
    public let lastVisitedTAI: TrackingAreaIdentity
    public let updateStatus: UInt8
    /// The fields that did not decode; nil when all did.
    public let fieldErrors: [FieldError]?

    /// Throws only when the file is not 18 bytes long.
    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        let raw = try FileBytes.exact(bytes, Self.encodedLength, "EF.EPSLOCI")
        var fields = FieldErrors()
        do {
            guti = try GUTI.decode(raw[0..<12], fields: &fields, path: "guti")
        } catch {
            fields.record("guti", error)
            guti = nil
        }
        lastVisitedTAI = try TrackingAreaIdentity(decoding: raw[12..<17], fields: &fields, path: "lastVisitedTAI")
        updateStatus = raw[17]
        fieldErrors = fields.list
    }

    public var encoded: [UInt8] {
        (guti?.encoded ?? [UInt8](repeating: 0xFF, count: GUTI.encodedLength)) + lastVisitedTAI.encoded + [updateStatus]
    }

    public var updateStatusName: String {
        switch updateStatus & 0x07 {
        case 0: "updated"
        case 1: "not updated"
        case 2: "roaming not allowed"
        default: "reserved (\(updateStatus & 0x07))"
        }
    }
}
