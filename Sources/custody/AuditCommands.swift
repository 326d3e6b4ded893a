import ArgumentParser
import CaseStore
import Foundation
import Workbench

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Shelf audits: start one at a location, scan what is there, finish with found / missing / unexpected / unknown (docs/CASE-STORE.md, \"Audits\").",
        subcommands: [AuditStart.self, AuditScan.self, AuditFinish.self, AuditShow.self, AuditList.self, AuditOverdue.self, AuditReport.self]
    )
}

struct AuditStart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start an audit of a storage location and what is below it (custody.audit.start).")
    @Argument(help: ArgumentHelp("The location's label.", valueName: "LOCATION")) var location: String
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the audit as JSON (schema custody.audit/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let (entry, audit) = try ShelfAudits.start(store, location: location, by: examiner)
            if json { try printJSON(audit); return }
            print("started audit \(audit.id) of \(location) (entry \(entry.entry.sequence)); it expects \(audit.result.missing.count) items: scan them with `custody audit scan \(audit.id) CODE…`")
        }
    }
}

struct AuditScan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Record scanned codes in an open audit, one signed entry (custody.audit.scan) each.",
        discussion: "A code is an item label, as the item's QR label carries it. Unknown codes are recorded too; a code scanned twice in one audit is refused."
    )
    @Argument(help: ArgumentHelp("The audit's number (its start entry).", valueName: "AUDIT")) var audit: Int64
    @Argument(help: ArgumentHelp("The scanned codes, in the order scanned.", valueName: "CODE")) var codes: [String]
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the scans recorded as a JSON array (schema custody.audit.scan/1 each), also when a later code is refused.") var json = false

    func validate() throws {
        guard !codes.isEmpty else { throw ValidationError("give at least one CODE to scan") }
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let examiner = try by.id(in: store)
            var recorded = [ShelfAudits.ScanOutput]()
            defer { if json { try? printJSON(recorded) } }
            for code in codes {
                let scan: ShelfAudits.ScanOutput
                do { scan = try ShelfAudits.scan(store, audit: audit, code: code, by: examiner).1 } catch let error as WorkbenchError where !recorded.isEmpty {
                    throw WorkbenchError("\(error.message) (the \(recorded.count) codes before \(code) were recorded)")
                }
                recorded.append(scan)
                if json { continue }
                let meaning = switch scan.status {
                case "expected": "expected here"
                case "unexpected": "not expected here (the case keeps it at \(scan.expectedAt ?? "no location"))"
                default: "unknown code: no item has this label"
                }
                print("entry \(scan.entry): \(scan.code): \(meaning)")
            }
        }
    }
}

struct AuditFinish: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "finish", abstract: "Finish an audit: its result (found, missing, unexpected, unknown) becomes a signed entry (custody.audit.finish).")
    @Argument(help: ArgumentHelp("The audit's number.", valueName: "AUDIT")) var audit: Int64
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the audit as JSON (schema custody.audit/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let (entry, output) = try ShelfAudits.finish(store, audit: audit, by: examiner)
            if json { try printJSON(output); return }
            print("finished audit \(audit) of \(output.location) (entry \(entry.entry.sequence))")
            printResult(output.result)
        }
    }
}

/// The four sets, one line each.
func printResult(_ result: ShelfAudits.ResultOutput) {
    print("found (\(result.found.count)): \(result.found.joined(separator: ", "))")
    print("missing (\(result.missing.count)): \(result.missing.joined(separator: ", "))")
    print("unexpected (\(result.unexpected.count)): \(result.unexpected.map { "\($0.item) (kept at \($0.expectedAt ?? "no location"))" }.joined(separator: ", "))")
    print("unknown codes (\(result.unknown.count)): \(result.unknown.joined(separator: ", "))")
}

struct AuditShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show an audit: its scans and its result (a preview while it is open).")
    @Argument(help: ArgumentHelp("The audit's number.", valueName: "AUDIT")) var audit: Int64
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print the audit as JSON (schema custody.audit/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let output = try ShelfAudits.show(store, audit: audit)
            if json { try printJSON(output); return }
            let state = output.finishEntry.map { "finished at entry \($0), \(output.finishedAt ?? "")" } ?? "open (the result below is a preview)"
            print("audit \(output.id) of \(output.location), started by \(output.startedBy) at \(output.startedAt): \(state); \(output.scans.count) scans")
            printResult(output.result)
        }
    }
}

struct AuditList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the audits, newest first.")
    @Option(help: ArgumentHelp("Only the audits of this location.", valueName: "LOCATION")) var location: String?
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print the list as JSON (schema custody.audits/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let list = try ShelfAudits.list(store, location: location)
            if json { try printJSON(list); return }
            if list.audits.isEmpty { print("no audits"); return }
            for a in list.audits {
                print("\(a.id)\t\(a.location)\t\(a.startedBy)\t\(a.startedAt)\t\(a.finishedAt.map { "finished \($0)" } ?? "open")")
            }
        }
    }
}

struct AuditOverdue: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "overdue", abstract: "List the items kept at a location that no finished audit has seen for N days, never-audited first.")
    @Option(help: ArgumentHelp("Days since an item was last seen by an audit.", valueName: "N")) var days: Int
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print the list as JSON (schema custody.audit.overdue/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let output = try ShelfAudits.overdue(store, days: days)
            if json { try printJSON(output); return }
            if output.items.isEmpty { print("every item at a location was audited since \(output.since)"); return }
            for item in output.items {
                print("\(item.item)\t\(item.lastAuditedAt.map { "last audited \($0) (audit \(item.lastAudit ?? 0))" } ?? "never audited")")
            }
        }
    }
}

struct AuditReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a finished audit's report (the audit record, biên bản kiểm kê) to PDF; recorded as a form.print entry.",
        discussion: "The same as `custody form audit --item LOCATION --entry FINISH-ENTRY` (docs/RECORDS.md)."
    )
    @Argument(help: ArgumentHelp("The audit's number.", valueName: "AUDIT")) var audit: Int64
    @OptionGroup var language: DocumentLanguageSelection
    @Option(help: ArgumentHelp("Output file (.pdf).", valueName: "FILE.pdf")) var out: String
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print what was written as JSON (schema custody.form/1).") var json = false

    func run() throws {
        try reportingFailures {
            try checkRecordFile(out)
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let output = try ShelfAudits.printReport(store, audit: audit, language: try language.language(for: store), to: out,
                                                     tool: Custody.identity, by: examiner)
            if json { try printJSON(output); return }
            print("wrote the report of audit \(audit) (entry \(output.entry), \(output.language)) to \(out) "
                + "(SHA-256 \(output.sha256)); recorded as entry \(output.printEntry) form.print")
        }
    }
}
