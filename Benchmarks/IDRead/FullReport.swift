import BenchmarkSupport
import Foundation

/// The text report of `--scope full`: one table row per card, then per card where the APDUs go.
func printFullTable(_ results: [CardResult]) {
    let header = ["card", "type", "proto", "files", "records", "APDUs", "min", "APDU/min", "floor", "APDU/floor",
                  "full ms", "full p90", "raw ms", "full/raw", "µs/APDU full", "µs/APDU raw", "lib ms", "reads/min"]
    let rows = results.map { r -> [String] in
        let floor: Int = { if case .full(let m) = r.minimum { return m.forensicFloor }; return 0 }()
        let content = r.cardContent
        let files = content.map { c in "\(c.files) (\(c.filesByStatus["read"] ?? 0) read)" } ?? "-"
        return [r.label, r.cardType, r.cardProtocol, files, content.map { String($0.records) } ?? "-",
                String(r.apdusPerRead), String(r.minimum.total), fmt(r.apduRatio), String(floor),
                fmt(Double(r.apdusPerRead) / Double(max(1, floor))),
                fmt(r.idRead.medianMs), fmt(r.idRead.p90Ms), fmt(r.rawReplay.medianMs), fmt(r.timeRatio),
                fmt(r.usPerAPDUIdRead, 0), fmt(r.usPerAPDURaw, 0), r.libraryOnly.map { fmt($0.medianMs, 2) } ?? "-",
                fmt(r.readsPerMinute, 0)]
    }
    print("Full acquisition vs raw transmit of the same APDUs: \(options.reads) interleaved reads per card, medians (ms)")
    print(table(header, rows))
    print("")
    print("min   = issue 3's minimum: one SELECT per recorded file (absent ones too) + one per application + one READ per record / 255-byte chunk")
    print("floor = min + what Custody's forensic rules need on top: one GET RESPONSE per kept header (T=0) + the 4 PIN/PUK queries (UICC)")
    print("lib ms = the same full read over recorded answers (no card, no PC/SC): the library's own CPU time per read")
    print("reads/min = 60000 / full median: sustained full reads per minute on one reader")
    for r in results {
        let k = r.apdusByKind
        print("")
        print("\(r.label): \(r.apdusPerRead) APDUs per full read = SELECT \(k.select) + GET RESPONSE \(k.getResponse) + READ BINARY \(k.readBinary) + READ RECORD \(k.readRecord) + PIN queries \(k.pinQueries)" + (k.other > 0 ? " + other \(k.other)" : ""))
        if case .full(let m) = r.minimum {
            print("  minimum \(m.total) = SELECT \(m.selects) (\(m.selectsOfAbsentFiles) of absent files) + application \(m.applicationSelects) + READ BINARY \(m.readBinary) + READ RECORD \(m.readRecord)" + (m.protectedReads > 0 ? " + refused READ \(m.protectedReads)" : ""))
        }
        if let c = r.cardContent {
            let statuses = c.filesByStatus.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("  card: \(c.files) files (\(statuses)); EF.SMS \(c.smsRecords) records, EF.ADN \(c.adnRecords) records; \(c.records) records + \(c.binaryBytes) transparent bytes in all")
        }
        if let c = r.coverage {
            print("  coverage: \(c.filesFound) files found, \(c.filesRead) read, \(c.filesNotInModel) of them outside the model; \(c.directoriesFound) directories; not read: \(c.notRead.map { "\($0.name) (\($0.status.rawValue))" }.joined(separator: ", "))")
        }
        if let p = r.pySimExport {
            print("  pySim-shell export (estimate, a floor): \(p.total) APDUs for \(p.filesExported) files; Custody: \(r.apdusPerRead) APDUs for \(r.coverage?.filesRead ?? 0) files read (\(p.filesOutsideTheModel) beyond any model)")
        }
        if let s = r.reselection {
            print("  directory SELECTs: \(s.directorySelects) + \(s.directoryGetResponses) GET RESPONSE; a walker tracking the current DF would skip \(s.avoidableSelects) SELECT + \(s.avoidableGetResponses) GET RESPONSE = \(s.avoidable) APDUs (\(fmt(100 * Double(s.avoidable) / Double(max(1, r.apdusPerRead)), 1)) %)")
        }
        print("  exchanges as the transcript times them: \(fmt(r.transcriptExchangeMsMedian)) ms of the \(fmt(r.idRead.medianMs)) ms full read")
    }
    print("")
    print("once per process (every `custody sim read`): operator table \(fmt(startup.operatorTableMs)) ms + issuer table \(fmt(startup.issuerTableMs)) ms to load")
    for r in results {
        for w in r.warnings { print("warning: \(r.label): \(w)") }
    }
}
