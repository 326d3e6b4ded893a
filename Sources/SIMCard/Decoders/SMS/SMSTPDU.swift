import ByteText

/// A byte reader over a TPDU that throws `truncated` instead of reading past the end.
struct TPDUReader {
    let bytes: ArraySlice<UInt8>
    let what: String
    var index: Int

    init(_ bytes: ArraySlice<UInt8>, what: String) {
        self.bytes = bytes
        self.what = what
        index = bytes.startIndex
    }

    var consumed: Int { index - bytes.startIndex }
    var rest: ArraySlice<UInt8> { bytes[index...] }

    mutating func byte() throws(DecodeError) -> UInt8 {
        guard index < bytes.endIndex else { throw .truncated(what: what, needed: consumed + 1, got: bytes.count) }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func take(_ count: Int) throws(DecodeError) -> ArraySlice<UInt8> {
        guard bytes.endIndex - index >= count else { throw .truncated(what: what, needed: consumed + count, got: bytes.count) }
        defer { index += count }
        return bytes[index..<(index + count)]
    }

    mutating func skip(_ count: Int) { index += count }
}

/// SMS-DELIVER, network to mobile (TS 23.040 §9.2.2.1).
public struct SMSDeliver: Hashable, Sendable, Codable {
    /// TP-MMS is 0 when more messages are waiting; this is that case.
    public var moreMessagesToSend: Bool
    /// TP-LP.
    public var loopPrevention: Bool
    /// TP-SRI: a status report will be returned to the sender.
    public var statusReportIndication: Bool
    /// TP-RP.
    public var replyPath: Bool
    public var originator: SMSAddress
    public var protocolIdentifier: UInt8
    public var dataCodingScheme: UInt8
    public var timestamp: SMSTimestamp
    public var userData: SMSUserData

    public init(originator: SMSAddress, timestamp: SMSTimestamp, userData: SMSUserData,
                dataCodingScheme: UInt8? = nil, protocolIdentifier: UInt8 = 0, moreMessagesToSend: Bool = false,
                loopPrevention: Bool = false, statusReportIndication: Bool = false, replyPath: Bool = false) {
        self.originator = originator
        self.timestamp = timestamp
        self.userData = userData
        self.dataCodingScheme = dataCodingScheme ?? userData.encoding.defaultDataCodingScheme
        self.protocolIdentifier = protocolIdentifier
        self.moreMessagesToSend = moreMessagesToSend
        self.loopPrevention = loopPrevention
        self.statusReportIndication = statusReportIndication
        self.replyPath = replyPath
    }

    static func decode(_ bytes: ArraySlice<UInt8>) throws(DecodeError) -> (SMSDeliver, consumed: Int) {
        var reader = TPDUReader(bytes, what: "SMS-DELIVER")
        let first = try reader.byte()
        let (originator, length) = try SMSAddress.decode(tpAddress: reader.rest)
        reader.skip(length)
        let pid = try reader.byte()
        let dcs = try reader.byte()
        let timestamp = try SMSTimestamp(decoding: try reader.take(SMSTimestamp.encodedLength))
        let (userData, udLength) = try SMSUserData.decode(reader.rest, dataCodingScheme: dcs, hasHeader: first & 0x40 != 0)
        reader.skip(udLength)
        let deliver = SMSDeliver(originator: originator, timestamp: timestamp, userData: userData, dataCodingScheme: dcs,
                                 protocolIdentifier: pid, moreMessagesToSend: first & 0x04 == 0,
                                 loopPrevention: first & 0x08 != 0, statusReportIndication: first & 0x20 != 0,
                                 replyPath: first & 0x80 != 0)
        return (deliver, reader.consumed)
    }

    public var encoded: [UInt8] {
        var first: UInt8 = 0x00
        if !moreMessagesToSend { first |= 0x04 }
        if loopPrevention { first |= 0x08 }
        if statusReportIndication { first |= 0x20 }
        if !userData.header.isEmpty { first |= 0x40 }
        if replyPath { first |= 0x80 }
        return [first] + originator.encodedTPAddress + [protocolIdentifier, dataCodingScheme] + timestamp.encoded + userData.encoded
    }
}

/// TP-VP in the format TP-VPF names (TS 23.040 §9.2.3.12).
public enum SMSValidityPeriod: Hashable, Sendable, Codable {
    /// §9.2.3.12.1, one octet.
    case relative(UInt8)
    /// §9.2.3.12.3, seven octets; kept as they are.
    case enhanced([UInt8])
    /// §9.2.3.12.2, a timestamp.
    case absolute(SMSTimestamp)

    /// TP-VPF, bits 4-3 of the first octet.
    var format: UInt8 {
        switch self { case .relative: 0x10; case .enhanced: 0x08; case .absolute: 0x18 }
    }

    var encoded: [UInt8] {
        switch self {
        case .relative(let value): [value]
        case .enhanced(let octets): octets
        case .absolute(let timestamp): timestamp.encoded
        }
    }

    /// The relative period in minutes (§9.2.3.12.1: 0-143 five-minute steps, 144-167 half
    /// hours after 12 hours, 168-196 days, 197-255 weeks).
    public static func minutes(relative value: UInt8) -> Int {
        let v = Int(value)
        switch v {
        case 0...143: return (v + 1) * 5
        case 144...167: return 12 * 60 + (v - 143) * 30
        case 168...196: return (v - 166) * 24 * 60
        default: return (v - 192) * 7 * 24 * 60
        }
    }

    /// E.g. "12 hours 30 minutes", "3 days", "5 weeks"; the absolute form as ISO 8601.
    public var description: String {
        switch self {
        case .relative(let value):
            let total = Self.minutes(relative: value)
            if total % (7 * 24 * 60) == 0, total >= 7 * 24 * 60, value >= 197 { return Self.plural(total / (7 * 24 * 60), "week") }
            if total % (24 * 60) == 0 { return Self.plural(total / (24 * 60), "day") }
            let hours = total / 60, minutes = total % 60
            if hours == 0 { return Self.plural(minutes, "minute") }
            return minutes == 0 ? Self.plural(hours, "hour") : Self.plural(hours, "hour") + " " + Self.plural(minutes, "minute")
        case .enhanced(let octets):
            return "enhanced format \(Hex.string(octets))"
        case .absolute(let timestamp):
            return "until \(timestamp.iso8601)"
        }
    }

    private static func plural(_ count: Int, _ unit: String) -> String { "\(count) \(unit)\(count == 1 ? "" : "s")" }
}

/// SMS-SUBMIT, mobile to network (TS 23.040 §9.2.2.2).
public struct SMSSubmit: Hashable, Sendable, Codable {
    /// TP-RD.
    public var rejectDuplicates: Bool
    /// TP-SRR.
    public var statusReportRequest: Bool
    /// TP-RP.
    public var replyPath: Bool
    /// TP-MR.
    public var messageReference: UInt8
    public var destination: SMSAddress
    public var protocolIdentifier: UInt8
    public var dataCodingScheme: UInt8
    /// nil when TP-VPF is 00 (no TP-VP).
    public var validityPeriod: SMSValidityPeriod?
    public var userData: SMSUserData

    public init(destination: SMSAddress, userData: SMSUserData, messageReference: UInt8 = 0,
                validityPeriod: SMSValidityPeriod? = nil, dataCodingScheme: UInt8? = nil, protocolIdentifier: UInt8 = 0,
                rejectDuplicates: Bool = false, statusReportRequest: Bool = false, replyPath: Bool = false) {
        self.destination = destination
        self.userData = userData
        self.messageReference = messageReference
        self.validityPeriod = validityPeriod
        self.dataCodingScheme = dataCodingScheme ?? userData.encoding.defaultDataCodingScheme
        self.protocolIdentifier = protocolIdentifier
        self.rejectDuplicates = rejectDuplicates
        self.statusReportRequest = statusReportRequest
        self.replyPath = replyPath
    }

    static func decode(_ bytes: ArraySlice<UInt8>) throws(DecodeError) -> (SMSSubmit, consumed: Int) {
        var reader = TPDUReader(bytes, what: "SMS-SUBMIT")
        let first = try reader.byte()
        let reference = try reader.byte()
        let (destination, length) = try SMSAddress.decode(tpAddress: reader.rest)
        reader.skip(length)
        let pid = try reader.byte()
        let dcs = try reader.byte()
        let validity: SMSValidityPeriod?
        switch (first >> 3) & 0x03 {
        case 0x02: validity = .relative(try reader.byte())
        case 0x01: validity = .enhanced(Array(try reader.take(7)))
        case 0x03: validity = .absolute(try SMSTimestamp(decoding: try reader.take(SMSTimestamp.encodedLength)))
        default: validity = nil
        }
        let (userData, udLength) = try SMSUserData.decode(reader.rest, dataCodingScheme: dcs, hasHeader: first & 0x40 != 0)
        reader.skip(udLength)
        let submit = SMSSubmit(destination: destination, userData: userData, messageReference: reference,
                               validityPeriod: validity, dataCodingScheme: dcs, protocolIdentifier: pid,
                               rejectDuplicates: first & 0x04 != 0, statusReportRequest: first & 0x20 != 0,
                               replyPath: first & 0x80 != 0)
        return (submit, reader.consumed)
    }

    public var encoded: [UInt8] {
        var first: UInt8 = 0x01
        if rejectDuplicates { first |= 0x04 }
        first |= validityPeriod?.format ?? 0
        if statusReportRequest { first |= 0x20 }
        if !userData.header.isEmpty { first |= 0x40 }
        if replyPath { first |= 0x80 }
        return [first, messageReference] + destination.encodedTPAddress + [protocolIdentifier, dataCodingScheme]
            + (validityPeriod?.encoded ?? []) + userData.encoded
    }
}

/// SMS-STATUS-REPORT, network to mobile (TS 23.040 §9.2.2.3).
public struct SMSStatusReport: Hashable, Sendable, Codable {
    /// TP-MMS is 0 when more messages are waiting; this is that case.
    public var moreMessagesToSend: Bool
    /// TP-LP.
    public var loopPrevention: Bool
    /// TP-SRQ: the report answers an SMS-COMMAND rather than an SMS-SUBMIT.
    public var statusReportQualifier: Bool
    /// TP-MR of the submitted message.
    public var messageReference: UInt8
    public var recipient: SMSAddress
    public var serviceCentreTimestamp: SMSTimestamp
    /// TP-DT.
    public var dischargeTime: SMSTimestamp
    /// TP-ST (§9.2.3.15): 00-1F delivered or completed, 20-3F still trying, 40-7F failed.
    public var status: UInt8
    /// TP-PI and the optional parameters; all nil when the TPDU ends after TP-ST.
    public var parameterIndicator: UInt8?
    public var protocolIdentifier: UInt8?
    public var dataCodingScheme: UInt8?
    public var userData: SMSUserData?

    public init(messageReference: UInt8, recipient: SMSAddress, serviceCentreTimestamp: SMSTimestamp,
                dischargeTime: SMSTimestamp, status: UInt8, protocolIdentifier: UInt8? = nil,
                dataCodingScheme: UInt8? = nil, userData: SMSUserData? = nil, moreMessagesToSend: Bool = false,
                loopPrevention: Bool = false, statusReportQualifier: Bool = false) {
        self.messageReference = messageReference
        self.recipient = recipient
        self.serviceCentreTimestamp = serviceCentreTimestamp
        self.dischargeTime = dischargeTime
        self.status = status
        self.protocolIdentifier = protocolIdentifier
        self.dataCodingScheme = userData != nil ? (dataCodingScheme ?? userData!.encoding.defaultDataCodingScheme) : dataCodingScheme
        self.userData = userData
        let pi: UInt8 = (protocolIdentifier != nil ? 0x01 : 0) | (self.dataCodingScheme != nil ? 0x02 : 0) | (userData != nil ? 0x04 : 0)
        self.parameterIndicator = pi == 0 ? nil : pi
        self.moreMessagesToSend = moreMessagesToSend
        self.loopPrevention = loopPrevention
        self.statusReportQualifier = statusReportQualifier
    }

    /// A summary of TP-ST by range.
    public var statusDescription: String {
        switch status {
        case 0x00: "received by the recipient"
        case 0x01...0x1F: "completed (0x\(Hex.string([status])))"
        case 0x20...0x3F: "temporary error, still trying (0x\(Hex.string([status])))"
        case 0x40...0x5F: "permanent error (0x\(Hex.string([status])))"
        default: "temporary error, no longer trying (0x\(Hex.string([status])))"
        }
    }

    /// TP-PI is optional (§9.2.2.3): the report may end after TP-ST. A TP-PI of FF is read
    /// as no parameters: on a SIM it is the record padding (an FF TP-PI would set every
    /// reserved bit, which a sender must not do, §9.2.3.27).
    static func decode(_ bytes: ArraySlice<UInt8>) throws(DecodeError) -> (SMSStatusReport, consumed: Int) {
        var reader = TPDUReader(bytes, what: "SMS-STATUS-REPORT")
        let first = try reader.byte()
        let reference = try reader.byte()
        let (recipient, length) = try SMSAddress.decode(tpAddress: reader.rest)
        reader.skip(length)
        let scts = try SMSTimestamp(decoding: try reader.take(SMSTimestamp.encodedLength))
        let discharge = try SMSTimestamp(decoding: try reader.take(SMSTimestamp.encodedLength))
        let status = try reader.byte()
        var report = SMSStatusReport(messageReference: reference, recipient: recipient, serviceCentreTimestamp: scts,
                                     dischargeTime: discharge, status: status, moreMessagesToSend: first & 0x04 == 0,
                                     loopPrevention: first & 0x08 != 0, statusReportQualifier: first & 0x20 != 0)
        guard let pi = reader.rest.first, pi != 0xFF else { return (report, reader.consumed) }
        reader.skip(1)
        // Extension octets of TP-PI (bit 8 set) carry nothing defined yet; skip them, bounded
        // by the data.
        var extensionOctet = pi
        while extensionOctet & 0x80 != 0 { extensionOctet = try reader.byte() }
        report.parameterIndicator = pi
        if pi & 0x01 != 0 { report.protocolIdentifier = try reader.byte() }
        if pi & 0x02 != 0 { report.dataCodingScheme = try reader.byte() }
        if pi & 0x04 != 0 {
            // Without TP-DCS the default alphabet applies (§9.2.3.27).
            let (userData, udLength) = try SMSUserData.decode(reader.rest, dataCodingScheme: report.dataCodingScheme ?? 0,
                                                              hasHeader: first & 0x40 != 0)
            report.userData = userData
            reader.skip(udLength)
        }
        return (report, reader.consumed)
    }

    public var encoded: [UInt8] {
        var first: UInt8 = 0x02
        if !moreMessagesToSend { first |= 0x04 }
        if loopPrevention { first |= 0x08 }
        if statusReportQualifier { first |= 0x20 }
        if let userData, !userData.header.isEmpty { first |= 0x40 }
        var out = [first, messageReference] + recipient.encodedTPAddress + serviceCentreTimestamp.encoded
            + dischargeTime.encoded + [status]
        if let parameterIndicator {
            out.append(parameterIndicator & 0x7F)
            if parameterIndicator & 0x01 != 0 { out.append(protocolIdentifier ?? 0) }
            if parameterIndicator & 0x02 != 0 { out.append(dataCodingScheme ?? 0) }
            if parameterIndicator & 0x04 != 0, let userData { out += userData.encoded }
        }
        return out
    }
}

/// A TPDU as stored in EF.SMS: what the mobile received or sends.
public enum SMSTPDU: Hashable, Sendable, Codable {
    case deliver(SMSDeliver)
    case submit(SMSSubmit)
    case statusReport(SMSStatusReport)

    /// Decodes a TPDU filling `bytes` exactly. TP-MTI (bits 2-1 of the first octet, TS
    /// 23.040 §9.2.3.1) means different types by direction: from the network 00 is
    /// SMS-DELIVER and 10 SMS-STATUS-REPORT, to it 01 is SMS-SUBMIT. The other types
    /// (reports, commands) are not decoded.
    public static func decode(_ bytes: ArraySlice<UInt8>, fromNetwork: Bool) throws(DecodeError) -> SMSTPDU {
        let (tpdu, consumed) = try decodePrefix(bytes, fromNetwork: fromNetwork)
        guard consumed == bytes.count else {
            throw .trailingBytes(what: "TPDU", count: bytes.count - consumed)
        }
        return tpdu
    }

    /// Decodes the TPDU at the start of `bytes` and returns the bytes it took.
    static func decodePrefix(_ bytes: ArraySlice<UInt8>, fromNetwork: Bool) throws(DecodeError) -> (SMSTPDU, consumed: Int) {
        guard let first = bytes.first else { throw .truncated(what: "TPDU", needed: 1, got: 0) }
        switch (first & 0x03, fromNetwork) {
        case (0x00, true):
            let (value, consumed) = try SMSDeliver.decode(bytes)
            return (.deliver(value), consumed)
        case (0x01, false):
            let (value, consumed) = try SMSSubmit.decode(bytes)
            return (.submit(value), consumed)
        case (0x02, true):
            let (value, consumed) = try SMSStatusReport.decode(bytes)
            return (.statusReport(value), consumed)
        default:
            throw .invalid(what: "TPDU", why: "TP-MTI \(first & 0x03) \(fromNetwork ? "from" : "to") the network is not SMS-DELIVER, SMS-SUBMIT or SMS-STATUS-REPORT")
        }
    }

    public var encoded: [UInt8] {
        switch self {
        case .deliver(let value): value.encoded
        case .submit(let value): value.encoded
        case .statusReport(let value): value.encoded
        }
    }

    public var userData: SMSUserData? {
        switch self {
        case .deliver(let value): value.userData
        case .submit(let value): value.userData
        case .statusReport(let value): value.userData
        }
    }

    /// The other party: the originator of a delivered message, the destination of a
    /// submitted one, the recipient named in a status report.
    public var address: SMSAddress {
        switch self {
        case .deliver(let value): value.originator
        case .submit(let value): value.destination
        case .statusReport(let value): value.recipient
        }
    }
}
