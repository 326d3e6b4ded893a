import CaseStore
import Foundation
import Labels
import Ledger
import SIMCard
import Wording

/// What a record (biên bản) is printed from: one ledger entry and what the case knows of its
/// item. Built by the `custody form` use case; docs/RECORDS.md lists each field's source.
public struct RecordSource: Sendable {
    public var kind: RecordKind
    public var caseRecord: CaseRecord
    public var entry: SignedEntry
    public var item: ItemRecord
    /// The item's entries up to and including `entry`: the seals in place are worked out from them.
    public var history: [SignedEntry]
    /// What the item holds at any depth (a SIM box's SIMs), ports and slots left out, in label order.
    public var contents: [ItemRecord]
    public var examiners: [ExaminerRecord]
    /// The read's record (examination only).
    public var acquisition: SIMAcquisition?
    /// The tool that prints the record (named on the examination record).
    public var tool: ToolIdentity

    public init(kind: RecordKind, caseRecord: CaseRecord, entry: SignedEntry, item: ItemRecord, history: [SignedEntry],
                contents: [ItemRecord], examiners: [ExaminerRecord], acquisition: SIMAcquisition?, tool: ToolIdentity) {
        self.kind = kind
        self.caseRecord = caseRecord
        self.entry = entry
        self.item = item
        self.history = history
        self.contents = contents
        self.examiners = examiners
        self.acquisition = acquisition
        self.tool = tool
    }
}

/// A record's content in one language, as the template `record.mustache` prints it.
struct RecordSheet {
    let source: RecordSource
    let words: Catalog

    /// Copies every record is made in: the case file, the evidence store, the person concerned.
    static let copies = 3

    var payload: [String: CanonicalJSON] { source.entry.entry.payload }
    var timeZone: TimeZone { TimeZone(identifier: source.caseRecord.timeZone) ?? TimeZone(identifier: "UTC")! }
    func detail(_ key: String) -> String { payload[key]?.stringValue ?? "" }

    /// The text the QR code carries: enough to find the entry and check the paper against the
    /// ledger (docs/RECORDS.md, "What every record holds").
    var qrText: String {
        "custody.record/1 \(source.caseRecord.id) \(source.entry.entry.sequence) \(source.entry.hash.hex)"
    }

    func examinerName(_ id: String) -> String { source.examiners.first { $0.id == id }?.name ?? id }

    /// The people the entry names, then those the entry implies for roles it does not name: a
    /// hand-over's releasing and receiving examiners, a check-out's receiver, a check-in's
    /// returning examiner, the examiner who read a SIM.
    var participants: [EventParticipant] {
        var people = EventParticipant.recorded(in: payload)
        /// `unlessNamed`: not when the examiner is already named in another role (a check-out's
        /// receiver who is also its technician signs once).
        func imply(_ role: ParticipantRole, _ examinerID: String, unlessNamed: Bool = false) {
            guard !examinerID.isEmpty, !people.contains(where: { $0.role == role }) else { return }
            let name = examinerName(examinerID)
            if unlessNamed, people.contains(where: { $0.name == name }) { return }
            people.append(EventParticipant(role: role, name: name, unit: source.caseRecord.agency))
        }
        switch source.entry.entry.action {
        case .custodyTransfer:
            imply(.deliverer, detail("releasedBy"))
            imply(.receiver, detail("receivedBy"))
        case .custodyCheckOut:
            imply(.receiver, detail("to"), unlessNamed: true)
        case .custodyCheckIn:
            imply(.deliverer, detail("from"), unlessNamed: true)
        case .simAcquire, .simReread:
            imply(.technician, source.entry.entry.examiner)
        case .custodyDispose where !detail("to").isEmpty && !people.contains(where: { $0.role == .receiver }):
            people.append(EventParticipant(role: .receiver, name: detail("to")))
        default: break
        }
        return people
    }

    func roleName(_ role: ParticipantRole) -> String { words.roleName(role) }

    var title: String {
        switch source.kind {
        case .seizure: words.text("forms.seizure.title")
        case .seal: words.text("forms.seal.title")
        case .unseal: words.text("forms.unseal.title")
        case .handover: words.text("forms.handover.title")
        case .checkout: words.text("forms.checkout.title")
        case .checkin: words.text("forms.checkin.title")
        case .disposal: words.text("forms.disposal.title")
        case .giveBack: words.text("forms.return.title")
        case .examination: words.text("forms.examination.title")
        case .audit: words.text("forms.audit.title")
        }
    }

    var legalBasis: String {
        switch source.kind {
        case .seizure: words.text("forms.seizure.basis")
        case .seal: words.text("forms.seal.basis")
        case .unseal: words.text("forms.unseal.basis")
        case .handover: words.text("forms.handover.basis")
        case .checkout: words.text("forms.checkout.basis")
        case .checkin: words.text("forms.checkin.basis")
        case .disposal: words.text("forms.disposal.basis")
        case .giveBack: words.text("forms.return.basis")
        case .examination: words.text("forms.examination.basis")
        case .audit: words.text("forms.audit.basis")
        }
    }

    /// What happened, in the record's words, from the entry's details.
    var statements: [String] {
        switch source.entry.entry.action {
        case .custodySeize:
            var lines = [words.text("forms.seizure.statement", ["from": detail("from"), "place": detail("where"), "when": detail("when")])]
            if !detail("authority").isEmpty { lines.append(words.text("forms.seizure.authority", ["authority": detail("authority")])) }
            return lines
        case .custodySeal: return [words.text("forms.seal.statement", ["seal": detail("seal")])]
        case .custodyUnseal: return [words.text("forms.unseal.statement", ["seal": detail("seal")])]
        case .custodyTransfer:
            return [words.text("forms.handover.statement", ["deliverer": examinerName(detail("releasedBy")), "receiver": examinerName(detail("receivedBy")),
                                                             "purpose": detail("purpose")])]
        case .custodyReceive:
            let at = detail("at").isEmpty ? source.caseRecord.agency : detail("at")
            return [words.text("forms.handover.received", ["from": detail("from"), "place": at])]
        case .custodyCheckOut:
            // Check-outs recorded before they named the receiver carry only a reason.
            guard !detail("to").isEmpty else { return [words.text("forms.checkout.statement", ["reason": detail("reason")])] }
            var lines = [words.text("forms.checkout.released-to", ["receiver": examinerName(detail("to")), "purpose": detail("purpose")])]
            if let due = dueDate { lines.append(words.text("forms.checkout.due", ["date": words.longDate(due, timeZone: Self.utc)])) }
            if !detail("location").isEmpty { lines.append(words.text("forms.checkout.from-location", ["location": detail("location")])) }
            return lines
        case .custodyCheckIn:
            guard !detail("from").isEmpty || !detail("location").isEmpty else {
                return [words.text("forms.checkin.statement", ["reason": detail("reason")])]
            }
            var lines = [words.text("forms.checkin.returned", ["deliverer": examinerName(detail("from"))])]
            if !detail("location").isEmpty { lines.append(words.text("forms.checkin.to-location", ["location": detail("location")])) }
            if !detail("reason").isEmpty { lines.append(words.text("forms.checkin.state", ["reason": detail("reason")])) }
            return lines
        case .custodyDispose:
            // Entries of the two-person procedure name their request; older ones only a method in words.
            guard payload["request"] != nil else { return [words.text("forms.disposal.statement", ["method": detail("method")])] }
            if source.kind == .giveBack {
                return [words.text("forms.return.statement", ["to": detail("to"), "reason": detail("reason")]), approval]
            }
            return [words.text("forms.disposal.destroyed", ["reason": detail("reason")]), approval]
        case .custodyAuditFinish:
            return [words.text("forms.audit.statement", ["location": detail("location")]),
                    words.count("forms.audit.scans", Int(payload["scans"]?.integerValue ?? 0))]
        default: return [words.text("forms.examination.statement")]
        }
    }

    static let utc = TimeZone(identifier: "UTC")!

    /// A check-out's due day (`due`, YYYY-MM-DD) as a date at midnight UTC, printed in UTC.
    var dueDate: Date? { CaseStore.date(ofDay: detail("due")) }

    /// Which request a disposal or return executes and which entry approved it.
    var approval: String {
        words.text("forms.disposal.approval", ["request": String(payload["request"]?.integerValue ?? 0),
                                               "approval": String(payload["approval"]?.integerValue ?? 0)])
    }

    /// An audit's four sets, each with its heading and count, the labels (and codes) in the
    /// order the entry lists them; an unexpected item with the location it was expected at.
    var auditSets: [[String: String]] {
        guard source.kind == .audit else { return [] }
        func labels(_ key: String) -> [String] { payload[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        let unexpected = (payload["unexpected"]?.arrayValue ?? []).compactMap { member -> String? in
            guard let item = member.objectValue?["item"]?.stringValue else { return nil }
            guard let at = member.objectValue?["expectedAt"]?.stringValue else { return words.text("forms.audit.kept-nowhere", ["item": item]) }
            return words.text("forms.audit.kept-at", ["item": item, "location": at])
        }
        let sets = [("forms.audit.found", labels("found")), ("forms.audit.missing", labels("missing")),
                    ("forms.audit.unexpected", unexpected), ("forms.audit.unknown", labels("unknown"))]
        return sets.map { key, members in
            ["heading": words.count(key, members.count), "items": members.isEmpty ? words.text("forms.audit.none") : members.joined(separator: "; ")]
        }
    }

    /// Where the event took place: the seizure's or receipt's place as recorded, else the agency.
    var place: String {
        let recorded = detail("where").isEmpty ? detail("at") : detail("where")
        return recorded.isEmpty ? source.caseRecord.agency : recorded
    }

    /// The seal numbers on `label` when the record's event happened: sealed and not yet broken
    /// before the entry, plus the seal the entry itself puts on or breaks (a seal record names
    /// its new seal, an unsealing the seal it found).
    var seals: [String] {
        var inPlace = source.item.attributes.values["seal"]?.stringValue.map { [$0] } ?? []
        for entry in source.history where entry.entry.sequence <= source.entry.entry.sequence {
            guard let number = entry.entry.payload["seal"]?.stringValue else { continue }
            if entry.entry.action == .custodySeal, !inPlace.contains(number) { inPlace.append(number) }
            if entry.entry.action == .custodyUnseal, entry.entry.sequence < source.entry.entry.sequence { inPlace.removeAll { $0 == number } }
        }
        return inPlace
    }

    func identifiers(_ item: ItemRecord) -> String { words.printedIdentifiers(item) }

    func exhibitRow(_ item: ItemRecord, number: Int, seals: [String], inside: Bool) -> [String: Any] {
        let kind = words.itemKind(type: item.type.rawValue, make: item.attributes.values["make"]?.stringValue,
                                  model: item.attributes.values["model"]?.stringValue)
        return ["number": words.number(number), "label": item.label, "type": kind,
                "identifiers": identifiers(item), "seals": seals.joined(separator: ", "),
                "condition": item.attributes.values["condition"]?.stringValue ?? "", "inside": inside]
    }

    var exhibits: [[String: Any]] {
        var rows = [exhibitRow(source.item, number: 1, seals: seals, inside: false)]
        for (index, item) in source.contents.enumerated() {
            let own = item.attributes.values["seal"]?.stringValue.map { [$0] } ?? []
            rows.append(exhibitRow(item, number: index + 2, seals: own, inside: true))
        }
        return rows
    }

    /// The examination record's facts: what was read, with which tool, and the hashes.
    var examination: [[String: String]] {
        guard source.kind == .examination else { return [] }
        func row(_ name: String, _ value: String) -> [String: String] { ["name": name, "value": value] }
        var rows = [[String: String]]()
        let scope = detail("scope") == "full" ? words.text("forms.examination.scope-full") : words.text("forms.examination.scope-identity")
        rows.append(row(words.text("forms.examination.what"), scope))
        if let read = source.acquisition {
            rows.append(row(words.text("forms.examination.files"), words.number(read.files.count)))
        }
        rows.append(row(words.text("forms.examination.apdus"), words.number(Int(payload["apduCount"]?.integerValue ?? 0))))
        let complete = payload["complete"] == .bool(true)
        rows.append(row(words.text("forms.examination.outcome"),
                        complete ? words.text("forms.examination.complete") : words.text("forms.examination.incomplete", ["reason": detail("incompleteReason")])))
        if !detail("iccid").isEmpty { rows.append(row("ICCID", detail("iccid"))) }
        if !detail("imsi").isEmpty { rows.append(row("IMSI", detail("imsi"))) }
        rows.append(row(words.text("forms.examination.tool"), "\(source.tool.name) \(source.tool.version)"))
        if !detail("reader").isEmpty { rows.append(row(words.text("forms.examination.reader"), detail("reader"))) }
        rows.append(row("ATR", detail("atr")))
        rows.append(row(words.text("forms.examination.content-hash"), detail("contentSHA256")))
        rows.append(row(words.text("forms.examination.transcript-hash"), detail("transcriptSHA256")))
        rows.append(row(words.text("forms.examination.record-hash"), detail("recordSHA256")))
        rows.append(row(words.text("forms.examination.write-guard"), words.text("forms.examination.read-only")))
        return rows
    }

    /// When the record's event happened: for a seizure the time written with it (`--when`) when
    /// it is a date and time (`2026-12-06 08:30`, `2026-12-06T08:30:00+07:00`; without an offset
    /// in the case's time zone), since the seizure record is dated by the seizure, not by when
    /// the clerk entered it; otherwise, and for every other kind, the entry's time.
    var eventTime: Date {
        guard source.kind == .seizure, let written = Self.writtenTime(detail("when"), timeZone: timeZone) else {
            return source.entry.entry.time.date
        }
        return written
    }

    /// `text` as an ISO 8601-like local date and time (seconds and offset optional), else nil.
    static func writtenTime(_ text: String, timeZone: TimeZone) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for pattern in ["yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss",
                        "yyyy-MM-dd HH:mmXXXXX", "yyyy-MM-dd'T'HH:mmXXXXX", "yyyy-MM-dd HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ssXXXXX"] {
            formatter.dateFormat = pattern
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }

    /// The whole view `record.mustache` prints; `t` is the catalog's words by their keys.
    func view() throws(RecordError) -> [String: Any] {
        let time = eventTime
        let people = participants
        let missing = source.kind.requiredRoles.filter { role in !people.contains { $0.role == role } }
        var signatures = people.map { ["role": roleName($0.role), "name": $0.name] }
        let recorder = examinerName(source.entry.entry.examiner)
        if !people.contains(where: { $0.name == recorder }) {
            signatures.append(["role": words.text("forms.role.recorder"), "name": recorder])
        }
        let qr: String
        do { qr = try QRCode(encoding: qrText).svg(side: "26mm") } catch {
            throw RecordError("cannot draw the record's QR code (\(error)); nothing was written")
        }
        var view: [String: Any] = [
            "t": words.templateWords(),
            "lang": words.language.rawValue,
            "agency": source.caseRecord.agency,
            "number": words.text("forms.number", ["seq": String(source.entry.entry.sequence)]),
            "dateLine": words.text("forms.date-line", ["date": words.longDate(time, timeZone: timeZone)]),
            "title": title,
            "opening": words.text("forms.opening", ["time": words.clockTime(time, timeZone: timeZone),
                                                    "date": words.longDate(time, timeZone: timeZone), "place": place]),
            "caseLine": words.text("forms.case-line", ["case": source.caseRecord.name, "id": source.caseRecord.id]),
            "basis": legalBasis,
            "participants": people.enumerated().map { index, person in
                ["number": words.number(index + 1), "name": person.name, "role": roleName(person.role), "unit": person.unit ?? ""]
            },
            "statements": statements,
            "exhibits": exhibits,
            "examination": examination,
            "examined": source.kind == .examination,
            "auditSets": auditSets,
            "copies": words.count("forms.copies", Self.copies),
            // Two signature blocks a row, as the paper forms set them side by side.
            "signatureRows": stride(from: 0, to: signatures.count, by: 2).map { ["cells": Array(signatures[$0..<min($0 + 2, signatures.count)])] },
            "qr": qr,
            "ledger": words.text("forms.ledger-line", ["seq": String(source.entry.entry.sequence), "hash": source.entry.hash.hex]),
        ]
        if !missing.isEmpty {
            view["missing"] = words.text("forms.participants.missing", ["roles": missing.map(roleName).joined(separator: ", ")])
        }
        return view
    }
}

extension Catalog {
    /// A participant's role as the records print it.
    func roleName(_ role: ParticipantRole) -> String {
        switch role {
        case .investigator: text("forms.role.investigator")
        case .prosecutor: text("forms.role.prosecutor")
        case .technician: text("forms.role.technician")
        case .witness: text("forms.role.witness")
        case .owner: text("forms.role.owner")
        case .holder: text("forms.role.holder")
        case .clerk: text("forms.role.clerk")
        case .deliverer: text("forms.role.deliverer")
        case .receiver: text("forms.role.receiver")
        }
    }

    /// An item's identifiers as printed: the well-known ones first, in the order people read
    /// them on the device (IMEI, ICCID, …), then any other as recorded.
    func printedIdentifiers(_ item: ItemRecord) -> String {
        let values = item.identifiers.values
        let known = ["IMEI", "IMEI2", "moduleIMEI", "ICCID", "IMSI", "serial", "MAC", "hostname"]
        let ordered = known.filter { values[$0] != nil } + values.keys.filter { !known.contains($0) }.sorted()
        return ordered.map { "\(identifierName($0)) \(values[$0]!)" }.joined(separator: "; ")
    }
}
