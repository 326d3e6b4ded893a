import ArgumentParser
import CaseStore
import Foundation
import Workbench

struct DisposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispose",
        abstract: "Disposal or return of an item: requested, approved by a supervisor who did not request it, executed before witnesses (docs/CASE-STORE.md, \"Disposal and return\").",
        subcommands: [DisposeRequest.self, DisposeApprove.self, DisposeExecute.self, DisposeShow.self, DisposeList.self]
    )
}

/// A request as the dispose commands print it: JSON, or one line.
func printDisposal(_ output: Disposals.DisposalOutput, entry: Int64, done: String, json: Bool) throws {
    if json { try printJSON(output); return }
    let method = output.method == DisposalMethod.giveBack.rawValue ? "return to \(output.to ?? "")" : "destruction"
    print("\(done) disposal request \(output.id) (\(method) of \(output.item)), entry \(entry); now \(output.state)")
}

struct DisposeRequest: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "request", abstract: "Request the destruction or return of an item (custody.dispose.request).")
    @Argument(help: "Item label.") var label: String
    @Option(help: ArgumentHelp("destroy, or return (to the person named by --to).", valueName: "destroy|return")) var method: String
    @Option(help: ArgumentHelp("Whom the item is returned to (with --method return).", valueName: "PERSON")) var to: String?
    @Option(help: "Why (the judgment, decision or order that allows it).") var reason: String
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the request as JSON (schema custody.disposal/1).") var json = false

    func run() throws {
        try reportingFailures {
            let chosen: DisposalMethod
            do { chosen = try Disposals.method(method) } catch { throw CustodyFailure("\(error)", exitCode: ExitStatus.usage) }
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let (entry, output) = try Disposals.request(store, label: label, method: chosen, to: to, reason: reason, by: examiner)
            try printDisposal(output, entry: entry.entry.sequence, done: "recorded", json: json)
        }
    }
}

struct DisposeApprove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a request (custody.dispose.approve): a supervisor who did not request it.")
    @Argument(help: ArgumentHelp("The request's number (its request entry).", valueName: "REQUEST")) var request: Int64
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the request as JSON (schema custody.disposal/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let (entry, output) = try Disposals.approve(store, request: request, by: examiner)
            try printDisposal(output, entry: entry.entry.sequence, done: "approved", json: json)
        }
    }
}

struct DisposeExecute: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute",
        abstract: "Execute an approved request before witnesses: the item's custody.dispose entry.",
        discussion: "Print its record (biên bản) with `custody form disposal --item LABEL` (a destruction) or `custody form return --item LABEL` (a return)."
    )
    @Argument(help: ArgumentHelp("The request's number.", valueName: "REQUEST")) var request: Int64
    @OptionGroup var people: ParticipantOptions
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the request as JSON (schema custody.disposal/1).") var json = false

    func run() throws {
        try reportingFailures {
            let participants = try people.people()
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let (entry, output) = try Disposals.execute(store, request: request, participants: participants, by: examiner)
            try printDisposal(output, entry: entry.entry.sequence, done: "executed", json: json)
        }
    }
}

struct DisposeShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a disposal request.")
    @Argument(help: ArgumentHelp("The request's number.", valueName: "REQUEST")) var request: Int64
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print the request as JSON (schema custody.disposal/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let output = try Disposals.show(store, request: request)
            if json { try printJSON(output); return }
            printRow(output)
        }
    }
}

/// One request on one line: number, item, method, state, who requested and approved it.
func printRow(_ d: Disposals.DisposalOutput) {
    let method = d.to.map { "return to \($0)" } ?? d.method
    print("\(d.id)\t\(d.item)\t\(method)\t\(d.state)\trequested by \(d.requestedBy)\t\(d.approvedBy.map { "approved by \($0)" } ?? "")\t\(d.reason)")
}

struct DisposeList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the disposal requests, newest first.")
    @Option(help: ArgumentHelp("Only requests in this state.", valueName: "requested|approved|executed")) var state: String?
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print the list as JSON (schema custody.disposals/1).") var json = false

    func run() throws {
        try reportingFailures {
            var chosen: DisposalState?
            if let state {
                do { chosen = try Disposals.state(state) } catch { throw CustodyFailure("\(error)", exitCode: ExitStatus.usage) }
            }
            let store = try selection.openForReading()
            let list = try Disposals.list(store, state: chosen)
            if json { try printJSON(list); return }
            if list.disposals.isEmpty { print("no disposal requests"); return }
            list.disposals.forEach(printRow)
        }
    }
}
