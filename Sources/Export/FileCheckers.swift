import ByteText
import CaseStore
import Crypto
import Foundation
import Ledger
import SIMCard

extension FileChecker {
    /// keys/: exactly the station keys the ledger binds, one file each, in verifier-key form.
    public static let keys = FileChecker(name: "keys", owns: { $0.hasPrefix(BundleLayout.keys + "/") }) { ctx throws(BundleProblem) in
        let bound = ctx.boundKeys
        let expected = Set(bound.map(BundleLayout.keyPath))
        for path in ctx.files.keys.sorted() where path.hasPrefix(BundleLayout.keys + "/") && !expected.contains(path) {
            throw BundleProblem(path, "is not a station key the ledger binds")
        }
        for key in bound {
            let path = BundleLayout.keyPath(key)
            guard ctx.files[path] != nil else { throw BundleProblem(path, "is missing: the ledger binds station key \(key)") }
            guard try ctx.data(path) == Data((key.description + "\n").utf8) else {
                throw BundleProblem(path, "is not the key the ledger binds (\(key))")
            }
        }
        return bound.count
    }

    /// examiners.json: the roster the ledger builds (entry 0's examiners, then each examiner.add).
    public static let examiners = FileChecker(name: "examiners", owns: { $0 == BundleLayout.examiners }) { ctx throws(BundleProblem) in
        let file = BundleLayout.examiners
        guard ctx.files[file] != nil else { throw BundleProblem(file, "is missing") }
        let document: RosterDocument
        do { document = try JSONDecoder().decode(RosterDocument.self, from: try ctx.data(file)) } catch {
            throw BundleProblem(file, "is not a custody.examiners/1 document (\(error))")
        }
        var expected = [RosterDocument.Examiner]()
        for e in ctx.exported {
            func examiner(_ o: CanonicalJSON?) -> RosterDocument.Examiner {
                .init(id: o?["id"]?.stringValue ?? "", name: o?["name"]?.stringValue ?? "", role: o?["role"]?.stringValue ?? "", addedBy: e.sequence)
            }
            if e.action == .caseInit { expected += (e.payload["examiners"]?.arrayValue ?? []).map(examiner) }
            if e.action == .examinerAdd { expected.append(examiner(.object(e.payload))) }
        }
        guard document.schema == "custody.examiners/1" else { throw BundleProblem(file, "schema is \(document.schema), not custody.examiners/1") }
        for (i, x) in document.examiners.enumerated() where i >= expected.count || expected[i] != x {
            throw BundleProblem(file, "examiner \(i + 1) (\(x.id)) differs from the roster in the ledger (\(i < expected.count ? "\(expected[i].id), \(expected[i].name), \(expected[i].role), entry \(expected[i].addedBy)" : "none"))")
        }
        guard document.examiners.count == expected.count else {
            throw BundleProblem(file, "lists \(document.examiners.count) examiners, the ledger \(expected.count)")
        }
        return expected.count
    }

    /// acquisitions/: one record per sim.acquire/sim.reread entry, hashing to its recordSHA256
    /// (or, redacted, naming it as originalRecordSHA256).
    public static let acquisitions = FileChecker(name: "acquisitions", owns: { $0.hasPrefix(BundleLayout.acquisitions + "/") }) { ctx throws(BundleProblem) in
        let redacted = ctx.redacted.contains(Redaction.pins)
        let reads = ctx.exported.filter { [.simAcquire, .simReread].contains($0.action) }
        let expected = Set(reads.map { BundleLayout.acquisitionPath($0.sequence, redacted: redacted) })
        for path in ctx.files.keys.sorted() where path.hasPrefix(BundleLayout.acquisitions + "/") && !expected.contains(path) {
            throw BundleProblem(path, "is not the record of a sim.acquire or sim.reread entry in ledger.jsonl\(redacted ? " (this export redacted PINs: records are <seq>.redacted.json)" : "")")
        }
        for e in reads {
            let path = BundleLayout.acquisitionPath(e.sequence, redacted: redacted)
            guard let sha = ctx.files[path] else { throw BundleProblem(path, "is missing: entry \(e.sequence) (\(e.action)) recorded a read") }
            let p = e.payload
            if !redacted {
                guard sha == p["recordSHA256"]?.stringValue else {
                    throw BundleProblem(path, "SHA-256 is \(sha) but entry \(e.sequence) recorded \(p["recordSHA256"]?.stringValue ?? "none")")
                }
                continue
            }
            let object = (try? JSONSerialization.jsonObject(with: try ctx.data(path))) as? [String: Any]
            guard let object, let mark = object["redaction"] as? [String: Any] else { throw BundleProblem(path, "is not a redacted acquisition record") }
            for (field, value) in [("originalRecordSHA256", mark["originalRecordSHA256"]), ("contentSHA256", object["contentSHA256"]),
                                   ("transcriptSHA256", object["transcriptSHA256"])] {
                let want = p[field == "originalRecordSHA256" ? "recordSHA256" : field]?.stringValue
                guard value as? String == want else {
                    throw BundleProblem(path, "\(field) is \(value as? String ?? "absent") but entry \(e.sequence) recorded \(want ?? "none")")
                }
            }
            guard mark["redacted"] as? String == Redaction.pins, object["pins"] == nil, object["pinPresentation"] == nil else {
                throw BundleProblem(path, "is marked redacted but still holds PIN data")
            }
        }
        return reads.count
    }

    /// inventory.csv: the exported items, in order, with the entries, reads and content hashes
    /// the ledger records for them.
    public static let inventory = FileChecker(name: "inventory", owns: { $0 == BundleLayout.inventory }) { ctx throws(BundleProblem) in
        let file = BundleLayout.inventory
        let records = try csvRecords(ctx, file, header: InventoryTable.header)
        let exported = Array(ctx.exported)
        let bySeq = Dictionary(exported.map { ($0.sequence, $0) }, uniquingKeysWith: { a, _ in a })
        var aboutItem = [String: [Int64]]()
        var readsOf = [String: [EntryFacts]]()
        for e in exported {
            for s in Set(e.subjects) {
                aboutItem[s, default: []].append(e.sequence)
                if [.simAcquire, .simReread].contains(e.action) { readsOf[s, default: []].append(e) }
            }
        }
        var labels = Set<String>()
        var createdCount = [Int64: Int64]()
        var previous: (Int64, [UInt8])? = nil
        for r in records.dropFirst() {
            func fail(_ why: String) -> BundleProblem { BundleProblem(file, line: r.line, why) }
            let f = Dictionary(uniqueKeysWithValues: zip(InventoryTable.header, r.fields))
            let label = f["label"]!
            guard !label.isEmpty, labels.insert(label).inserted else { throw fail("label \"\(label)\" is empty or listed twice") }
            guard let created = Int64(f["created"]!), let creator = bySeq[created] else {
                throw fail("item \(label): created \(f["created"]!) is not an entry in ledger.jsonl")
            }
            if let (seq, bytes) = previous, !(seq < created || (seq == created && bytes.lexicographicallyPrecedes(Array(label.utf8)))) {
                throw fail("item \(label) is out of order (rows are sorted by creating entry, then label)")
            }
            previous = (created, Array(label.utf8))
            let subjects = creator.subjects
            switch creator.action {
            case .custodySeize, .simAcquire:
                guard subjects.contains(label) else { throw fail("item \(label): entry \(created) (\(creator.action)) does not name it") }
            case .deviceAdd:
                guard let device = subjects.first, label == device || label.hasPrefix(device + "/P") else {
                    throw fail("item \(label): entry \(created) (device.add) adds \(subjects.first ?? "nothing"), not this item")
                }
            case .deviceImport: break
            default: throw fail("item \(label): entry \(created) is \(creator.action), which creates no item")
            }
            createdCount[created, default: 0] += 1
            let entries = Array(Set([created] + (aboutItem[label] ?? []))).sorted().map(String.init).joined(separator: " ")
            guard f["entries"] == entries else { throw fail("item \(label): entries \"\(f["entries"]!)\" but the ledger has \"\(entries)\"") }
            let reads = readsOf[label] ?? []
            let readCount = f["type"].map(ItemType.init(rawValue:)) == .device(.sim) || !reads.isEmpty ? String(reads.count) : ""
            guard f["reads"] == readCount else { throw fail("item \(label): reads \"\(f["reads"]!)\" but the ledger records \(reads.count)") }
            let shown = InventoryTable.reportedRead(reads) { $0.payload["complete"] == .bool(true) }
            let seqText = shown.map { String($0.sequence) } ?? ""
            let content = shown?.payload["contentSHA256"]?.stringValue ?? ""
            guard f["lastAcquisition"] == seqText, f["contentSHA256"] == content else {
                throw fail("item \(label): read \(f["lastAcquisition"]!) with content SHA-256 \"\(f["contentSHA256"]!)\" but the ledger's is \(seqText.isEmpty ? "none" : "\(seqText) with \(content)")")
            }
            if let iccid = shown?.payload["iccid"]?.stringValue,
               let listed = f["identifiers"]!.split(separator: "\n").first(where: { $0.hasPrefix("ICCID=") }), listed != "ICCID=\(iccid)" {
                throw fail("item \(label): \(listed) but entry \(seqText) read ICCID \(iccid)")
            }
        }
        if ctx.scope == "all" {
            for e in exported {
                for s in e.subjects where !labels.contains(s) {
                    throw BundleProblem(file, "lacks item \(s), which entry \(e.sequence) (\(e.action)) names")
                }
                if [LedgerAction.deviceAdd, .deviceImport].contains(e.action),
                   let n = e.payload["items"]?.integerValue, createdCount[e.sequence, default: 0] != n {
                    throw BundleProblem(file, "lists \(createdCount[e.sequence, default: 0]) items created by entry \(e.sequence) (\(e.action)), which created \(n)")
                }
            }
        }
        for s in ctx.selected where !labels.contains(s) { throw BundleProblem(file, "lacks item \(s), which this export selected") }
        let rows = records.count - 1
        guard ctx.exportEntry.payload["items"]?.integerValue == Int64(rows) else {
            throw BundleProblem(file, "lists \(rows) items, the export entry recorded \(ctx.exportEntry.payload["items"]?.integerValue ?? 0)")
        }
        return rows
    }

    /// custody.csv: one row per entry before the export entry, in ledger order, each field as
    /// the entry has it.
    public static let custodyEvents = FileChecker(name: "custody events", owns: { $0 == BundleLayout.custody }) { ctx throws(BundleProblem) in
        let file = BundleLayout.custody
        // The table exactly as the exporter writes it was hashed row by row as the verifier
        // read ledger.jsonl (`BundleContext.custodyTableSHA256`): a file with that hash holds
        // every row as the ledger has it, and is not parsed (it is 100 MB at ten times the
        // seizure). Any other file is parsed to say what is wrong.
        if ctx.files[file] == ctx.custodyTableSHA256 { return ctx.exported.count }
        let records = try csvRecords(ctx, file, header: CustodyTable.header)
        var i = 0
        try ctx.forEachExported { e throws(BundleProblem) in
            defer { i += 1 }
            guard i + 1 < records.count else { return }
            let r = records[i + 1], want = CustodyTable.row(e)
            if let k = want.indices.first(where: { want[$0] != r.fields[$0] }) {
                throw BundleProblem(file, line: r.line, "row for entry \(r.fields[0]): \(CustodyTable.header[k]) is \"\(r.fields[k])\" but ledger.jsonl line \(i + 1) (entry \(e.entry.sequence)) has \"\(want[k])\"")
            }
        }
        if records.count - 1 > ctx.exported.count {
            throw BundleProblem(file, line: records[ctx.exported.count + 1].line, "has more rows than ledger.jsonl has entries before the export entry")
        }
        guard records.count - 1 == ctx.exported.count else {
            throw BundleProblem(file, "has \(records.count - 1) rows but ledger.jsonl has \(ctx.exported.count) entries before the export entry")
        }
        return ctx.exported.count
    }

    /// case.jsonld: every exhibit (ProvenanceRecord exhibitNumber) carries exactly the hashes
    /// the ledger ties to it (`ledgerExhibitHashes`).
    /// The graph (500 MB at ten times the seizure) is read while the ledger is verified.
    public static let caseGraph = FileChecker(name: "CASE/UCO graph", owns: { $0 == BundleLayout.caseGraph }, read: { root, files throws(BundleProblem) in
        let file = BundleLayout.caseGraph
        guard files[file] != nil else { throw BundleProblem(file, "is missing") }
        var reader = CASEGraphReader()
        let unreadable = { (error: CASEGraphError) in BundleProblem(file, "is not a CASE/UCO graph Custody can read (\(error))") }
        try BundleFileReader(root: root, file).forEachPiece { piece throws(BundleProblem) in
            do throws(CASEGraphError) { try reader.read(piece) } catch { throw unreadable(error) }
        }
        do throws(CASEGraphError) {
            try reader.finish()
            return try reader.exhibitHashes()
        } catch { throw unreadable(error) }
    }) { ctx, found throws(BundleProblem) in
        try compareExhibits(found, with: try ledgerExhibitHashes(ctx), file: BundleLayout.caseGraph, missingIsEmpty: false)
        return found.count
    }

    /// report.html and its further pages (report/NNNN.html): every exhibit they mark
    /// (`data-exhibit`) is marked on one page only, is an exported item and shows exactly the
    /// hashes the ledger ties to it; report.pdf is a PDF (it is printed from the HTML and sealed
    /// by the manifest hash; its text is not compared).
    public static let report = FileChecker(name: "court report", owns: { $0 == BundleLayout.report || $0 == BundleLayout.reportPDF || BundleLayout.isReportPage($0) }) { ctx throws(BundleProblem) in
        for file in [BundleLayout.report, BundleLayout.reportPDF] where ctx.files[file] == nil { throw BundleProblem(file, "is missing") }
        guard try ctx.data(BundleLayout.reportPDF).prefix(5) == Data("%PDF-".utf8) else {
            throw BundleProblem(BundleLayout.reportPDF, "is not a PDF file")
        }
        var found = [String: Set<String>]()
        var pageOf = [String: String]()
        for page in [BundleLayout.report] + ctx.files.keys.filter(BundleLayout.isReportPage).sorted() {
            let marks: [String: Set<String>]
            do { marks = try CourtReport.exhibitHashes(html: String(decoding: try ctx.data(page), as: UTF8.self)) } catch {
                throw BundleProblem(page, "is not a Custody court report (\(error))")
            }
            for (label, hashes) in marks {
                if let other = pageOf[label] { throw BundleProblem(page, "shows exhibit \(label), which \(other) shows already") }
                pageOf[label] = page
                found[label] = hashes
            }
        }
        let items = try exportedItems(ctx)
        if let stranger = found.keys.sorted().first(where: { !items.contains($0) }) {
            throw BundleProblem(pageOf[stranger]!, "shows exhibit \(stranger), which is not an item of inventory.csv")
        }
        try compareExhibits(found, with: try ledgerExhibitHashes(ctx), file: BundleLayout.report, missingIsEmpty: true)
        return found.count
    }

    /// The labels of inventory.csv (checked against the ledger by the inventory checker), read
    /// once for the checkers that need them.
    static func exportedItems(_ ctx: BundleContext) throws(BundleProblem) -> Set<String> {
        try ctx.derived.exportedItems { () throws(BundleProblem) in
            Set(try csvRecords(ctx, BundleLayout.inventory, header: InventoryTable.header).dropFirst().compactMap(\.fields.first))
        }
    }

    /// What the ledger ties to each exhibit: for each exported `sim.acquire`/`sim.reread` entry,
    /// each of its subjects that is an exported item gets the entry's contentSHA256, recordSHA256
    /// and transcriptSHA256, and for each `custody.photograph` its sha256 (docs/CASE-UCO.md,
    /// docs/REPORT.md: the graph and the report are written from the same rule).
    static func ledgerExhibitHashes(_ ctx: BundleContext) throws(BundleProblem) -> [String: Set<String>] {
        let items = try exportedItems(ctx)
        return ctx.derived.exhibitHashes {
            var expected = [String: Set<String>]()
            for e in ctx.exported {
                for label in e.subjects where items.contains(label) {
                    let values = ReportContent.hashKeys(e.action).compactMap { e.payload[$0]?.stringValue }
                    expected[label, default: []].formUnion(values)
                }
            }
            return expected
        }
    }

    /// Fails at the first exhibit whose hashes differ; with `missingIsEmpty`, an exhibit one
    /// side does not list counts as one without hashes.
    static func compareExhibits(_ found: [String: Set<String>], with expected: [String: Set<String>], file: String,
                                missingIsEmpty: Bool) throws(BundleProblem) {
        func describe(_ set: Set<String>?, absent: String) -> String {
            guard let set else { return absent }
            return set.isEmpty ? "no hash" : set.sorted().joined(separator: ", ")
        }
        for label in Set(found.keys).union(expected.keys).sorted() {
            let have = missingIsEmpty ? found[label] ?? [] : found[label]
            let want = missingIsEmpty ? expected[label] ?? [] : expected[label]
            guard have != want else { continue }
            throw BundleProblem(file, "exhibit \(label) carries \(describe(have, absent: "nothing (no exhibit)")), the ledger \(describe(want, absent: "does not name it"))")
        }
    }

    /// The records of a bundle CSV (each field the value its cell holds): UTF-8 with BOM,
    /// RFC 4180, the given header, full rows, every cell as the formula guard writes it.
    static func csvRecords(_ ctx: BundleContext, _ file: String, header: [String]) throws(BundleProblem) -> [(line: Int, fields: [String])] {
        guard ctx.files[file] != nil else { throw BundleProblem(file, "is missing") }
        let data = try ctx.data(file)
        guard data.starts(with: [0xEF, 0xBB, 0xBF]) else { throw BundleProblem(file, "does not start with the UTF-8 byte order mark") }
        let records: [(line: Int, fields: [String])]
        do { records = try CSVText.cells(data) } catch { throw BundleProblem(file, error.message) }
        guard records.first?.fields == header else { throw BundleProblem(file, line: 1, "header is not \(header.joined(separator: ","))") }
        for r in records {
            guard r.fields.count == header.count else { throw BundleProblem(file, line: r.line, "has \(r.fields.count) fields, the header \(header.count)") }
            // A cell the formula guard would have written otherwise (`=x` unguarded, `'x`) is
            // not Custody's: a spreadsheet would evaluate it, or show another value.
            if let k = r.fields.indices.first(where: { !CSVText.isGuarded(cell: r.fields[$0]) }) {
                let value = CSVText.value(ofCell: r.fields[k])
                throw BundleProblem(file, line: r.line, "\(header[k]) is written \"\(r.fields[k])\", but Custody writes that value \"\(CSVText.neutralised(value))\" (formula guard, VERIFYING.md §2.3)")
            }
        }
        return records.map { ($0.line, $0.fields.map(CSVText.value(ofCell:))) }
    }
}
