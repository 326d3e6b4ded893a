import ArgumentParser
import CaseStore
import Foundation

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Counts per item type, SIMs read / PIN-locked / unreadable / not yet read, SIMs per operator."
    )
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.summary/1).") var json = false

    struct Output: Encodable {
        var schema = "custody.summary/1"
        var caseID: String
        var items: Int
        var types: [String: Int]
        var sims: SIMs
        var operators: [String: Int]
        struct SIMs: Encodable {
            var total: Int
            var read: Int
            var pinLocked: Int
            var unreadable: Int
            var notRead: Int
            var readsWithoutICCID: Int
        }
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let s = try inCase { () throws(CaseStoreError) in try store.summary() }
            let out = Output(caseID: store.caseID, items: s.items, types: s.types,
                             sims: .init(total: s.simItems, read: s.sims[.read] ?? 0, pinLocked: s.sims[.pinLocked] ?? 0,
                                         unreadable: s.sims[.unreadable] ?? 0, notRead: s.sims[.notRead] ?? 0,
                                         readsWithoutICCID: s.readsWithoutICCID),
                             operators: s.operators)
            if json { try printJSON(out); return }
            print("\(out.items) items: " + out.types.keys.sorted().map { "\($0) \(out.types[$0]!)" }.joined(separator: ", "))
            let m = out.sims
            print("SIMs \(m.total): read \(m.read), PIN-locked \(m.pinLocked), unreadable (incomplete) \(m.unreadable), not yet read \(m.notRead)"
                  + (m.readsWithoutICCID > 0 ? "; \(m.readsWithoutICCID) reads without an ICCID" : ""))
            for name in out.operators.keys.sorted() { print("operator \(name): \(out.operators[name]!) SIMs") }
        }
    }
}
