import CaseStore
import Foundation
import Ledger
import SIMCard

/// Writes the report's HTML from `ReportContent`. Every text that comes from the case (labels,
/// identifiers, payloads, SMS) goes through `HTMLText`; nothing else is interpolated raw.
struct ReportPage {
    let content: ReportContent
    let tool: ToolIdentity
    let verification: ReportVerificationFacts
    let time: Date
    private var out = ""
    /// Where the body starts and ends in `out`, and where it may be cut into part documents
    /// (`ReportDocument.parts`); UTF-8 offsets.
    private(set) var bodyStart = 0, bodyEnd = 0
    private(set) var cuts = [ReportCut]()
    private let localTime: DateFormatter
    private let examinerNames: [String: String]

    init(content: ReportContent, tool: ToolIdentity, verification: ReportVerificationFacts, time: Date) {
        self.content = content
        self.tool = tool
        self.verification = verification
        self.time = time
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: content.caseRecord.timeZone) ?? TimeZone(identifier: "UTC")!
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss xxx"
        localTime = formatter
        examinerNames = Dictionary(content.examiners.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    mutating func render() -> String {
        out.reserveCapacity(4096 + content.ordered.count * 900)
        let c = content.caseRecord
        out += """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="custody-report-format" content="\(CourtReport.format)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Court report: \(HTMLText.escape(c.name))</title>
            <style>\(ReportPage.css)</style>
            </head>
            <body>

            """
        bodyStart = out.utf8.count
        caseSection()
        examinerSection()
        methodSection()
        summarySection()
        cut()
        exhibitsSection()
        cut()
        smsSection()
        cut()
        readsWithoutICCIDSection()
        cut()
        verificationSection()
        bodyEnd = out.utf8.count
        out += "</body>\n</html>\n"
        return out
    }

    /// Marks the current end of the page as a place where a part document may end. `close` ends
    /// what is open there, and `reopen` opens it again at the start of the next part.
    private mutating func cut(close: String = "", reopen: String = "") {
        cuts.append(ReportCut(offset: out.utf8.count, close: close, reopen: reopen))
    }

    // MARK: Case, examiners, method

    private mutating func caseSection() {
        let c = content.caseRecord
        out += "<header>\n<h1>Chain of custody and SIM examination report</h1>\n"
        out += "<p class=\"lead\">\(HTMLText.escape(c.name)) — \(HTMLText.escape(c.agency))</p>\n</header>\n"
        out += "<h2 id=\"case\">Case and authority</h2>\n<table class=\"facts\">\n"
        let scope: String
        if let requested = content.requested {
            scope = "exhibits " + requested.map { "<b>\(HTMLText.escape($0))</b>" }.joined(separator: ", ")
                + " and everything inside them (\(content.selected.count) items)"
        } else {
            scope = "the whole case (\(content.selected.count) items)"
        }
        for (name, value) in [
            ("Case", HTMLText.escape(c.name)), ("Case id", "<code>\(HTMLText.escape(c.id))</code>"),
            ("Agency", HTMLText.escape(c.agency)), ("Authority", HTMLText.escape(c.authority)),
            ("Lab time zone", HTMLText.escape(c.timeZone)), ("Case opened", timeCell(LedgerTime(c.createdAt))),
            ("Station key", "<code>\(HTMLText.escape(c.stationKey))</code>"),
            ("Tool", "\(HTMLText.escape(tool.name)) \(HTMLText.escape(tool.version)), build <code>\(HTMLText.escape(tool.build))</code>"),
            ("Report generated", timeCell(LedgerTime(time))), ("This report covers", scope),
        ] {
            out += "<tr><th>\(name)</th><td>\(value)</td></tr>\n"
        }
        out += "</table>\n"
    }

    private mutating func examinerSection() {
        out += "<h2 id=\"examiners\">Examiners</h2>\n"
        out += "<table><thead><tr><th>Id</th><th>Name</th><th>Role</th><th>Added by entry</th></tr></thead><tbody>\n"
        for e in content.examiners {
            out += "<tr><td>\(HTMLText.escape(e.id))</td><td>\(HTMLText.escape(e.name))</td><td>\(HTMLText.escape(e.role))</td><td>#\(e.seq)</td></tr>\n"
        }
        out += "</tbody></table>\n"
    }

    private mutating func methodSection() {
        out += """
            <h2 id="method">Method</h2>
            <p><b>Reading the SIMs.</b> Each SIM was read on a USB smart-card reader through PC/SC. The tool sends only
            SELECT, STATUS, GET RESPONSE, READ BINARY, READ RECORD, and VERIFY / UNBLOCK without data (a query of the
            remaining tries, which uses none); it refuses every other command before it reaches the card, so no card
            was written to. No PIN was tried automatically: a PIN is presented only when the examiner supplies it for
            that card, once, and only while at least 2 tries remain. Every command and answer is kept in a transcript
            (command, response, status word, time), and every file's raw bytes are kept beside their decoded values.</p>
            <p><b>Hashes.</b> The <i>content</i> SHA-256 of a read covers the raw bytes of every file and the PIN states,
            not the times, so reading the same card again gives the same content hash. The <i>transcript</i> SHA-256
            covers the transcript; the <i>record</i> SHA-256 covers the stored acquisition record exactly as written.
            A <i>photo</i> SHA-256 covers the photograph file.</p>
            <p><b>The custody ledger.</b> Every change to the case is an entry of an append-only ledger: sequence number,
            UTC time, examiner, station key, action, the items concerned and the hashes of the data. Each entry holds the
            SHA-256 of the entry before it and is signed with Ed25519 by the station key, in the same database
            transaction as the change it records. A signed checkpoint (entry count and RFC 6962 Merkle root) fixes the
            whole ledger: an entry changed, removed, added or reordered no longer matches it, and an inclusion proof shows
            one exhibit's entries without the rest. Every hash and custody entry in this report is taken from the signed
            ledger entries; "#N" names entry N. Times are UTC as recorded, with the local time in
            \(HTMLText.escape(content.caseRecord.timeZone)).</p>
            <p><b>SIM states.</b> <i>Read</i>: a complete read. <i>PIN-locked</i>: the last complete read found the IMSI
            behind PIN1. <i>Unreadable</i>: only incomplete reads (card removed, mute or answering garbage; what was read
            is kept). <i>Not yet read</i>: registered, never read.</p>

            """
    }

    // MARK: Summary

    private mutating func summarySection() {
        out += "<h2 id=\"summary\">Summary</h2>\n<div class=\"cols\">\n"
        var types = [String: Int]()
        for item in content.ordered { types[item.type.rawValue, default: 0] += 1 }
        out += "<table class=\"count\"><thead><tr><th>Item type</th><th>Count</th></tr></thead><tbody>\n"
        for type in types.keys.sorted() { out += "<tr><td>\(HTMLText.escape(type))</td><td>\(types[type]!)</td></tr>\n" }
        out += "<tr class=\"total\"><td>all items</td><td>\(content.ordered.count)</td></tr>\n</tbody></table>\n"

        var states = [SIMStatus.State: Int]()
        var operators = [String: Int]()
        for s in content.sims.values {
            states[s.state, default: 0] += 1
            operators[s.operatorName, default: 0] += 1
        }
        out += "<table class=\"count\"><thead><tr><th>SIMs</th><th>Count</th></tr></thead><tbody>\n"
        for state in SIMStatus.State.allCases {
            out += "<tr><td>\(ReportPage.stateName(state))</td><td>\(states[state] ?? 0)</td></tr>\n"
        }
        out += "<tr class=\"total\"><td>all SIMs</td><td>\(content.sims.count)</td></tr>\n"
        if content.requested == nil, !content.readsWithoutICCID.isEmpty {
            out += "<tr><td>reads without an ICCID (<a href=\"#no-iccid\">listed below</a>)</td><td>\(content.readsWithoutICCID.count)</td></tr>\n"
        }
        out += "</tbody></table>\n"
        out += "<table class=\"count\"><thead><tr><th>Operator</th><th>SIMs</th></tr></thead><tbody>\n"
        for name in operators.keys.sorted() { out += "<tr><td>\(HTMLText.escape(name))</td><td>\(operators[name]!)</td></tr>\n" }
        out += "</tbody></table>\n</div>\n"
        out += "<p class=\"note\">A SIM's operator comes from the MCC/MNC of the IMSI read from it; for a SIM whose IMSI was not read, from the SIMs of this case with the same ICCID issuer prefix that were read (an inference, marked as such at each SIM), else from the ITU E.118 issuer of that prefix.</p>\n"
    }

    static func stateName(_ state: SIMStatus.State) -> String {
        switch state {
        case .read: "read"
        case .pinLocked: "PIN-locked"
        case .unreadable: "unreadable (incomplete reads only)"
        case .notRead: "not yet read"
        }
    }

    // MARK: Exhibits

    private mutating func exhibitsSection() {
        out += "<h2 id=\"exhibits\" class=\"part\">Exhibits</h2>\n"
        out += "<p class=\"note\">Each container is a section with its identifiers, hashes and full custody chain. The SIMs "
            + "inside it (through its ports and slots) are listed in its table, one SIM per row, with every ledger entry "
            + "about that SIM; an entry that created many items at once (a catalog import, a SIM box with its slots) is named by its number.</p>\n"
        if content.ordered.isEmpty { out += "<p>The case holds no items.</p>\n" }
        for (index, item) in content.ordered.filter({ !content.isRow($0) }).enumerated() {
            if index > 0 { cut() }
            exhibit(item)
        }
    }

    private mutating func exhibit(_ item: ItemRecord) {
        let hashes = content.hashes(of: item.label)
        out += "<section class=\"exhibit\"\(ReportPage.exhibitAttributes(item.label, hashes))>\n"
        out += "<h3>\(HTMLText.escape(item.label)) <span class=\"type\">\(HTMLText.escape(item.type.rawValue))</span></h3>\n<table class=\"facts\">\n"
        let chain = ReportContent.ancestors(of: item, in: content.itemsByLabel).reversed().map { HTMLText.escape($0.label) }
        out += "<tr><th>Inside</th><td>\(chain.isEmpty ? "—" : chain.joined(separator: " ▸ "))</td></tr>\n"
        fieldsRow("Identifiers", ReportContent.fields(item.identifiers))
        fieldsRow("Description", ReportContent.fields(item.attributes))
        if let sim = content.sims[item.label] { out += "<tr><th>SIM</th><td>\(simLine(sim))</td></tr>\n" }
        if !hashes.isEmpty {
            out += "<tr><th>SHA-256</th><td>" + hashes.map { "<code>\($0)</code>" }.joined(separator: "<br>") + "</td></tr>\n"
        }
        out += "</table>\n"
        custodyTable(item)
        rowsTable(item)
        out += "</section>\n"
    }

    private mutating func fieldsRow(_ name: String, _ fields: [(key: String, value: String)]) {
        guard !fields.isEmpty else { return }
        out += "<tr><th>\(name)</th><td>"
        out += fields.map { "\(HTMLText.escape($0.key)) <b>\(HTMLText.text($0.value))</b>" }.joined(separator: " · ")
        out += "</td></tr>\n"
    }

    private func simLine(_ s: SIMStatus) -> String {
        let source = s.operatorSource == "MCC/MNC" || s.operatorSource == "none" ? "" : " (\(HTMLText.escape(s.operatorSource)))"
        var parts = ["state <b>\(ReportPage.stateName(s.state))</b>", "operator \(HTMLText.escape(s.operatorName))\(source)"]
        if let iccid = s.iccid { parts.append("ICCID \(HTMLText.escape(iccid))") }
        if let imsi = s.imsi { parts.append("IMSI \(HTMLText.escape(imsi))") }
        if !s.msisdn.isEmpty { parts.append("own numbers \(HTMLText.escape(s.msisdn.joined(separator: ", ")))") }
        return parts.joined(separator: " · ")
    }

    /// The full custody chain of a section. Entries that place another listed item into this
    /// one are shown with that item; the table says how many.
    private mutating func custodyTable(_ item: ItemRecord) {
        var shown = [SignedEntry]()
        var elsewhere = 0
        for e in content.chains[item.label] ?? [] {
            if let first = e.entry.subjects.first, first != item.label, content.selected.contains(first),
               e.entry.sequence != item.seq {
                elsewhere += 1
            } else {
                shown.append(e)
            }
        }
        out += "<table class=\"chain\"><thead><tr><th>Entry</th><th>Time</th><th>Examiner</th><th>Action</th><th>Details</th></tr></thead><tbody>\n"
        for e in shown {
            let who = examinerNames[e.entry.examiner].map { " (\(HTMLText.escape($0)))" } ?? ""
            out += "<tr><td>#\(e.entry.sequence)</td><td>\(timeCell(e.entry.time))</td><td>\(HTMLText.escape(e.entry.examiner))\(who)</td>"
            out += "<td>\(HTMLText.escape(e.entry.action.rawValue))</td><td>\(details(e, about: item.label))</td></tr>\n"
        }
        if elsewhere > 0 {
            let label = HTMLText.escape(item.label)
            let note = elsewhere == 1 ? "1 entry that places an item into \(label) is listed with that item below."
                : "\(elsewhere) entries that place items into \(label) are listed with those items below."
            out += "<tr><td colspan=\"5\" class=\"note\">\(note)</td></tr>\n"
        }
        out += "</tbody></table>\n"
    }

    private func timeCell(_ time: LedgerTime?) -> String {
        guard let time else { return "—" }
        return "\(time.description)<br><span class=\"local\">\(localTime.string(from: time.date))</span>"
    }

    /// An entry's payload as text; acquisitions and photographs show their hashes.
    private func details(_ e: SignedEntry, about label: String) -> String {
        let p = e.entry.payload
        let payload = p.keys.sorted().map { "\(HTMLText.escape($0)): \(HTMLText.text(ReportContent.plain(p[$0]!)))" }.joined(separator: "; ")
        if e.entry.subjects.first != label, e.entry.sequence != content.itemsByLabel[label]?.seq {
            return "concerns " + e.entry.subjects.map(HTMLText.escape).joined(separator: ", ") + (payload.isEmpty ? "" : "; " + payload)
        }
        switch e.entry.action {
        case .simAcquire, .simReread: return acquisitionText(p)
        case .custodyPhotograph:
            return "photo \(HTMLText.text(p["originalName"].map(ReportContent.plain) ?? "")) (\(p["bytes"].map(ReportContent.plain) ?? "?") bytes)"
                + "<br>SHA-256 <code>\(HTMLText.escape(p["sha256"]?.stringValue ?? ""))</code>"
        default:
            return payload
        }
    }

    private func acquisitionText(_ p: [String: CanonicalJSON]) -> String {
        var line = [String]()
        line.append(p["scope"]?.stringValue == "full" ? "full read" : "identity read")
        if p["complete"] == .bool(false) {
            line.append("<b>incomplete</b>" + (p["incompleteReason"]?.stringValue.map { ": " + HTMLText.text($0) } ?? ""))
        } else {
            line.append("complete")
        }
        if let n = p["apduCount"]?.integerValue { line.append("\(n) APDUs") }
        if let reader = p["reader"]?.stringValue { line.append("reader " + HTMLText.text(reader)) }
        if let first = p["comparedWith"]?.integerValue {
            line.append(p["sameContent"] == .bool(true) ? "same content as #\(first)" : "<b>content differs from #\(first)</b>")
        }
        var text = line.joined(separator: ", ") + "<br>"
        for (key, name) in [("contentSHA256", "content"), ("recordSHA256", "record"), ("transcriptSHA256", "transcript")] {
            if let h = p[key]?.stringValue { text += "<span class=\"h\"><span class=\"hk\">\(name)</span> <code>\(HTMLText.escape(h))</code></span> " }
        }
        return text
    }

    // MARK: Rows: SIMs, ports and slots of a container

    private mutating func rowsTable(_ section: ItemRecord) {
        let rows = (content.children[section.label] ?? []).filter { content.selected.contains($0.label) && content.isRow($0) }
        guard !rows.isEmpty else { return }
        let sims = countSIMs(rows)
        let caption = "\(sims) SIM\(sims == 1 ? "" : "s") in \(HTMLText.escape(section.label))"
        let head = "<thead><tr><th>Position</th><th>Exhibit</th><th>ICCID</th><th>IMSI</th><th>Operator</th><th>State</th></tr></thead>\n"
        out += "<table class=\"sims\"><caption>\(caption)</caption>\n" + head
        if section.type == .device(.port) { emptySlots(of: section, in: section) }
        // A lot of thousands of SIMs may be cut between its rows; the next part repeats the table's head.
        let reopen = "<section class=\"exhibit\">\n<table class=\"sims\"><caption>\(caption) (continued)</caption>\n" + head
        for (index, row) in rows.filter({ !isEmptySlot($0) }).enumerated() {
            if index > 0 { cut(close: "</table>\n</section>\n", reopen: reopen) }
            self.row(row, in: section, position: nil)
        }
        out += "</table>\n"
    }

    private func countSIMs(_ items: [ItemRecord]) -> Int {
        items.reduce(0) { total, item in
            let inside = (content.children[item.label] ?? []).filter { content.selected.contains($0.label) && content.isRow($0) }
            return total + (item.type == .device(.sim) ? 1 : 0) + countSIMs(inside)
        }
    }

    /// `position`: the slot holding this SIM (its marker is printed in the first SIM's row).
    private mutating func row(_ item: ItemRecord, in section: ItemRecord, position: String?) {
        let inside = (content.children[item.label] ?? []).filter { content.selected.contains($0.label) && content.isRow($0) }
        switch item.type {
        case .device(.port):
            out += "<tbody class=\"port\"><tr\(ReportPage.exhibitAttributes(item.label, content.hashes(of: item.label)))><td colspan=\"6\">"
            out += "<b>\(HTMLText.escape(relative(item.label, to: section)))</b>"
            for (key, value) in ReportContent.fields(item.identifiers) { out += " · \(HTMLText.escape(key)) \(HTMLText.text(value))" }
            if let note = ReportContent.fields(item.attributes).first(where: { $0.key == "moduleIMEINote" }) {
                out += " (\(HTMLText.text(note.value)))"
            }
            out += ownEntries(item)
            out += "</td></tr></tbody>\n"
            emptySlots(of: item, in: section)
            for child in inside where !isEmptySlot(child) { row(child, in: section, position: nil) }
        case .device(.slot):
            let marker = "<span\(ReportPage.exhibitAttributes(item.label, content.hashes(of: item.label)))>\(HTMLText.escape(relative(item.label, to: section)))</span>"
                + ownEntries(item)
            if inside.isEmpty {
                // Holds only items shown as their own sections.
                let held = (content.children[item.label] ?? []).map { HTMLText.escape($0.label) }.joined(separator: ", ")
                out += "<tbody class=\"empty\"><tr><td colspan=\"6\">\(marker) holds \(held)</td></tr></tbody>\n"
            }
            for (index, child) in inside.enumerated() { row(child, in: section, position: index == 0 ? marker : "″") }
        default:
            simRow(item, position: position ?? "")
            for child in inside { row(child, in: section, position: nil) }
        }
    }

    private func isEmptySlot(_ item: ItemRecord) -> Bool {
        item.type == .device(.slot) && (content.children[item.label] ?? []).isEmpty
    }

    /// A port's empty slots, on one line.
    private mutating func emptySlots(of port: ItemRecord, in section: ItemRecord) {
        let empty = (content.children[port.label] ?? []).filter { content.selected.contains($0.label) && isEmptySlot($0) }
        guard !empty.isEmpty else { return }
        out += "<tbody class=\"empty\"><tr><td colspan=\"6\">empty: "
        out += empty.map { "<span\(ReportPage.exhibitAttributes($0.label, content.hashes(of: $0.label)))>\(HTMLText.escape(relative($0.label, to: section)))</span>\(ownEntries($0))" }
            .joined(separator: " ")
        out += "</td></tr></tbody>\n"
    }

    /// Entries naming a port or slot itself first (not its creation with the box, not SIMs placed in it).
    private func ownEntries(_ item: ItemRecord) -> String {
        let own = (content.chains[item.label] ?? []).filter { $0.entry.subjects.first == item.label }
        guard !own.isEmpty else { return "" }
        return " (" + own.map { "#\($0.entry.sequence) \(HTMLText.escape($0.entry.action.rawValue))" }.joined(separator: ", ") + ")"
    }

    private mutating func simRow(_ item: ItemRecord, position: String) {
        let s = content.sims[item.label]
        let ids = Dictionary(ReportContent.fields(item.identifiers).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        let iccid = s?.iccid ?? ids["ICCID"], imsi = s?.imsi ?? ids["IMSI"]
        out += "<tbody class=\"sim\"><tr\(ReportPage.exhibitAttributes(item.label, content.hashes(of: item.label)))>"
        out += "<td>\(position)</td><td><b>\(HTMLText.escape(item.label))</b>\(item.type == .device(.sim) ? "" : " (\(HTMLText.escape(item.type.rawValue)))")</td>"
        out += "<td>\(iccid.map(HTMLText.escape) ?? "")</td><td>\(imsi.map(HTMLText.escape) ?? "")</td>"
        out += "<td>\(s.map { HTMLText.escape($0.operatorName) } ?? "")</td><td>\(s.map { ReportPage.stateName($0.state) } ?? "")</td></tr>\n"
        // The entry that registered this SIM with many others (a catalog import, a box) goes in
        // the row's first cell; the others, each on its own line, beside it.
        let group = (content.chains[item.label] ?? []).first { $0.entry.sequence == item.seq && $0.entry.subjects.first != item.label }
        out += "<tr class=\"entries\"><td>\(group.map { "registered #\($0.entry.sequence)" } ?? "")</td><td colspan=\"5\">"
        var lines = [String]()
        let extra = ReportContent.fields(item.identifiers).filter { $0.key != "ICCID" && $0.key != "IMSI" }
            + ReportContent.fields(item.attributes)
        if !extra.isEmpty { lines.append(extra.map { "\(HTMLText.escape($0.key)) \(HTMLText.text($0.value))" }.joined(separator: " · ")) }
        if let numbers = s?.msisdn, !numbers.isEmpty { lines.append("own numbers " + HTMLText.escape(numbers.joined(separator: ", "))) }
        for e in content.chains[item.label] ?? [] where e.entry.sequence != group?.entry.sequence {
            var line = "#\(e.entry.sequence) \(e.entry.time) \(HTMLText.escape(e.entry.examiner)) \(HTMLText.escape(e.entry.action.rawValue))"
            if e.entry.subjects.first == item.label { line += ": " + details(e, about: item.label) }
            lines.append(line)
        }
        out += lines.joined(separator: "<br>")
        out += "</td></tr></tbody>\n"
    }

    private func relative(_ label: String, to section: ItemRecord) -> String {
        label.hasPrefix(section.label + "/") ? String(label.dropFirst(section.label.count + 1)) : label
    }

    static func exhibitAttributes(_ label: String, _ hashes: [String]) -> String {
        var a = " data-exhibit=\"\(HTMLText.escape(label))\""
        if !hashes.isEmpty { a += " data-sha256=\"\(HTMLText.escape(hashes.joined(separator: " ")))\"" }
        return a
    }

    // MARK: SMS

    private mutating func smsSection() {
        out += "<h2 id=\"sms\" class=\"part\">SMS found on the SIMs</h2>\n"
        let reads = content.ordered.compactMap { item in content.smsReads[item.label].map { (item, $0) } }
        let used = reads.reduce(0) { $0 + ($1.1.summary?.smsUsed ?? 0) }
        let residue = reads.reduce(0) { $0 + ($1.1.summary?.smsDeletedResidue ?? 0) }
        out += "<p>\(reads.count) SIM\(reads.count == 1 ? " was" : "s were") read in full: \(used) SMS records in use and \(residue) "
            + "deleted message\(residue == 1 ? "" : "s") still in free records (<span class=\"flag\">deleted</span>: deleted on the handset, not erased). "
            + "The texts are shown exactly as decoded, spam included: they are evidence. Each SIM's latest complete full read is shown. "
            + "Invisible control characters are shown as <span class=\"ctl\">U+XXXX</span>.</p>\n"
        for (index, (item, read)) in reads.enumerated() {
            if index > 0 { cut() }
            out += "<section class=\"sms\">\n<h3>\(HTMLText.escape(item.label))</h3>\n"
            out += "<p class=\"note\">full read #\(read.seq)\(read.complete ? "" : " (incomplete)"), record SHA-256 <code>\(HTMLText.escape(read.recordSHA256))</code></p>\n"
            guard let summary = read.summary else {
                out += "<p>The stored record of this read does not decode; its bytes are covered by the record hash above.</p>\n</section>\n"
                continue
            }
            if summary.messages.isEmpty {
                out += "<p>No message in EF.SMS (\(summary.smsRecords) records).</p>\n</section>\n"
                continue
            }
            out += "<table class=\"messages\"><thead><tr><th>Record</th><th>Status</th><th>From / to</th><th>Time</th><th>Text</th></tr></thead><tbody>\n"
            for m in summary.messages {
                out += "<tr\(m.deletedResidue ? " class=\"residue\"" : "")><td>\(m.record)</td><td>\(HTMLText.escape(m.status.rawValue))"
                if m.deletedResidue { out += "<br><span class=\"flag\">deleted</span>" }
                out += "<br>\(HTMLText.escape(m.direction))"
                if let encoding = m.encoding { out += "<br>\(HTMLText.escape(encoding.rawValue))" }
                out += "</td><td>\(HTMLText.text(m.party ?? ""))</td><td>\(HTMLText.escape(m.time ?? ""))</td><td class=\"text\">"
                out += HTMLText.text(m.text ?? "")
                if let part = m.part { out += "<br><span class=\"note\">\(HTMLText.escape(part))</span>" }
                if let error = m.decodeError { out += "<br><span class=\"note\">does not decode: \(HTMLText.text(error))</span>" }
                out += "</td></tr>\n"
            }
            out += "</tbody></table>\n"
            if !summary.concatenatedMessages.isEmpty {
                out += "<table class=\"messages\"><thead><tr><th>Reference</th><th>Records</th><th>From / to</th><th>Reassembled text</th></tr></thead><tbody>\n"
                for m in summary.concatenatedMessages {
                    let parts = m.parts.map { "\($0.recordNumber)\($0.isDeletedResidue ? " (deleted)" : "")" }.joined(separator: ", ")
                    let missing = m.missingSequences.isEmpty ? "" : "<br><span class=\"note\">parts missing: \(m.missingSequences.map(String.init).joined(separator: ", "))</span>"
                    out += "<tr><td>\(m.reference) (\(m.total) parts)</td><td>\(parts)</td><td>\(HTMLText.text(m.originatorOrDestination))</td>"
                    out += "<td class=\"text\">\(HTMLText.text(m.text))\(missing)</td></tr>\n"
                }
                out += "</tbody></table>\n"
            }
            out += "</section>\n"
        }
    }

    private mutating func readsWithoutICCIDSection() {
        guard !content.readsWithoutICCID.isEmpty else { return }
        out += "<h2 id=\"no-iccid\">Reads without an ICCID</h2>\n<p>These reads stopped before the ICCID was read, so they name no exhibit. They are kept as recorded.</p>\n"
        out += "<table class=\"chain\"><thead><tr><th>Entry</th><th>Time</th><th>Examiner</th><th>Read</th></tr></thead><tbody>\n"
        for e in content.readsWithoutICCID {
            out += "<tr><td>#\(e.entry.sequence)</td><td>\(timeCell(e.entry.time))</td><td>\(HTMLText.escape(e.entry.examiner))</td>"
            out += "<td>ATR \(HTMLText.escape(e.entry.payload["atr"]?.stringValue ?? "")), \(acquisitionText(e.entry.payload))</td></tr>\n"
        }
        out += "</tbody></table>\n"
    }

    // MARK: Verification

    private mutating func verificationSection() {
        let v = verification
        out += """
            <h2 id="verify" class="part">How to verify this bundle</h2>
            <p>The bundle verifies offline, with nothing but its own files. In the bundle's folder:</p>
            <ol>
            <li><code>sha256sum -c MANIFEST.sha256</code> checks that no file of the bundle was changed or removed
            (a file not listed in the manifest was added afterwards).</li>
            <li><code>custody verify BUNDLE</code> checks the manifest, every entry's hash, link and signature, the
            checkpoint against the ledger, every inclusion proof, and that the CSV files, the CASE/UCO graph and this
            report show the same exhibits and hashes as the ledger.</li>
            <li>Without Custody: the short independent script in <code>docs/VERIFYING.md</code> (written from the ledger
            format in <code>docs/LEDGER.md</code>) recomputes every entry hash, the chain and the Merkle root, and checks
            the signatures with the station key.</li>
            </ol>
            <p>Compare the station key and the Merkle root below with the copies kept outside the bundle (the key
            printed when the case was opened, checkpoints handed over earlier): the same root for the same entry count
            means the same ledger. This report describes the ledger as it stood before the export; the export's own
            entry (the next one) seals this report by its hash, and the bundle's signed checkpoint covers that entry.</p>
            <table class="facts">
            <tr><th>Ledger entries</th><td>\(v.ledgerEntries)</td></tr>
            <tr><th>Merkle root</th><td>of the first \(v.ledgerSize) entries: <code>\(HTMLText.escape(v.ledgerRoot))</code></td></tr>

            """
        for key in v.stationKeys {
            let id = (try? VerifierKey(parsing: key)).map { "key id <b>\($0.keyID.hex)</b>: " } ?? ""
            out += "<tr><th>Station key</th><td>\(id)<code>\(HTMLText.escape(key))</code></td></tr>\n"
        }
        out += "</table>\n"
    }

    // MARK: Style

    /// A4 print layout: section headings keep with what follows, table rows and each SIM's
    /// pair of rows stay on one page, table heads repeat on every page.
    static let css = """

        @page { size: A4; margin: 14mm 12mm 15mm 12mm; }
        html { font-family: "DejaVu Sans", "Noto Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt; line-height: 1.3; color: #000; background: #fff; }
        body { max-width: 64rem; margin: 1rem auto; padding: 0 1rem; }
        h1 { font-size: 17pt; margin: 0 0 .2em; }
        h2 { font-size: 13pt; margin: 1.4em 0 .4em; border-bottom: 1.2pt solid #000; break-after: avoid; }
        h3 { font-size: 10.5pt; margin: 1em 0 .3em; break-after: avoid; }
        .lead { font-size: 12pt; margin: 0 0 1em; }
        .type { font-weight: normal; color: #444; font-size: 9pt; border: .5pt solid #888; padding: 0 .3em; }
        table { border-collapse: collapse; width: 100%; margin: .3em 0 .6em; }
        caption { text-align: left; font-weight: bold; padding: .2em 0; }
        th, td { border: .5pt solid #999; padding: 1.5pt 3pt; vertical-align: top; text-align: left; overflow-wrap: break-word; }
        table.chain td:nth-child(-n+2), table.chain th:nth-child(-n+2), table.messages td:nth-child(-n+4), table.messages th:nth-child(-n+4) { white-space: nowrap; }
        thead th { background: #e8e8e8; }
        thead { display: table-header-group; }
        table.facts th { width: 9.5em; background: #f2f2f2; font-weight: normal; }
        table.count { width: auto; min-width: 14em; }
        .cols { display: flex; flex-wrap: wrap; gap: 0 1.5em; align-items: flex-start; }
        tr.total td { font-weight: bold; }
        tr, tbody.sim, tbody.port { break-inside: avoid; }
        code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 7.5pt; overflow-wrap: anywhere; }
        .local, .note, .hk { color: #444; font-size: 8pt; }
        .h { display: inline-block; margin-right: 1.2em; white-space: nowrap; }
        .hk { display: inline-block; min-width: 4.8em; }
        section.exhibit { margin-top: 1.2em; border-top: 1pt solid #000; }
        table.sims td { font-size: 8.5pt; }
        tbody.port td { background: #eee; }
        tbody.empty td { color: #444; font-size: 8pt; }
        tr.entries td { border-top: none; font-size: 7.5pt; color: #222; }
        tbody.sim tr:first-child td { border-bottom: none; }
        td.text { white-space: pre-wrap; }
        tr.residue td { background: #fff1f1; }
        .flag { font-weight: bold; color: #900; }
        .ctl { font-family: "DejaVu Sans Mono", monospace; font-size: 7pt; border: .5pt solid #900; color: #900; padding: 0 1pt; }
        h2.part { break-before: page; }
        @media print { body { max-width: none; margin: 0; padding: 0; } a { color: inherit; text-decoration: none; } }

        """
}

/// HTML escaping. `escape` for attribute values and trusted-shape text (labels, hashes);
/// `text` for free text from cards and examiners, which also makes invisible characters
/// visible so that nothing in a message can hide or reorder what the reader sees.
enum HTMLText {
    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static func text(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isInvisible) else { return escape(s) }
        var out = ""
        for ch in s.unicodeScalars {
            if isInvisible(ch) {
                out += "<span class=\"ctl\">U+\(String(ch.value, radix: 16, uppercase: true).leftPadded(to: 4))</span>"
            } else {
                out += escape(String(ch))
            }
        }
        return out
    }

    /// C0 and C1 controls other than tab and line feed, DEL, and the bidirectional formatting
    /// characters (U+200E/F, U+202A–202E, U+2066–2069).
    static func isInvisible(_ ch: Unicode.Scalar) -> Bool {
        switch ch.value {
        case 0x09, 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
