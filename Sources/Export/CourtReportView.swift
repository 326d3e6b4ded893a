import CaseStore
import Foundation
import Ledger
import Mustache
import SIMCard
import Wording

/// What the report's templates (Resources/report/*.mustache) show, built from `ReportContent`:
/// plain values only, no markup. The template engine escapes every value it prints. An optional
/// member is read in the templates with a leading dot (`{{#.iccid}}`) so that a nil never picks
/// up a same-named value of an enclosing object.
struct ReportView {
    let format = CourtReport.format
    /// The report's language: the page's `lang` attribute.
    let lang: String
    /// The catalog's words for the templates (`{{t.report.summary.title}}`), `Catalog.templateWords()`.
    let t: [String: Any]
    /// The case, the tool and the examiners: the page's first sections, shared with the summary
    /// report (`SummaryView`); its members are the page's own names to the templates.
    let front: Front
    /// Items the report shows (those reachable from the roots), as a number in the report's language.
    let shownItemCount: String

    let typeCounts: [CountRow]
    let stateCounts: [CountRow]
    let simCount: String
    /// Shown in the summary for the whole case only.
    let readsWithoutICCIDCount: String?
    let operatorCounts: [CountRow]

    let hasNoItems: Bool
    /// The exhibits' sections and the SMS section's reads are not members: the renderer asks
    /// `ReportViewBuilder` for them a few at a time (`ReportTemplates.render`).
    let sms: SMSSectionView
    let readsWithoutICCID: OrphanReads?
    let verification: VerificationView

    /// What the sections "Case and authority", "Examiners" and "Method" show.
    struct Front {
        let caseName: String
        let caseID: String
        let agency: String
        let authority: String
        let timeZone: String
        let caseOpened: TimeView?
        let stationKey: String
        let toolName: String
        let toolVersion: String
        let toolBuild: String
        let generated: TimeView
        /// Labels chosen with `--items`, nil for the whole case.
        let requested: [String]?
        /// "the whole case (N items)", or how "exhibits A, B" ends: "and everything inside them (N items)".
        let coverage: String
        let examiners: [ExaminerRow]

        init(caseRecord c: CaseRecord, examiners: [ExaminerRecord], wording: ReportWording, tool: ToolIdentity, time: Date,
             requested: [String]?, coverage: String) {
            caseName = c.name
            caseID = c.id
            agency = c.agency
            authority = c.authority
            timeZone = c.timeZone
            caseOpened = LedgerTime(c.createdAt).map { Self.longTime($0, wording) }
            stationKey = c.stationKey
            toolName = tool.name
            toolVersion = tool.version
            toolBuild = tool.build
            generated = Self.longTime(LedgerTime(time), wording)
            self.requested = requested
            self.coverage = coverage
            self.examiners = examiners.map { ExaminerRow(id: $0.id, name: $0.name, role: wording.roleName($0.role), seq: $0.seq) }
        }

        /// `time`, its local time in words (the case's facts).
        static func longTime(_ time: LedgerTime, _ wording: ReportWording) -> TimeView {
            TimeView(utc: time.description, local: wording.longLocalTime(time.date))
        }
    }

    struct TimeView { let utc: String; let local: String }
    struct ExaminerRow { let id: String; let name: String; let role: String; let seq: Int64 }
    struct CountRow { let name: String; let count: String }

    /// The `data-exhibit` / `data-sha256` attributes of an exhibit's element.
    struct Mark { let exhibit: AttributeText; let sha256: AttributeText? }

    /// Card and examiner text as runs of plain text and marks (`U+XXXX`) for invisible characters.
    struct FreeText {
        let runs: [Run]

        init(_ text: String) {
            // Most text has no invisible character: one run, the text itself.
            guard text.unicodeScalars.contains(where: ReportWording.isInvisible) else {
                self.runs = text.isEmpty ? [] : [Run(text: text, isControl: false)]
                return
            }
            var runs = [Run]()
            var plain = ""
            for scalar in text.unicodeScalars {
                if ReportWording.isInvisible(scalar) {
                    if !plain.isEmpty { runs.append(Run(text: plain, isControl: false)); plain = "" }
                    runs.append(Run(text: ReportWording.codePoint(scalar), isControl: true))
                } else {
                    plain.unicodeScalars.append(scalar)
                }
            }
            if !plain.isEmpty { runs.append(Run(text: plain, isControl: false)) }
            self.runs = runs
        }
    }
    struct Run { let text: String; let isControl: Bool }
    struct Field { let key: String; let value: FreeText }
    struct FieldList { let fields: [Field] }

    struct ExhibitView {
        let mark: Mark
        let label: String
        let type: String
        /// The containers around it, outermost first.
        let inside: [String]
        let identifiers: FieldList?
        let description: FieldList?
        let sim: SIMLine?
        let hasHashes: Bool
        let hashes: [String]
        let chain: [ChainRow]
        /// "N entries that place items into … are listed with those items below."
        let elsewhere: String?
        let simTable: SIMTable?
    }

    struct SIMLine {
        let state: String
        let operatorName: String
        /// Where the operator was inferred from, unless the IMSI's MCC/MNC.
        let operatorSource: String?
        let iccid: String?
        let imsi: String?
        let ownNumbers: String?
    }

    struct ChainRow {
        let seq: Int64
        let time: TimeView
        let examiner: String
        let examinerName: String?
        let action: String
        let details: Details
    }

    /// An entry's payload as the report shows it; exactly one member is set.
    struct Details {
        var concerns: Concerns? = nil
        var acquisition: Acquisition? = nil
        var photo: Photo? = nil
        var pairs: [Field]? = nil
    }

    /// An entry about another item too: its subjects, then its payload.
    struct Concerns { let subjects: [String]; let pairs: [Field] }
    struct Photo { let name: FreeText; let bytes: String; let sha256: String }
    struct Acquisition {
        let scope: String
        let incomplete: Bool
        let incompleteReason: FreeText?
        /// "12 APDUs".
        let apduCount: String?
        let reader: FreeText?
        let comparison: Comparison?
        let hashes: [NamedHash]
    }
    struct Comparison { let entry: Int64; let sameContent: Bool }
    struct NamedHash { let name: String; let value: String }

    /// The SIMs, ports and slots of a container, one table; `index` names it in cut marks.
    struct SIMTable {
        let index: Int
        let caption: String
        let portEmptySlots: EmptySlots?
        /// Top-level rows (a SIM, or a port with its slots and SIMs); a part may end between two.
        let groups: [RowGroup]
    }
    struct RowGroup { let table: Int; let rows: [Row] }
    /// One of a table's row kinds; exactly one member is set.
    struct Row {
        var port: PortRow? = nil
        var emptySlots: EmptySlots? = nil
        var heldElsewhere: HeldRow? = nil
        var sim: SIMRow? = nil
    }
    struct OwnEntry { let seq: Int64; let action: String }
    struct SlotMarker { let mark: Mark; let name: String; let own: [OwnEntry] }
    struct PortRow { let mark: Mark; let name: String; let fields: [Field]; let note: FreeText?; let own: [OwnEntry] }
    struct EmptySlots { let slots: [SlotMarker] }
    struct HeldRow { let slot: SlotMarker; let held: String }
    struct SIMRow {
        let mark: Mark
        /// The slot marker (first SIM of a slot), or a ditto mark (the slot's other SIMs).
        let slot: SlotMarker?
        let ditto: Bool
        let label: String
        /// The item type, when it is not "sim".
        let otherType: String?
        let iccid: String
        let imsi: String
        let operatorName: String
        let state: String
        let registeredBy: Int64?
        let lines: [EntriesLine]
    }
    /// One line of a SIM's entries cell; exactly one member is set.
    struct EntriesLine {
        var fields: [Field]? = nil
        var ownNumbers: String? = nil
        var entry: EntryLine? = nil
    }
    struct EntryLine { let seq: Int64; let time: String; let examiner: String; let action: String; let details: Details? }

    struct SMSSectionView {
        /// "2 SIMs were read in full: 3 SMS records in use and 1 deleted message still in free records".
        let summary: String
    }
    struct SMSRead {
        let label: String
        let seq: Int64
        let incomplete: Bool
        let recordSHA256: String
        let undecodable: Bool
        /// "No message in EF.SMS (N records).", when it holds none.
        let emptyRecords: String?
        let messageTable: MessageTable?
        let concatenatedTable: ConcatenatedTable?
    }
    struct MessageTable { let messages: [Message] }
    struct ConcatenatedTable { let messages: [Concatenated] }
    struct Message {
        let record: Int
        let residue: Bool
        let status: String
        let direction: String
        let encoding: String?
        let party: FreeText
        let time: String
        let text: FreeText
        let part: String?
        let decodeError: FreeText?
    }
    struct Concatenated {
        let reference: Int
        /// "3 parts".
        let parts: String
        let records: String
        let party: FreeText
        let text: FreeText
        let missing: String?
    }

    struct OrphanReads { let rows: [OrphanReadRow] }
    struct OrphanReadRow { let seq: Int64; let time: TimeView; let examiner: String; let atr: String; let acquisition: Acquisition }

    struct VerificationView {
        let ledgerEntries: String
        /// "of the first N entries": the tree `ledgerRoot` is the root of.
        let rootOf: String
        let ledgerRoot: String
        let stationKeys: [StationKeyRow]
        /// The bundle's files and what each holds: the human reading of MANIFEST.sha256.
        let files: [BundleFileRow]
    }
    struct StationKeyRow { let keyID: String?; let key: String }
    struct BundleFileRow { let path: String; let content: String }
}

extension ReportView.VerificationView {
    init(_ v: ReportVerificationFacts, wording: ReportWording) {
        self.init(ledgerEntries: wording.number(v.ledgerEntries), rootOf: wording.rootOf(v.ledgerSize), ledgerRoot: v.ledgerRoot,
                  stationKeys: v.stationKeys.map { .init(keyID: (try? VerifierKey(parsing: $0))?.keyID.hex, key: $0) },
                  files: wording.bundleFiles().map { .init(path: $0.path, content: $0.content) })
    }
}

/// Text for an attribute value, in pieces that each end at most one character the engine
/// escapes. The engine escapes `& < > " '` by comparing whole characters (grapheme clusters),
/// so a quote followed by a combining mark would pass unescaped and end the attribute; split
/// after every such character, each piece starts a new cluster and the engine escapes it.
struct AttributeText {
    let pieces: [String]

    /// A character the engine escapes.
    private static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar { case "&", "<", ">", "\"", "'": true; default: false }
    }

    init(_ text: String) {
        // Most text (labels, hashes) has none of those characters: one piece, the text itself.
        guard text.unicodeScalars.contains(where: Self.isEscaped) else {
            pieces = [text]
            return
        }
        var pieces = [String]()
        var piece = ""
        for scalar in text.unicodeScalars {
            piece.unicodeScalars.append(scalar)
            if Self.isEscaped(scalar) {
                pieces.append(piece)
                piece = ""
            }
        }
        if !piece.isEmpty || pieces.isEmpty { pieces.append(piece) }
        self.pieces = pieces
    }
}

extension ReportView {
    init(content: ReportContent, language: Language, tool: ToolIdentity, verification v: ReportVerificationFacts, time: Date) {
        let wording = ReportWording(language, timeZone: content.caseRecord.timeZone)
        let builder = ReportViewBuilder(content: content, wording: wording)
        let c = content.caseRecord
        lang = language.rawValue
        t = wording.catalog.templateWords()
        front = Front(caseRecord: c, examiners: content.examiners, wording: wording, tool: tool, time: time, requested: content.requested,
                      coverage: wording.coverage(items: content.selected.count, selected: content.requested != nil))
        shownItemCount = wording.number(content.ordered.count)

        var types = [ItemType: Int]()
        for item in content.ordered { types[item.type, default: 0] += 1 }
        typeCounts = types.keys.sorted { $0.rawValue < $1.rawValue }.map { CountRow(name: wording.typeName($0), count: wording.number(types[$0]!)) }
        var states = [SIMStatus.State: Int]()
        var operators = [String: Int]()
        for s in content.sims.values {
            states[s.state, default: 0] += 1
            operators[s.operatorName, default: 0] += 1
        }
        stateCounts = SIMStatus.State.allCases.map { CountRow(name: wording.stateName($0), count: wording.number(states[$0] ?? 0)) }
        simCount = wording.number(content.sims.count)
        readsWithoutICCIDCount = content.requested == nil && !content.readsWithoutICCID.isEmpty ? wording.number(content.readsWithoutICCID.count) : nil
        operatorCounts = operators.keys.sorted().map { CountRow(name: $0, count: wording.number(operators[$0]!)) }

        hasNoItems = content.ordered.isEmpty
        sms = builder.smsSection()
        readsWithoutICCID = content.readsWithoutICCID.isEmpty ? nil : OrphanReads(rows: content.readsWithoutICCID.map {
            OrphanReadRow(seq: $0.entry.sequence, time: builder.time($0.entry.time), examiner: $0.entry.examiner,
                          atr: $0.entry.payload["atr"]?.stringValue ?? "", acquisition: builder.acquisition($0.entry.payload))
        })
        self.verification = VerificationView(v, wording: wording)
    }
}

/// Builds the exhibit, table and SMS parts of `ReportView` from `ReportContent`, fetching the
/// entries and records they show a few sections at a time.
final class ReportViewBuilder {
    typealias V = ReportView
    let content: ReportContent
    let wording: ReportWording
    private let examinerNames: [String: String]
    private var tableCount = 0
    /// The entries of the sections being built (`ReportContent.entries(for:)`).
    private var batch = [Int64: SignedEntry]()
    /// Items whose entries are fetched at once: about 2,000 entries of a few hundred bytes.
    static let itemsPerFetch = 1_000

    init(content: ReportContent, wording: ReportWording) {
        self.content = content
        self.wording = wording
        examinerNames = Dictionary(content.examiners.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// The ledger's UTC time as recorded (evidence), with the local time in the report's language.
    func time(_ time: LedgerTime) -> V.TimeView {
        V.TimeView(utc: time.description, local: wording.localTime(time.date))
    }

    func mark(_ label: String) -> V.Mark {
        let hashes = content.hashes(of: label, in: batch)
        return V.Mark(exhibit: AttributeText(label), sha256: hashes.isEmpty ? nil : AttributeText(hashes.joined(separator: " ")))
    }

    static func fields(_ pairs: [(key: String, value: String)]) -> [V.Field] {
        pairs.map { V.Field(key: $0.key, value: V.FreeText($0.value)) }
    }

    /// An item's identifiers, each under its printed name ("S/N", "Số sê-ri").
    func identifierFields(_ identifiers: ItemIdentifiers) -> [(key: String, value: String)] {
        ReportContent.fields(identifiers).map { (wording.catalog.identifierName($0.key), $0.value) }
    }

    // MARK: Exhibits

    /// Calls `body` with every exhibit's section in report order, fetching the entries of about
    /// `itemsPerFetch` items (sections with their rows) at a time.
    func forEachExhibit(_ body: (V.ExhibitView) throws -> Void) throws {
        let sections = content.ordered.filter { !content.isRow($0) }
        var next = 0
        while next < sections.count {
            var labels = [String]()
            var end = next
            while end < sections.count, labels.count < Self.itemsPerFetch {
                labels += [sections[end].label] + rowLabels(sections[end])
                end += 1
            }
            batch = try content.entries(for: labels)
            for section in sections[next..<end] { try body(exhibit(section)) }
            next = end
        }
        batch = [:]
    }

    /// The items shown as rows of `item`'s table, and the rows inside them.
    private func rowLabels(_ item: ItemRecord) -> [String] {
        rowChildren(item).flatMap { [$0.label] + rowLabels($0) }
    }

    private func exhibit(_ item: ItemRecord) -> V.ExhibitView {
        let identifiers = Self.fields(identifierFields(item.identifiers))
        let description = Self.fields(ReportContent.fields(item.attributes))
        let (chain, elsewhere) = custodyChain(item)
        let hashes = content.hashes(of: item.label, in: batch)
        return V.ExhibitView(
            mark: mark(item.label), label: item.label, type: wording.typeName(item.type),
            inside: ReportContent.ancestors(of: item, in: content.itemsByLabel).reversed().map(\.label),
            identifiers: identifiers.isEmpty ? nil : V.FieldList(fields: identifiers),
            description: description.isEmpty ? nil : V.FieldList(fields: description),
            sim: content.sims[item.label].map(simLine), hasHashes: !hashes.isEmpty, hashes: hashes,
            chain: chain, elsewhere: elsewhere, simTable: simTable(item))
    }

    private func simLine(_ s: SIMStatus) -> V.SIMLine {
        V.SIMLine(state: wording.stateName(s.state), operatorName: s.operatorName,
                  operatorSource: s.operatorSource == "MCC/MNC" || s.operatorSource == "none" ? nil : s.operatorSource,
                  iccid: s.iccid, imsi: s.imsi, ownNumbers: s.msisdn.isEmpty ? nil : s.msisdn.joined(separator: ", "))
    }

    /// The full custody chain of a section. Entries that place another listed item into this
    /// one are shown with that item; the table says how many.
    private func custodyChain(_ item: ItemRecord) -> ([V.ChainRow], String?) {
        var rows = [V.ChainRow]()
        var elsewhere = 0
        for e in content.chain(of: item.label, in: batch) {
            if let first = e.entry.subjects.first, first != item.label, content.selected.contains(first),
               e.entry.sequence != item.seq {
                elsewhere += 1
            } else {
                rows.append(V.ChainRow(seq: e.entry.sequence, time: time(e.entry.time), examiner: e.entry.examiner,
                                       examinerName: examinerNames[e.entry.examiner], action: e.entry.action.rawValue,
                                       details: details(e, about: item.label)))
            }
        }
        return (rows, elsewhere > 0 ? wording.placedElsewhere(elsewhere, into: item.label) : nil)
    }

    /// An entry's payload; acquisitions and photographs show their hashes.
    func details(_ e: SignedEntry, about label: String) -> V.Details {
        let p = e.entry.payload
        let pairs = p.keys.sorted().map { V.Field(key: $0, value: V.FreeText.init(ReportContent.plain(p[$0]!))) }
        if e.entry.subjects.first != label, e.entry.sequence != content.itemsByLabel[label]?.seq {
            return V.Details(concerns: V.Concerns(subjects: e.entry.subjects, pairs: pairs))
        }
        switch e.entry.action {
        case .simAcquire, .simReread: return V.Details(acquisition: acquisition(p))
        case .custodyPhotograph:
            return V.Details(photo: V.Photo(name: V.FreeText.init(p["originalName"].map(ReportContent.plain) ?? ""),
                                            bytes: p["bytes"]?.integerValue.map { wording.bytes(Int($0)) } ?? "?", sha256: p["sha256"]?.stringValue ?? ""))
        default:
            return V.Details(pairs: pairs)
        }
    }

    func acquisition(_ p: [String: CanonicalJSON]) -> V.Acquisition {
        let incomplete = p["complete"] == .bool(false)
        return V.Acquisition(
            scope: wording.scope(full: p["scope"]?.stringValue == "full"),
            incomplete: incomplete,
            incompleteReason: incomplete ? p["incompleteReason"]?.stringValue.map(V.FreeText.init) : nil,
            apduCount: p["apduCount"]?.integerValue.map { wording.apdus(Int($0)) },
            reader: p["reader"]?.stringValue.map(V.FreeText.init),
            comparison: p["comparedWith"]?.integerValue.map { V.Comparison(entry: $0, sameContent: p["sameContent"] == .bool(true)) },
            hashes: wording.acquisitionHashNames().compactMap { key, name in
                p[key]?.stringValue.map { V.NamedHash(name: name, value: $0) }
            })
    }

    // MARK: Rows: SIMs, ports and slots of a container

    private func rowChildren(_ item: ItemRecord) -> [ItemRecord] {
        (content.children[item.label] ?? []).filter { content.selected.contains($0.label) && content.isRow($0) }
    }

    private func simTable(_ section: ItemRecord) -> V.SIMTable? {
        let rows = rowChildren(section)
        guard !rows.isEmpty else { return nil }
        let index = tableCount
        tableCount += 1
        let groups = rows.filter { !isEmptySlot($0) }.map { V.RowGroup(table: index, rows: self.rows($0, in: section, slot: nil, ditto: false)) }
        return V.SIMTable(index: index, caption: wording.simsIn(countSIMs(rows), section.label),
                          portEmptySlots: section.type == .device(.port) ? emptySlots(of: section, in: section) : nil, groups: groups)
    }

    private func countSIMs(_ items: [ItemRecord]) -> Int {
        items.reduce(0) { total, item in total + (item.type == .device(.sim) ? 1 : 0) + countSIMs(rowChildren(item)) }
    }

    /// The rows of `item` and what it holds; `slot`/`ditto`: the position of a SIM in a slot.
    private func rows(_ item: ItemRecord, in section: ItemRecord, slot: V.SlotMarker?, ditto: Bool) -> [V.Row] {
        let inside = rowChildren(item)
        switch item.type {
        case .device(.port):
            // The note Custody stores beside a module IMEI (`moduleIMEINote`) is its own fixed
            // sentence: printed in the report's language, not as stored.
            let hasNote = ReportContent.fields(item.attributes).contains { $0.key == "moduleIMEINote" }
            var rows = [V.Row(port: V.PortRow(mark: mark(item.label), name: relative(item.label, to: section),
                                              fields: Self.fields(identifierFields(item.identifiers)),
                                              note: hasNote ? V.FreeText(wording.catalog.text("report.module-imei-note")) : nil,
                                              own: ownEntries(item)))]
            if let empty = emptySlots(of: item, in: section) { rows.append(V.Row(emptySlots: empty)) }
            for child in inside where !isEmptySlot(child) { rows += self.rows(child, in: section, slot: nil, ditto: false) }
            return rows
        case .device(.slot):
            let marker = V.SlotMarker(mark: mark(item.label), name: relative(item.label, to: section), own: ownEntries(item))
            var rows = [V.Row]()
            if inside.isEmpty {
                // Holds only items shown as their own sections.
                let held = (content.children[item.label] ?? []).map(\.label).joined(separator: ", ")
                rows.append(V.Row(heldElsewhere: V.HeldRow(slot: marker, held: held)))
            }
            for (index, child) in inside.enumerated() {
                rows += self.rows(child, in: section, slot: index == 0 ? marker : nil, ditto: index > 0)
            }
            return rows
        default:
            var rows = [V.Row(sim: simRow(item, slot: slot, ditto: ditto))]
            for child in inside { rows += self.rows(child, in: section, slot: nil, ditto: false) }
            return rows
        }
    }

    private func isEmptySlot(_ item: ItemRecord) -> Bool {
        item.type == .device(.slot) && (content.children[item.label] ?? []).isEmpty
    }

    /// A port's empty slots, on one line.
    private func emptySlots(of port: ItemRecord, in section: ItemRecord) -> V.EmptySlots? {
        let empty = (content.children[port.label] ?? []).filter { content.selected.contains($0.label) && isEmptySlot($0) }
        guard !empty.isEmpty else { return nil }
        return V.EmptySlots(slots: empty.map { V.SlotMarker(mark: mark($0.label), name: relative($0.label, to: section), own: ownEntries($0)) })
    }

    /// Entries naming a port or slot itself first (not its creation with the box, not SIMs placed in it).
    private func ownEntries(_ item: ItemRecord) -> [V.OwnEntry] {
        content.chain(of: item.label, in: batch).filter { $0.entry.subjects.first == item.label }
            .map { V.OwnEntry(seq: $0.entry.sequence, action: $0.entry.action.rawValue) }
    }

    private func simRow(_ item: ItemRecord, slot: V.SlotMarker?, ditto: Bool) -> V.SIMRow {
        let s = content.sims[item.label]
        let ids = Dictionary(ReportContent.fields(item.identifiers).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        // The entry that registered this SIM with many others (a catalog import, a box) goes in
        // the row's first cell; the others, each on its own line, beside it.
        let chain = content.chain(of: item.label, in: batch)
        let group = chain.first { $0.entry.sequence == item.seq && $0.entry.subjects.first != item.label }
        var lines = [V.EntriesLine]()
        let extra = identifierFields(ItemIdentifiers(item.identifiers.values.filter { $0.key != "ICCID" && $0.key != "IMSI" }))
            + ReportContent.fields(item.attributes)
        if !extra.isEmpty { lines.append(V.EntriesLine(fields: Self.fields(extra))) }
        if let numbers = s?.msisdn, !numbers.isEmpty { lines.append(V.EntriesLine(ownNumbers: numbers.joined(separator: ", "))) }
        for e in chain where e.entry.sequence != group?.entry.sequence {
            lines.append(V.EntriesLine(entry: V.EntryLine(
                seq: e.entry.sequence, time: e.entry.time.description, examiner: e.entry.examiner, action: e.entry.action.rawValue,
                details: e.entry.subjects.first == item.label ? details(e, about: item.label) : nil)))
        }
        return V.SIMRow(mark: mark(item.label), slot: slot, ditto: ditto, label: item.label,
                        otherType: item.type == .device(.sim) ? nil : wording.typeName(item.type),
                        iccid: s?.iccid ?? ids["ICCID"] ?? "", imsi: s?.imsi ?? ids["IMSI"] ?? "",
                        operatorName: s?.operatorName ?? "", state: s.map { wording.stateName($0.state) } ?? "",
                        registeredBy: group?.entry.sequence, lines: lines)
    }

    private func relative(_ label: String, to section: ItemRecord) -> String {
        label.hasPrefix(section.label + "/") ? String(label.dropFirst(section.label.count + 1)) : label
    }

    // MARK: SMS

    /// The SMS section's opening line, from the counts of every read it lists.
    func smsSection() -> V.SMSSectionView {
        let reads = content.ordered.compactMap { content.smsReads[$0.label] }
        let used = reads.reduce(0) { $0 + ($1.counts?.used ?? 0) }
        let residue = reads.reduce(0) { $0 + ($1.counts?.residue ?? 0) }
        return V.SMSSectionView(summary: wording.smsSummary(simsRead: reads.count, used: used, residue: residue))
    }

    /// Calls `body` with every full read the SMS section lists, in report order, fetching
    /// `ReportContent.recordsPerFetch` records at a time.
    func forEachSMSRead(_ body: (V.SMSRead) throws -> Void) throws {
        let reads = content.ordered.compactMap { item in content.smsReads[item.label].map { (item, $0) } }
        for start in stride(from: 0, to: reads.count, by: ReportContent.recordsPerFetch) {
            let page = reads[start..<min(start + ReportContent.recordsPerFetch, reads.count)]
            let summaries = Dictionary(try content.smsSummaries(page.map(\.1.seq)).map { ($0.seq, $0.summary) }, uniquingKeysWith: { a, _ in a })
            for (item, read) in page {
                let summary = summaries[read.seq] ?? nil
                let messages = summary.map { $0.messages.isEmpty ? nil : $0.messages.map(message) } ?? nil
                try body(V.SMSRead(
                    label: item.label, seq: read.seq, incomplete: !read.complete, recordSHA256: read.recordSHA256,
                    undecodable: summary == nil,
                    emptyRecords: summary.flatMap { $0.messages.isEmpty ? wording.emptyMessageRecords($0.smsRecords) : nil },
                    messageTable: messages.map(V.MessageTable.init),
                    concatenatedTable: messages == nil || summary!.concatenatedMessages.isEmpty ? nil
                        : V.ConcatenatedTable(messages: summary!.concatenatedMessages.map(concatenated))))
            }
        }
    }

    private func message(_ m: AcquisitionSummary.Message) -> V.Message {
        V.Message(record: m.record, residue: m.deletedResidue, status: wording.smsStatus(m.status), direction: wording.smsDirection(m.direction),
                  encoding: m.encoding?.rawValue, party: V.FreeText.init(m.party ?? ""), time: m.time ?? "",
                  text: V.FreeText.init(m.text ?? ""), part: m.part, decodeError: m.decodeError.map(V.FreeText.init))
    }

    private func concatenated(_ m: ConcatenatedSMS) -> V.Concatenated {
        V.Concatenated(reference: m.reference, parts: wording.parts(m.total),
                       records: m.parts.map { "\($0.recordNumber)\($0.isDeletedResidue ? " " + wording.deletedPart() : "")" }.joined(separator: ", "),
                       party: V.FreeText.init(m.originatorOrDestination), text: V.FreeText.init(m.text),
                       missing: m.missingSequences.isEmpty ? nil : m.missingSequences.map(String.init).joined(separator: ", "))
    }
}

// Every value of the view gives its members to the templates by name: the engine's default,
// reflection (Mirror) on every lookup, made rendering about 1.6 times slower for the values that
// repeat per SIM, entry and field, and then still took a quarter of the time for the others (SMS
// messages, chains, tables). Each lists all its stored members, as Mirror would find them
// (CourtReportTests checks it).
extension ReportView.Mark: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "exhibit": exhibit; case "sha256": sha256; default: nil }
    }
}
extension AttributeText: MustacheParent {
    func child(named name: String) -> Any? { name == "pieces" ? pieces : nil }
}
extension ReportView.FreeText: MustacheParent {
    func child(named name: String) -> Any? { name == "runs" ? runs : nil }
}
extension ReportView.Run: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "text": text; case "isControl": isControl; default: nil }
    }
}
extension ReportView.Field: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "key": key; case "value": value; default: nil }
    }
}
extension ReportView.Details: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "concerns": concerns
        case "acquisition": acquisition
        case "photo": photo
        case "pairs": pairs
        default: nil
        }
    }
}
extension ReportView.Acquisition: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "scope": scope
        case "incomplete": incomplete
        case "incompleteReason": incompleteReason
        case "apduCount": apduCount
        case "reader": reader
        case "comparison": comparison
        case "hashes": hashes
        default: nil
        }
    }
}
extension ReportView.NamedHash: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "name": self.name; case "value": value; default: nil }
    }
}
extension ReportView.RowGroup: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "table": table; case "rows": rows; default: nil }
    }
}
extension ReportView.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "port": port
        case "emptySlots": emptySlots
        case "heldElsewhere": heldElsewhere
        case "sim": sim
        default: nil
        }
    }
}
extension ReportView.SlotMarker: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "mark": mark; case "name": self.name; case "own": own; default: nil }
    }
}
extension ReportView.OwnEntry: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "seq": seq; case "action": action; default: nil }
    }
}
extension ReportView.SIMRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "mark": mark
        case "slot": slot
        case "ditto": ditto
        case "label": label
        case "otherType": otherType
        case "iccid": iccid
        case "imsi": imsi
        case "operatorName": operatorName
        case "state": state
        case "registeredBy": registeredBy
        case "lines": lines
        default: nil
        }
    }
}
extension ReportView.EntriesLine: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "fields": fields; case "ownNumbers": ownNumbers; case "entry": entry; default: nil }
    }
}
extension ReportView.EntryLine: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "seq": seq
        case "time": time
        case "examiner": examiner
        case "action": action
        case "details": details
        default: nil
        }
    }
}
extension ReportView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "format": format
        case "lang": lang
        case "t": t
        case "front": front
        case "shownItemCount": shownItemCount
        case "typeCounts": typeCounts
        case "stateCounts": stateCounts
        case "simCount": simCount
        case "readsWithoutICCIDCount": readsWithoutICCIDCount
        case "operatorCounts": operatorCounts
        case "hasNoItems": hasNoItems
        case "sms": sms
        case "readsWithoutICCID": readsWithoutICCID
        case "verification": verification
        default: front.child(named: name)
        }
    }
}
extension ReportView.Front: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "caseName": caseName
        case "caseID": caseID
        case "agency": agency
        case "authority": authority
        case "timeZone": timeZone
        case "caseOpened": caseOpened
        case "stationKey": stationKey
        case "toolName": toolName
        case "toolVersion": toolVersion
        case "toolBuild": toolBuild
        case "generated": generated
        case "requested": requested
        case "coverage": coverage
        case "examiners": examiners
        default: nil
        }
    }
}
extension ReportView.TimeView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "utc": utc
        case "local": local
        default: nil
        }
    }
}
extension ReportView.ExaminerRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "name": self.name
        case "role": role
        case "seq": seq
        default: nil
        }
    }
}
extension ReportView.CountRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "count": self.count
        default: nil
        }
    }
}
extension ReportView.FieldList: MustacheParent {
    func child(named name: String) -> Any? { name == "fields" ? fields : nil }
}
extension ReportView.ExhibitView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "mark": mark
        case "label": label
        case "type": self.type
        case "inside": inside
        case "identifiers": identifiers
        case "description": self.description
        case "sim": sim
        case "hasHashes": hasHashes
        case "hashes": hashes
        case "chain": chain
        case "elsewhere": elsewhere
        case "simTable": simTable
        default: nil
        }
    }
}
extension ReportView.SIMLine: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "state": state
        case "operatorName": operatorName
        case "operatorSource": operatorSource
        case "iccid": iccid
        case "imsi": imsi
        case "ownNumbers": ownNumbers
        default: nil
        }
    }
}
extension ReportView.ChainRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "seq": seq
        case "time": self.time
        case "examiner": examiner
        case "examinerName": examinerName
        case "action": action
        case "details": details
        default: nil
        }
    }
}
extension ReportView.Concerns: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "subjects": subjects
        case "pairs": pairs
        default: nil
        }
    }
}
extension ReportView.Photo: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "bytes": bytes
        case "sha256": sha256
        default: nil
        }
    }
}
extension ReportView.Comparison: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "entry": entry
        case "sameContent": sameContent
        default: nil
        }
    }
}
extension ReportView.SIMTable: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "index": self.index
        case "caption": caption
        case "portEmptySlots": portEmptySlots
        case "groups": groups
        default: nil
        }
    }
}
extension ReportView.PortRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "mark": mark
        case "name": self.name
        case "fields": fields
        case "note": note
        case "own": own
        default: nil
        }
    }
}
extension ReportView.EmptySlots: MustacheParent {
    func child(named name: String) -> Any? { name == "slots" ? slots : nil }
}
extension ReportView.HeldRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "slot": slot
        case "held": held
        default: nil
        }
    }
}
extension ReportView.SMSSectionView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "summary": summary
        default: nil
        }
    }
}
extension ReportView.SMSRead: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "seq": seq
        case "incomplete": incomplete
        case "recordSHA256": recordSHA256
        case "undecodable": undecodable
        case "emptyRecords": emptyRecords
        case "messageTable": messageTable
        case "concatenatedTable": concatenatedTable
        default: nil
        }
    }
}
extension ReportView.MessageTable: MustacheParent {
    func child(named name: String) -> Any? { name == "messages" ? messages : nil }
}
extension ReportView.ConcatenatedTable: MustacheParent {
    func child(named name: String) -> Any? { name == "messages" ? messages : nil }
}
extension ReportView.Message: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "record": record
        case "residue": residue
        case "status": status
        case "direction": direction
        case "encoding": encoding
        case "party": party
        case "time": self.time
        case "text": self.text
        case "part": part
        case "decodeError": decodeError
        default: nil
        }
    }
}
extension ReportView.Concatenated: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "reference": reference
        case "parts": parts
        case "records": records
        case "party": party
        case "text": self.text
        case "missing": missing
        default: nil
        }
    }
}
extension ReportView.OrphanReads: MustacheParent {
    func child(named name: String) -> Any? { name == "rows" ? rows : nil }
}
extension ReportView.OrphanReadRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "seq": seq
        case "time": self.time
        case "examiner": examiner
        case "atr": atr
        case "acquisition": acquisition
        default: nil
        }
    }
}
extension ReportView.VerificationView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "ledgerEntries": ledgerEntries
        case "rootOf": rootOf
        case "ledgerRoot": ledgerRoot
        case "stationKeys": stationKeys
        case "files": files
        default: nil
        }
    }
}
extension ReportView.BundleFileRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "path": path
        case "content": content
        default: nil
        }
    }
}
extension ReportView.StationKeyRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "keyID": keyID
        case "key": key
        default: nil
        }
    }
}
