import ByteText

/// What investigators look for first on a SIM, drawn from the raw files of a full read:
/// the spam texts (deleted residue included), the numbers, where the card last attached.
public struct AcquisitionSummary: Codable, Sendable, Hashable {
    public struct Message: Codable, Sendable, Hashable {
        /// Path of the EF.SMS the record is in, e.g. `3F00/7F10/6F3C`.
        public var file: String
        public var record: Int
        public var status: SMSRecordStatus
        /// A free record whose bytes still hold a message: deleted on the handset, not erased.
        public var deletedResidue: Bool
        /// `received`, `sent` or `status report`.
        public var direction: String
        /// Sender (received) or recipient (sent).
        public var party: String?
        /// Service centre time stamp with its time zone (received messages).
        public var time: String?
        public var text: String?
        public var encoding: SMSEncoding?
        /// "part 1 of 2, reference 90" for parts of a concatenated message.
        public var part: String?
        public var decodeError: String?
    }

    public struct Contact: Codable, Sendable, Hashable {
        /// EF name, e.g. `EF.ADN`, `EF.LND`, `EF.MSISDN`.
        public var file: String
        public var path: String
        public var record: Int
        public var name: String?
        public var number: String
    }

    public struct Location: Codable, Sendable, Hashable {
        /// The file it came from, e.g. `ADF.USIM/6F7E`.
        public var file: String
        /// `LAI` (circuit switched), `RAI` (packet switched) or `TAI` (LTE).
        public var kind: String
        public var plmn: String?
        /// LAC or TAC, hex.
        public var area: String
        public var routingAreaCode: String?
        /// TMSI, P-TMSI or M-TMSI, hex.
        public var temporaryIdentity: String?
        public var updateStatus: String
        /// The fields of the file that did not decode (e.g. a PLMN of FFFF00: `plmn` is then nil).
        public var fieldErrors: [FieldError]?
    }

    public var messages: [Message] = []
    public var concatenatedMessages: [ConcatenatedSMS] = []
    public var contacts: [Contact] = []
    /// The numbers of EF.MSISDN, each once (DF.TELECOM's and ADF.USIM's often hold the same).
    public var ownNumbers: [String] = []
    public var locations: [Location] = []
    public var serviceProviderName: String?
    public var forbiddenNetworks: [String] = []
    public var smsRecords = 0
    public var smsUsed = 0
    public var smsDeletedResidue = 0
    /// Files found on the card against files read, and why the rest were not read (absent
    /// from records made before it existed).
    public var coverage: AcquisitionCoverage?

    /// `specs`: the model's spec of each file, by path (`SIMReader` passes those of its walk);
    /// a file's role says what it adds, its content how it decodes (`FileDecoding`).
    public init(files: [FileReading], specs: [String: ElementaryFileSpec]) {
        coverage = AcquisitionCoverage(files: files)
        // Partly read files count too: records read before the card said "no more" are evidence.
        for file in files where file.content != nil || file.records != nil {
            guard let spec = specs[file.path], let role = spec.role else { continue }
            let decode = { (bytes: [UInt8]) in try? FileDecoding.decode(bytes[...], as: spec.content) }
            let records = (file.records ?? []).compactMap(Hex.bytes)
            let content = file.contentBytes ?? []
            switch role {
            case .messages: addMessages(records.map { decode($0) as? SMSRecord }, file: file.path)
            case .ownNumbers:
                for number in records.compactMap({ decode($0) as? DiallingNumber }).map(\.number)
                where !number.isEmpty && !ownNumbers.contains(number) {
                    ownNumbers.append(number)
                }
            case .contacts:
                for (index, bytes) in records.enumerated() {
                    guard let entry = decode(bytes) as? DiallingNumber else { continue }
                    contacts.append(Contact(file: file.name, path: file.path, record: index + 1, name: entry.alpha, number: entry.number))
                }
            case .location:
                switch decode(content) {
                case let loci as LocationInformation:
                    locations.append(Location(file: file.path, kind: "LAI", plmn: loci.locationArea.plmn?.description,
                                              area: loci.locationArea.lacHex, temporaryIdentity: loci.tmsi, updateStatus: loci.updateStatusName,
                                              fieldErrors: loci.fieldErrors))
                case let ps as PacketLocationInformation:
                    let lai = ps.routingArea.locationArea
                    locations.append(Location(file: file.path, kind: "RAI", plmn: lai.plmn?.description, area: lai.lacHex,
                                              routingAreaCode: Hex.string([ps.routingArea.rac]), temporaryIdentity: ps.ptmsi,
                                              updateStatus: ps.updateStatusName, fieldErrors: ps.fieldErrors))
                case let eps as EPSLocationInformation:
                    locations.append(Location(file: file.path, kind: "TAI", plmn: eps.lastVisitedTAI.plmn?.description,
                                              area: eps.lastVisitedTAI.tacHex, temporaryIdentity: eps.guti?.mTMSI,
                                              updateStatus: eps.updateStatusName, fieldErrors: eps.fieldErrors))
                default: break
                }
            case .serviceProviderName:
                if serviceProviderName == nil, let name = (decode(content) as? ServiceProviderName)?.name, !name.isEmpty {
                    serviceProviderName = name
                }
            case .forbiddenNetworks:
                if let list = decode(content) as? PLMNSelectorList {
                    forbiddenNetworks += list.entries.map(\.plmn.description).filter { !forbiddenNetworks.contains($0) }
                }
            }
        }
    }

    /// `records`: every record of one EF.SMS as decoded, free ones included (nil only for a
    /// file of this role whose content is not SMS).
    private mutating func addMessages(_ records: [SMSRecord?], file: String) {
        var decoded: [(recordNumber: Int, record: SMSRecord)] = []
        for (index, sms) in records.enumerated() {
            smsRecords += 1
            guard let sms else { continue }
            decoded.append((index + 1, sms))
            guard !sms.isEmpty, sms.status != .free || sms.isDeletedResidue else { continue }
            if sms.status != .free { smsUsed += 1 }
            if sms.isDeletedResidue { smsDeletedResidue += 1 }
            var message = Message(file: file, record: index + 1, status: sms.status, deletedResidue: sms.isDeletedResidue,
                                  direction: "received", text: sms.text, decodeError: sms.decodeError)
            switch sms.tpdu {
            case .deliver(let deliver)?:
                message.party = deliver.originator.value
                message.time = deliver.timestamp.iso8601
            case .submit(let submit)?:
                message.direction = "sent"
                message.party = submit.destination.value
            case .statusReport(let report)?:
                message.direction = "status report"
                message.party = report.recipient.value
                message.time = report.serviceCentreTimestamp.iso8601
            case nil:
                message.direction = sms.status == .sent || sms.status == .toBeSent ? "sent" : "received"
            }
            message.encoding = sms.tpdu?.userData?.encoding
            if let concat = sms.tpdu?.userData?.concatenation {
                message.part = "part \(concat.sequence) of \(concat.total), reference \(concat.reference)"
            }
            messages.append(message)
        }
        concatenatedMessages += ConcatenatedSMS.reassemble(decoded)
    }
}
