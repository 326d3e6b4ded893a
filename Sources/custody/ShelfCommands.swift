import ArgumentParser
import CaseStore
import Foundation
import Workbench

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Custody on the shelf: items per type and state, what is checked out to whom, what is overdue; or one item's custody.",
        discussion: "States: on-shelf, checked-out, disposed. Overdue: checked out and past its due date (the case's time zone)."
    )
    @Argument(help: "An item: its state, location (room ▸ shelf ▸ box) and check-out.") var label: String?
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.status/1; with LABEL custody.item-custody/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            if let label {
                let item = try ShelfCustody.item(label, in: store)
                if json { try printJSON(item); return }
                print("\(item.label) (\(item.type)): \(item.state)")
                if item.location != nil {
                    print("location: \(item.locationPath.joined(separator: " ▸ "))" + (item.inheritedFrom.map { " (where \($0) is)" } ?? ""))
                } else {
                    print("location: none recorded")
                }
                if let out = item.checkedOut { print(Self.line(out)) }
                return
            }
            let status = try ShelfCustody.status(store)
            if json { try printJSON(status); return }
            print(ShelfState.allCases.map { "\($0.rawValue) \(status.totals[$0.rawValue] ?? 0)" }.joined(separator: ", "))
            for type in status.counts.keys.sorted() {
                let counts = status.counts[type]!
                print("  \(type): " + ShelfState.allCases.compactMap { s in counts[s.rawValue].map { "\(s.rawValue) \($0)" } }.joined(separator: ", "))
            }
            print("checked out: \(status.checkedOut.count), overdue: \(status.overdue.count) (today \(status.today))")
            for out in status.checkedOut { print("  " + Self.line(out)) }
        }
    }

    /// One checked-out item: label, holder, since, due, purpose.
    static func line(_ out: ShelfCustody.CheckedOut) -> String {
        var parts = ["\(out.label) checked out to \(out.holderName.map { "\($0) (\(out.holder ?? ""))" } ?? out.holder ?? "(not recorded)") since \(out.since)"]
        if let due = out.due { parts.append("due \(due)" + (out.overdue ? " OVERDUE" : "")) }
        if let purpose = out.purpose { parts.append("for \(purpose)") }
        return parts.joined(separator: ", ")
    }
}

struct LocationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "location",
        abstract: "Storage locations (items of type location: room ▸ shelf ▸ box) and what is on them.",
        discussion: "Register a location with `custody device add SHELF-A --type location --parent ROOM-1`; move items to it with `custody event move`.",
        subcommands: [LocationList.self, LocationShow.self]
    )
}

struct LocationList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every location as a tree, with the number of items on each one's shelf.")
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.locations/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let tree = try ShelfCustody.locations(store)
            if json { try printJSON(tree); return }
            func show(_ node: ShelfCustody.Location, depth: Int) {
                print(String(repeating: "  ", count: depth) + "\(node.label)\t\(node.items) items")
                for child in node.children { show(child, depth: depth + 1) }
            }
            for root in tree.locations { show(root, depth: 0) }
        }
    }
}

struct LocationShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A location's path, the locations in it and the items on its shelf (what an audit expects).")
    @Argument(help: "The location's label.") var label: String
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.location/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let contents = try ShelfCustody.location(label, in: store)
            if json { try printJSON(contents); return }
            print(contents.path.joined(separator: " ▸ "))
            if !contents.children.isEmpty { print("locations in it: \(contents.children.joined(separator: ", "))") }
            for item in contents.items { print(item.text) }
            printError("\(contents.items.count) items on the shelf at \(label)")
        }
    }
}
