/// The status byte of an EF.SMS record (TS 31.102 §4.2.25, TS 51.011 §10.5.3).
public enum SMSRecordStatus: String, Hashable, Sendable, Codable {
    case free, read, unread, sent, toBeSent, unknown

    /// b1 = 0: free space. b1 = 1: b3-b2 00 read, 01 to be read, 11 to be sent, 10 sent
    /// with b5-b4 telling the status report state (05, 0D, 15, 1D). b8-b6 are RFU and
    /// ignored. Used codes with b5-b4 set other than "sent" are unknown.
    public init(byte: UInt8) {
        guard byte & 0x01 != 0 else { self = .free; return }
        switch byte & 0x1F {
        case 0x01: self = .read
        case 0x03: self = .unread
        case 0x07: self = .toBeSent
        case 0x05, 0x0D, 0x15, 0x1D: self = .sent
        default: self = .unknown
        }
    }
}

/// One EF.SMS record: the status byte, then the service centre address (TS 24.011
/// §8.2.5.1) and the TPDU (TS 23.040), padded with FF to the record length.
///
/// Decoding never throws: the record is evidence whatever it holds, so a failure is kept in
/// `decodeError` beside the raw bytes.
public struct SMSRecord: Hashable, Sendable, Codable {
    public let raw: [UInt8]
    public let statusByte: UInt8?
    public let status: SMSRecordStatus
    public let smsc: SMSAddress?
    public let tpdu: SMSTPDU?
    /// A free record whose bytes still hold a parsable message: deleted, not erased.
    public let isDeletedResidue: Bool
    /// A free record holding only FF or 00 after the status byte, or a record all FF.
    public let isEmpty: Bool
    public let decodeError: String?
    /// Oddities that did not stop decoding, e.g. bytes other than FF after the TPDU.
    public let notes: [String]

    public static func decode(record: ArraySlice<UInt8>) -> SMSRecord {
        let raw = Array(record)
        guard let statusByte = record.first else {
            return SMSRecord(raw: raw, statusByte: nil, status: .unknown, smsc: nil, tpdu: nil, isDeletedResidue: false,
                             isEmpty: true, decodeError: "empty record (no bytes)", notes: [])
        }
        let body = record.dropFirst()
        // An erased record (every byte FF, status included) is free space.
        if statusByte == 0xFF, body.allSatisfy({ $0 == 0xFF }) {
            return SMSRecord(raw: raw, statusByte: statusByte, status: .free, smsc: nil, tpdu: nil, isDeletedResidue: false,
                             isEmpty: true, decodeError: nil, notes: ["erased record: all bytes FF"])
        }
        let status = SMSRecordStatus(byte: statusByte)
        if status == .free, body.allSatisfy({ $0 == 0xFF }) || body.allSatisfy({ $0 == 0x00 }) {
            return SMSRecord(raw: raw, statusByte: statusByte, status: status, smsc: nil, tpdu: nil, isDeletedResidue: false,
                             isEmpty: true, decodeError: nil, notes: [])
        }
        // Direction: received messages come from the network, sent ones go to it; for free or
        // unknown records TP-MTI decides (00 SMS-DELIVER, 01 SMS-SUBMIT, 10 SMS-STATUS-REPORT).
        let fromNetwork: Bool?
        switch status {
        case .read, .unread: fromNetwork = true
        case .sent, .toBeSent: fromNetwork = false
        case .free, .unknown: fromNetwork = nil
        }
        do throws(DecodeError) {
            let (smsc, smscLength) = try SMSAddress.decode(smscAddress: body)
            let tpduBytes = body.dropFirst(smscLength)
            let direction: Bool
            if let fromNetwork {
                direction = fromNetwork
            } else {
                guard let first = tpduBytes.first else { throw .truncated(what: "TPDU", needed: 1, got: 0) }
                direction = first & 0x03 != 0x01
            }
            let (tpdu, tpduLength) = try SMSTPDU.decodePrefix(tpduBytes, fromNetwork: direction)
            let padding = tpduBytes.dropFirst(tpduLength)
            var notes: [String] = []
            let stray = padding.filter { $0 != 0xFF }.count
            if stray > 0 { notes.append("\(stray) byte(s) other than FF after the TPDU") }
            return SMSRecord(raw: raw, statusByte: statusByte, status: status, smsc: smsc, tpdu: tpdu,
                             isDeletedResidue: status == .free, isEmpty: false, decodeError: nil, notes: notes)
        } catch {
            return SMSRecord(raw: raw, statusByte: statusByte, status: status, smsc: nil, tpdu: nil, isDeletedResidue: false,
                             isEmpty: false, decodeError: error.description, notes: [])
        }
    }

    /// A record of `length` bytes: status, service centre address (length byte 00 when
    /// nil), TPDU, FF padding.
    public static func encode(status: UInt8, smsc: SMSAddress?, tpdu: SMSTPDU, length: Int = 176) -> [UInt8] {
        let content = [status] + (smsc?.encodedSMSCAddress ?? [0x00]) + tpdu.encoded
        precondition(content.count <= length, "the message needs \(content.count) bytes, the record has \(length)")
        return content + [UInt8](repeating: 0xFF, count: length - content.count)
    }

    /// The message text, when the TPDU carries text.
    public var text: String? { tpdu?.userData?.text }
}

/// The parts of one concatenated message found in EF.SMS (TS 23.040 §9.2.3.24.1).
public struct ConcatenatedSMS: Hashable, Sendable, Codable {
    public struct Part: Hashable, Sendable, Codable {
        public let recordNumber: Int
        public let sequence: Int
        public let isDeletedResidue: Bool
    }

    public let reference: Int
    public let total: Int
    /// Ordered by sequence, then record number.
    public let parts: [Part]
    /// The texts of the parts present, in sequence order (a duplicated sequence counts once,
    /// the first record wins); missing parts are simply absent.
    public let text: String
    public let missingSequences: [Int]
    public let originatorOrDestination: String
    /// Whether some part comes from a deleted record.
    public let containsResidue: Bool

    private struct Key: Hashable { let address: String; let reference: Int; let total: Int }

    /// Groups the records holding a concatenation element by (address, reference, total).
    /// Groups come out in the order of their first record.
    public static func reassemble(_ records: [(recordNumber: Int, record: SMSRecord)]) -> [ConcatenatedSMS] {
        var order: [Key] = []
        var groups: [Key: [(part: Part, text: String)]] = [:]
        for (recordNumber, record) in records {
            guard let tpdu = record.tpdu, let userData = tpdu.userData, let concatenation = userData.concatenation else { continue }
            let key = Key(address: tpdu.address.value, reference: concatenation.reference, total: concatenation.total)
            if groups[key] == nil { order.append(key) }
            let part = Part(recordNumber: recordNumber, sequence: concatenation.sequence, isDeletedResidue: record.isDeletedResidue)
            groups[key, default: []].append((part, userData.text ?? ""))
        }
        return order.map { key in
            let entries = groups[key, default: []].sorted {
                ($0.part.sequence, $0.part.recordNumber) < ($1.part.sequence, $1.part.recordNumber)
            }
            var seen = Set<Int>()
            var text = ""
            for entry in entries where seen.insert(entry.part.sequence).inserted { text += entry.text }
            let missing = (1...key.total).filter { !seen.contains($0) }
            return ConcatenatedSMS(reference: key.reference, total: key.total, parts: entries.map(\.part), text: text,
                                   missingSequences: missing, originatorOrDestination: key.address,
                                   containsResidue: entries.contains { $0.part.isDeletedResidue })
        }
    }
}
