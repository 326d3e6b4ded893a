import CaseStore
import Foundation
import Ledger
import SIMCard

// The bundle's message tables (docs/VERIFYING.md, "messages.csv, campaigns.csv,
// indicators.csv"): UTF-8 with BOM, RFC 4180, CRLF, formula-guarded cells like every bundle CSV;
// lists inside a cell are separated by line feeds (labels may hold spaces).

/// `messages.csv`: one row per exported message, in `id` order.
public enum MessageTable {
    public static let header = ["id", "item", "source", "entry", "row", "guid", "time", "originalTime", "direction", "counterpart",
                                "ownAddress", "text", "status", "service", "port", "subID"]

    static func row(_ m: MessageRecord) -> [String] {
        [String(m.id), m.item, m.source.rawValue, String(m.entry), m.sourceRow, m.sourceGUID ?? "", m.time ?? "", m.originalTime ?? "",
         m.direction.rawValue, m.counterpart ?? "", m.ownAddress ?? "", m.text, m.status ?? "", m.service, m.port.map(String.init) ?? "",
         m.subID.map(String.init) ?? ""]
    }

    /// Streams the selected messages from the store: nothing is held but one page of rows.
    static func write(_ store: CaseStore, _ selection: MessageSelection, to file: BundleFileStream) throws {
        try file.write("\u{FEFF}" + CSVText.record(header))
        var failure: (any Error)?
        try store.forEachMessage { m in
            guard failure == nil, selection.includes(m) else { return }
            do { try file.write(CSVText.record(row(m))) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

/// `campaigns.csv`: one row per campaign, as `custody campaigns --json` gives it.
public enum CampaignTable {
    public static let header = ["number", "size", "category", "categoryWords", "firstTime", "lastTime", "representative",
                                "representativeText", "template", "senders", "sims", "ports", "boxes", "phones", "members"]

    public static func csv(_ campaigns: [MessageAnalysis.CampaignOutput]) -> String {
        var out = "\u{FEFF}" + CSVText.record(header)
        for c in campaigns {
            out += CSVText.record([String(c.number), String(c.size), c.category, lines(c.categoryWords), c.firstTime ?? "", c.lastTime ?? "",
                                   c.representative.text, c.representativeText, c.template, lines(c.senders), lines(c.sims),
                                   lines(c.ports), lines(c.boxes), lines(c.phones), lines(c.members.map(\.text))])
        }
        return out
    }

    static func lines(_ values: [String]) -> String { values.joined(separator: "\n") }
}

/// `indicators.csv` (and `custody indicators --csv`): one row per indicator.
public enum IndicatorTable {
    public static let header = ["kind", "value", "bank", "shortener", "count", "campaigns", "messages"]

    public static func csv(_ indicators: [MessageAnalysis.IndicatorOutput]) -> String {
        var out = "\u{FEFF}" + CSVText.record(header)
        for i in indicators {
            out += CSVText.record([i.kind, i.value, i.bank ?? "", i.shortener ? "true" : "false", String(i.count),
                                   CampaignTable.lines(i.campaigns.map(String.init)), CampaignTable.lines(i.messages.map(\.text))])
        }
        return out
    }
}

extension FileProducer {
    /// `messages.csv`, `campaigns.csv` and `indicators.csv` of the exported items' messages
    /// brought in before the snapshot; no file when the export holds no message.
    public static let messages = FileProducer(name: "messages") { ctx, bundle in
        let selection = MessageSelection(items: ctx.plan.isSubset ? Set(ctx.plan.itemLabels) : nil, below: Int64(ctx.plan.size))
        let analysis = try MessageAnalysis(store: ctx.store, selection: selection)
        guard analysis.messageCount > 0 else { return }
        try bundle.stream(BundleLayout.messages) { file in try MessageTable.write(ctx.store, selection, to: file) }
        try bundle.write(BundleLayout.campaigns, Data(CampaignTable.csv(analysis.campaignsOutput.campaigns).utf8))
        try bundle.write(BundleLayout.indicators, Data(IndicatorTable.csv(analysis.indicatorsOutput.indicators).utf8))
    }
}

extension FileChecker {
    /// messages.csv, campaigns.csv and indicators.csv, all three or none (none only when the
    /// ledger imported no messages). Every message row points at an exported entry that brought
    /// it in: a `messages.import` of the same item and format, or a SIM read of the same item;
    /// each exported import has exactly its `rows`; ids ascend. Every member of a campaign and
    /// every message of an indicator is a row of messages.csv, and an indicator's campaigns are
    /// rows of campaigns.csv.
    public static let messages = FileChecker(name: "messages", owns: { [BundleLayout.messages, BundleLayout.campaigns, BundleLayout.indicators].contains($0) }) {
        ctx throws(BundleProblem) in
        let imports = Dictionary(ctx.exported.filter { $0.action == .messagesImport }.map { ($0.sequence, $0) }, uniquingKeysWith: { a, _ in a })
        let present = [BundleLayout.messages, BundleLayout.campaigns, BundleLayout.indicators].filter { ctx.files[$0] != nil }
        if present.isEmpty, imports.isEmpty { return 0 }
        let file = BundleLayout.messages
        let rows = try csvRecords(ctx, file, header: MessageTable.header).dropFirst()
        let reads = Dictionary(ctx.exported.filter { [.simAcquire, .simReread].contains($0.action) }.map { ($0.sequence, $0) },
                               uniquingKeysWith: { a, _ in a })
        var pointers = Set<String>(), perImport = [Int64: Int64](), lastID = Int64.min
        for r in rows {
            func fail(_ why: String) -> BundleProblem { BundleProblem(file, line: r.line, why) }
            let f = r.fields.map(CSVText.value(ofCell:))
            guard let id = Int64(f[0]), id > lastID else { throw fail("id \(f[0]) does not follow \(lastID)") }
            lastID = id
            guard let seq = Int64(f[3]) else { throw fail("entry \(f[3]) is not a number") }
            if let e = imports[seq] {
                guard e.subjects == [f[1]], e.payload["format"]?.stringValue == f[2] else {
                    throw fail("message of \(f[1]) (\(f[2])) but entry \(seq) imported \(e.payload["format"]?.stringValue ?? "?") into \(e.subjects.joined(separator: ", "))")
                }
                perImport[seq, default: 0] += 1
            } else if let e = reads[seq] {
                guard f[2] == MessageSource.sim.rawValue, e.subjects == [f[1]] else { throw fail("entry \(seq) is a read of \(e.subjects.joined(separator: ", ")), not of this \(f[2]) message of \(f[1])") }
            } else {
                throw fail("entry \(seq) is no messages.import or SIM read of ledger.jsonl")
            }
            guard pointers.insert("\(f[1])/\(f[2])/\(f[3])/\(f[4])").inserted else { throw fail("message \(f[1])/\(f[2])/\(f[3])/\(f[4]) is listed twice") }
        }
        for (seq, e) in imports.sorted(by: { $0.key < $1.key }) where perImport[seq, default: 0] != e.payload["rows"]?.integerValue {
            throw BundleProblem(file, "holds \(perImport[seq, default: 0]) messages of entry \(seq), which imported \(e.payload["rows"]?.integerValue ?? 0)")
        }
        func checkPointers(_ cell: String, _ file: String, line: Int) throws(BundleProblem) {
            for p in CSVText.value(ofCell: cell).split(separator: "\n") where !pointers.contains(String(p)) {
                throw BundleProblem(file, line: line, "names message \(p), which is not a row of messages.csv")
            }
        }
        var numbers = Set<String>()
        for r in try csvRecords(ctx, BundleLayout.campaigns, header: CampaignTable.header).dropFirst() {
            let members = CSVText.value(ofCell: r.fields[14]).split(separator: "\n")
            try checkPointers(r.fields[14], BundleLayout.campaigns, line: r.line)
            try checkPointers(r.fields[6], BundleLayout.campaigns, line: r.line)
            guard String(members.count) == r.fields[1] else {
                throw BundleProblem(BundleLayout.campaigns, line: r.line, "size \(r.fields[1]) but \(members.count) members")
            }
            numbers.insert(r.fields[0])
        }
        for r in try csvRecords(ctx, BundleLayout.indicators, header: IndicatorTable.header).dropFirst() {
            try checkPointers(r.fields[6], BundleLayout.indicators, line: r.line)
            for n in r.fields[5].split(separator: "\n") where !numbers.contains(String(n)) {
                throw BundleProblem(BundleLayout.indicators, line: r.line, "names campaign \(n), which is not a row of campaigns.csv")
            }
        }
        return rows.count
    }
}
