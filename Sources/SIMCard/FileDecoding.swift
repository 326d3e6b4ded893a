import ByteText

/// Decoded views of acquired files. Decoding never replaces the raw bytes: each view sits
/// beside them, and a file or record that does not decode keeps its bytes and gets an error.
enum FileDecoding {
    /// Decodes one whole transparent file, or one record of a record file.
    private typealias Decoder = (ArraySlice<UInt8>) throws -> (any Encodable & Sendable)?

    /// `reading` with `decoded` (and `decodeErrors`) filled in from its raw bytes.
    static func decoded(_ reading: FileReading, content: FileContent?) -> FileReading {
        guard let content, let decoder = decoder(for: content) else { return reading }
        var reading = reading
        var errors: [String] = []
        if let hex = reading.content, let bytes = Hex.bytes(hex) {
            do {
                if let value = try shown(decoder(bytes[...])) {
                    reading.decoded = DecodedView(value)
                    errors += fieldErrors(of: value).map(\.description)
                }
            } catch {
                errors.append(String(describing: error))
            }
        } else if let records = reading.records {
            var views: [DecodedView.RecordView] = []
            for (index, hex) in records.enumerated() {
                let number = index + 1
                do {
                    guard let bytes = Hex.bytes(hex) else { throw DecodeError.invalid(what: "record", why: "not hex") }
                    let value = try shown(decoder(bytes[...]))
                    views.append(.init(record: number, value: value))
                    errors += fieldErrors(of: value).map { "record \(number): \($0)" }
                } catch {
                    errors.append("record \(number): \(error)")
                    views.append(.init(record: number, decodeError: String(describing: error)))
                }
            }
            reading.decoded = DecodedView(records: views)
        }
        reading.decodeErrors = errors.isEmpty ? nil : errors
        return reading
    }

    /// One whole transparent file or one record decoded as `content` says, nil for content
    /// kept raw or an empty record. An SMS record is returned as read, free and undecodable
    /// ones included: the summary counts them all.
    static func decode(_ bytes: ArraySlice<UInt8>, as content: FileContent) throws -> (any Encodable & Sendable)? {
        try decoder(for: content)?(bytes)
    }

    /// A value as the file's view shows it: an empty SMS record as empty, a used one that did
    /// not decode (and is not deleted residue) as an error.
    private static func shown(_ value: (any Encodable & Sendable)?) throws -> (any Encodable & Sendable)? {
        guard let sms = value as? SMSRecord else { return value }
        if let error = sms.decodeError, !sms.isDeletedResidue, sms.status != .free { throw DecodeError.invalid(what: "SMS", why: error) }
        return sms.isEmpty ? nil : sms
    }

    /// The fields of a value decoded field by field that did not decode.
    private static func fieldErrors(of value: (any Encodable & Sendable)?) -> [FieldError] {
        (value as? any FieldByFieldDecoded)?.fieldErrors ?? []
    }

    private static func decoder(for content: FileContent) -> Decoder? {
        switch content {
        case .iccid: { try ICCID(decoding: $0) }
        case .applicationDirectory: { try ApplicationTemplate.decode(record: $0) }
        case .preferredLanguages: { try LanguagePreference(decoding: $0, kind: .iso639) }
        case .languagePreference: { try LanguagePreference(decoding: $0, kind: .cbs) }
        case .imsi: { try IMSI(decoding: $0) }
        case .administrativeData: { try AdministrativeData(decoding: $0) }
        case .serviceProviderName: { try ServiceProviderName(decoding: $0) }
        case .plmnList(let size): { try PLMNSelectorList(decoding: $0, entrySize: size) }
        case .serviceTable(let kind): { try ServiceTable(decoding: $0, kind: kind) }
        case .locationInformation: { try LocationInformation(decoding: $0) }
        case .packetLocationInformation: { try PacketLocationInformation(decoding: $0) }
        case .epsLocationInformation: { try EPSLocationInformation(decoding: $0) }
        case .diallingNumbers: { record in
            let number = try DiallingNumber.decode(record: record)
            return number.isEmpty ? nil : number
        }
        case .extensionRecords: { record in
            record.allSatisfy { $0 == 0xFF } ? nil : try ExtensionRecord(decoding: record)
        }
        case .shortMessages: { SMSRecord.decode(record: $0) }
        case .smsParameters: { record in record.allSatisfy { $0 == 0xFF } ? nil : try SMSParameters(decoding: record) }
        case .smsStatus: { try SMSStatusInfo(decoding: $0) }
        case .phase: { try PhaseIndicator(decoding: $0) }
        case .accessControlClasses: { try AccessControlClasses(decoding: $0) }
        case .phonebookReference: { record in record.allSatisfy { $0 == 0xFF } ? nil : try PhonebookReference(decoding: record) }
        case .networkNames: { try NetworkName.decode(record: $0) }
        case .operatorPLMNList: { try OperatorPLMNEntry.decode(record: $0) }
        case .serviceProviderPLMNs: { try ServiceProviderPLMNs(decoding: $0) }
        case .isimText: { try ISIMText.decode($0) }
        case .raw: nil
        }
    }
}
