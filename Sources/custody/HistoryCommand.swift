import ArgumentParser
import CaseStore
import Foundation
import Ledger
import Workbench

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "An item's custody chain: every ledger entry about it, in order."
    )
    @Argument(help: "Item label.") var label: String
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.history/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            if json {
                try printJSON(HistoryOutput(label, in: store))
                return
            }
            let (item, entries) = try inCase { () throws(CaseStoreError) in
                let entries = try store.history(label)
                return (try store.item(label)!, entries)
            }
            let tz = TimeZone(identifier: store.caseRecord.timeZone) ?? .gmt
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = tz
            f.dateFormat = "yyyy-MM-dd HH:mm:ss xxx"
            print("\(item.label) (\(item.type)\(item.parent.map { ", in \($0)" } ?? "")) identifiers \(item.identifiers); times in \(tz.identifier)")
            for e in entries {
                let x = e.entry
                print("\(x.sequence)\t\(f.string(from: x.time.date))\t\(x.examiner)\t\(x.action)\t\(JSONPayload.text(x.payload))")
            }
        }
    }
}
