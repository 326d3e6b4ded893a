import CaseStore
import Foundation
import Labels
import Ledger
import Wording

/// What a batch receipt is printed from (docs/RECORDS.md, "Batch receipt"): the check-outs,
/// check-ins or moves of one batch, in scan order, and what the case knows of their items.
public struct ReceiptSource: Sendable {
    public var caseRecord: CaseRecord
    /// The batch's entries, one action, in scan order.
    public var entries: [SignedEntry]
    /// The items they name, by label.
    public var items: [String: ItemRecord]
    public var examiners: [ExaminerRecord]

    public init(caseRecord: CaseRecord, entries: [SignedEntry], items: [String: ItemRecord], examiners: [ExaminerRecord]) {
        self.caseRecord = caseRecord
        self.entries = entries
        self.items = items
        self.examiners = examiners
    }

    /// The actions a receipt lists.
    public static let actions: [LedgerAction] = [.custodyCheckOut, .custodyCheckIn, .custodyMove]

    /// SHA-256 over the entries' hashes (32 bytes each) in the receipt's order: with the case id
    /// and the count, what the receipt's QR code carries, so a paper can be checked against the
    /// ledger.
    public var digest: SHA256Hash { SHA256Hash.of(entries.flatMap(\.hash.bytes)) }

    /// The text of the receipt's QR code.
    public var qrText: String { "custody.receipt/1 \(caseRecord.id) \(entries.count) \(digest.hex)" }
}

/// A batch receipt's content in one language, as the template `receipt.mustache` prints it.
struct ReceiptSheet {
    let source: ReceiptSource
    let words: Catalog

    /// Copies: one for each side.
    static let copies = 2

    var action: LedgerAction { source.entries[0].entry.action }
    var timeZone: TimeZone { TimeZone(identifier: source.caseRecord.timeZone) ?? TimeZone(identifier: "UTC")! }
    func examinerName(_ id: String) -> String { source.examiners.first { $0.id == id }?.name ?? id }
    func detail(_ entry: SignedEntry, _ key: String) -> String { entry.entry.payload[key]?.stringValue ?? "" }

    /// The distinct values of `key` over the batch's entries, in order.
    func distinct(_ key: String) -> [String] {
        var seen = [String]()
        for e in source.entries where !detail(e, key).isEmpty && !seen.contains(detail(e, key)) { seen.append(detail(e, key)) }
        return seen
    }

    var title: String {
        switch action {
        case .custodyCheckOut: words.text("forms.receipt.title.checkout")
        case .custodyCheckIn: words.text("forms.receipt.title.checkin")
        default: words.text("forms.receipt.title.move")
        }
    }

    /// The two sides: who hands the items over and who takes them (the examiner who recorded the
    /// batch is the store's side), then the people the first entry names.
    var participants: [EventParticipant] {
        let clerk = EventParticipant(role: .clerk, name: examinerName(source.entries[0].entry.examiner), unit: source.caseRecord.agency)
        var people = [EventParticipant]()
        switch action {
        case .custodyCheckOut:
            people.append(EventParticipant(role: .deliverer, name: clerk.name, unit: clerk.unit))
            people += distinct("to").map { EventParticipant(role: .receiver, name: examinerName($0), unit: source.caseRecord.agency) }
        case .custodyCheckIn:
            people += distinct("from").map { EventParticipant(role: .deliverer, name: examinerName($0), unit: source.caseRecord.agency) }
            people.append(EventParticipant(role: .receiver, name: clerk.name, unit: clerk.unit))
        default:
            people.append(clerk)
        }
        for person in EventParticipant.recorded(in: source.entries[0].entry.payload) where !people.contains(person) { people.append(person) }
        return people
    }

    var statements: [String] {
        switch action {
        case .custodyCheckOut:
            let first = source.entries[0]
            var lines = [words.text("forms.checkout.released-to", ["receiver": distinct("to").map(examinerName).joined(separator: ", "),
                                                                   "purpose": distinct("purpose").joined(separator: "; ")])]
            if let due = CaseStore.date(ofDay: detail(first, "due")) { lines.append(words.text("forms.checkout.due", ["date": words.longDate(due, timeZone: RecordSheet.utc)])) }
            return lines
        case .custodyCheckIn:
            var lines = [words.text("forms.receipt.returned-by", ["deliverer": distinct("from").map(examinerName).joined(separator: ", ")])]
            for reason in distinct("reason") { lines.append(words.text("forms.checkin.state", ["reason": reason])) }
            return lines
        default:
            return [words.text("forms.receipt.moved", ["location": distinct("to").joined(separator: ", ")])]
        }
    }

    var rows: [[String: Any]] {
        source.entries.enumerated().map { index, e in
            let label = e.entry.subjects.first ?? ""
            let item = source.items[label]
            let location = action == .custodyMove ? detail(e, "to") : detail(e, "location")
            return ["number": words.number(index + 1), "label": label,
                    "type": item.map { words.itemKind(type: $0.type.rawValue, make: $0.attributes.values["make"]?.stringValue,
                                                      model: $0.attributes.values["model"]?.stringValue) } ?? "",
                    "identifiers": item.map { words.printedIdentifiers($0) } ?? "",
                    "entry": String(e.entry.sequence), "location": location]
        }
    }

    func view() throws(RecordError) -> [String: Any] {
        let time = source.entries[0].entry.time.date
        let people = participants
        var signatures = people.map { ["role": words.roleName($0.role), "name": $0.name] }
        let recorder = examinerName(source.entries[0].entry.examiner)
        if !people.contains(where: { $0.name == recorder }) {
            signatures.append(["role": words.text("forms.role.recorder"), "name": recorder])
        }
        let qr: String
        do { qr = try QRCode(encoding: source.qrText).svg(side: "26mm") } catch {
            throw RecordError("cannot draw the receipt's QR code (\(error)); nothing was written")
        }
        let sequences = source.entries.map(\.entry.sequence)
        return [
            "t": words.templateWords(),
            "lang": words.language.rawValue,
            "agency": source.caseRecord.agency,
            "number": words.text("forms.receipt.number", ["first": String(sequences.min()!), "last": String(sequences.max()!)]),
            "dateLine": words.text("forms.date-line", ["date": words.longDate(time, timeZone: timeZone)]),
            "title": title,
            "opening": words.text("forms.opening", ["time": words.clockTime(time, timeZone: timeZone),
                                                    "date": words.longDate(time, timeZone: timeZone), "place": source.caseRecord.agency]),
            "caseLine": words.text("forms.case-line", ["case": source.caseRecord.name, "id": source.caseRecord.id]),
            "basis": action == .custodyMove ? "" : words.text(action == .custodyCheckOut ? "forms.checkout.basis" : "forms.checkin.basis"),
            "participants": people.enumerated().map { index, person in
                ["number": words.number(index + 1), "name": person.name,
                 "role": words.roleName(person.role), "unit": person.unit ?? ""]
            },
            "statements": statements,
            "rows": rows,
            "copies": words.count("forms.copies", Self.copies),
            "signatureRows": stride(from: 0, to: signatures.count, by: 2).map { ["cells": Array(signatures[$0..<min($0 + 2, signatures.count)])] },
            "qr": qr,
            "ledger": words.text("forms.receipt.ledger-line", ["entries": sequences.map(String.init).joined(separator: ", "),
                                                               "digest": source.digest.hex]),
        ]
    }
}
