import ArgumentParser
import Workbench

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Counts per item type, SIMs read / PIN-locked / unreadable / not yet read, SIMs per operator."
    )
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.summary/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let out = try CaseSummary(of: store)
            if json { try printJSON(out); return }
            print("\(out.items) items: " + out.types.keys.sorted().map { "\($0) \(out.types[$0]!)" }.joined(separator: ", "))
            let m = out.sims
            print("SIMs \(m.total): read \(m.read), PIN-locked \(m.pinLocked), unreadable (incomplete) \(m.unreadable), not yet read \(m.notRead)"
                  + (m.readsWithoutICCID > 0 ? "; \(m.readsWithoutICCID) reads without an ICCID" : ""))
            for name in out.operators.keys.sorted() { print("operator \(name): \(out.operators[name]!) SIMs") }
        }
    }
}
