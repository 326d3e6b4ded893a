import ArgumentParser
import CaseStore
import Foundation
import Workbench

extension ExaminerRole: ExpressibleByArgument {}

struct ExaminerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "examiner",
        abstract: "The case's examiner roster.",
        subcommands: [ExaminerAdd.self, ExaminerList.self]
    )
}

struct ExaminerAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an examiner to the roster (ledger examiner.add). Only a supervisor may."
    )
    @Argument(help: "The new examiner's id.")
    var id: String
    @Option(help: "Full name.")
    var name: String
    @Option(help: "technician, clerk or supervisor.")
    var role: ExaminerRole
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON (schema custody.ledger.entry/1).")
    var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let entry = try inCase { () throws(CaseStoreError) in try store.addExaminer(id: id, name: name, role: role, by: examiner) }
            try printEntry(entry, json: json, what: "examiner \(id) (\(role.rawValue)) added by \(examiner)")
        }
    }
}

struct ExaminerList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the roster.")
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.examiners/1).")
    var json = false

    struct Output: Encodable {
        var schema = "custody.examiners/1"
        var examiners: [ExaminerOutput]
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let all = try inCase { () throws(CaseStoreError) in try store.examiners() }
            if json {
                try printJSON(Output(examiners: all.map(ExaminerOutput.init)))
            } else {
                for x in all { print("\(x.id)\t\(x.role.rawValue)\t\(x.name)\tentry \(x.seq)") }
            }
        }
    }
}
