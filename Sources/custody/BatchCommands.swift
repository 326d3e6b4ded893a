import ArgumentParser
import CaseStore
import Foundation
import Workbench

/// `custody sim pending`: the retry list of a batch.
struct SIMPending: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pending",
        abstract: "List reads to do again: SIMs whose every read is incomplete or failed.",
        discussion: """
            A SIM leaves the list when a complete read of it is stored (by `sim watch` or `sim read --case`). \
            Reads that broke off before the ICCID stay listed (as \"no ICCID\"): nothing ties a later read to them. \
            Exit status 0 whether or not the list is empty.
            """
    )
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.sim.pending/1).") var json = false

    struct Output: Encodable {
        static let schema = "custody.sim.pending/1"
        var schema = Output.schema
        var progress: BatchProgress
        var pending: [PendingRead]
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let (progress, pending) = try inCase { () throws(CaseStoreError) in (try store.batchProgress(), try store.pendingReads()) }
            if json { return try printJSON(Output(progress: progress, pending: pending)) }
            print("\(pending.count) read(s) pending; \(progress.read) of \(progress.expected) expected SIMs read")
            guard !pending.isEmpty else { return }
            Table.print(header: ["Item", "ICCID", "Attempts", "Last entry", "Reader", "Time", "Why"], rows: pending.map {
                [$0.label ?? "-", $0.iccid ?? "no ICCID", "\($0.attempts)", "\($0.seq)", $0.reader ?? "-", $0.time, $0.reason]
            })
        }
    }
}

/// `custody device place`: put an item (a SIM read in batch, say) into a slot, lot or device.
struct DevicePlace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Put an item into a container (a SIM into a slot or lot), or move it with --move.",
        discussion: "One device.place entry (from, to). A slot holds one SIM; an item recorded elsewhere moves only with --move."
    )
    @Argument(help: "The item to place, e.g. SIM-8984… (an ICCID is accepted for a SIM).") var item: String
    @Option(name: .customLong("in"), help: ArgumentHelp("The container, e.g. SB-01/P3/S1 or LOT-7.", valueName: "LABEL")) var container: String
    @Flag(help: "Move an item that is recorded in another container.") var move = false
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON.") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let label = try inCase { () throws(CaseStoreError) in try store.item(item) != nil ? item : store.simLabel(iccid: item) ?? item }
            let placed = try inCase { () throws(CaseStoreError) in try store.place(label, in: container, move: move, by: examiner) }
            try printEntry(placed.entry, json: json, what: "\(label) into \(container)\(placed.from.map { " (moved from \($0))" } ?? "")")
        }
    }
}
