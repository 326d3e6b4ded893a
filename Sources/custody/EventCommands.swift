import ArgumentParser
import CaseStore
import Foundation
import Ledger

struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event",
        abstract: "Record a custody event on an item (a signed ledger entry; nothing is ever edited or deleted).",
        subcommands: [EventSeize.self, EventReceive.self, EventTransfer.self, EventCheckOut.self, EventCheckIn.self,
                      EventSeal.self, EventUnseal.self, EventPhotograph.self, EventNote.self, EventCorrect.self, EventDispose.self]
    )
}

/// What every event on an existing item takes: the item, the case, the examiner, --json.
struct ItemEventOptions: ParsableArguments {
    @Argument(help: "Item label.") var label: String
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON.") var json = false
}

/// The common shape of an event on an existing item: its options plus the event's details.
protocol ItemEvent: ParsableCommand {
    static var action: LedgerAction { get }
    var item: ItemEventOptions { get }
    var details: [String: String] { get }
}

extension ItemEvent {
    func run() throws {
        try reportingFailures {
            let store = try item.selection.open()
            let examiner = try item.by.id(in: store)
            let entry = try inCase { () throws(CaseStoreError) in
                try store.recordEvent(Self.action, label: item.label, details: details, by: examiner)
            }
            try printEntry(entry, json: item.json, what: "\(item.label) by \(examiner)")
        }
    }
}

struct EventSeize: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seize", abstract: "Seizure of an item (creates the item when new).")
    @Argument(help: "Item label (unique in the case, e.g. the exhibit number).") var label: String
    @Option(name: .customLong("where"), help: "Where it was seized.") var place: String
    @Option(help: "When it was seized (as written on the seizure record).") var when: String
    @Option(help: "From whom it was seized.") var from: String
    @Option(help: "Legal authority (default: the case's).") var authority: String?
    @Option(help: "Item type for a new item (phone, sim, bag, exhibit, …).") var type: String = "exhibit"
    @Option(help: "Label of the item that contains this one.") var parent: String?
    @Option(name: .customLong("identifier"), help: ArgumentHelp("An identifier of a new item, KEY=VALUE (e.g. IMEI=…); repeatable.", valueName: "KEY=VALUE"))
    var identifiers: [String] = []
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON.") var json = false

    func run() throws {
        try reportingFailures {
            var ids = [String: String]()
            for pair in identifiers {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty else {
                    throw CustodyFailure("--identifier \(pair): write it as KEY=VALUE, e.g. IMEI=356938035643809")
                }
                ids[kv[0]] = kv[1]
            }
            let store = try selection.open()
            let examiner = try by.id(in: store)
            var details = ["where": place, "when": when, "from": from, "authority": authority ?? store.caseRecord.authority, "by": examiner]
            if let parent { details["parent"] = parent }
            let entry = try inCase { () throws(CaseStoreError) in
                try store.recordEvent(.custodySeize, label: label, details: details, by: examiner, newItemType: type, parent: parent, identifiers: ids)
            }
            try printEntry(entry, json: json, what: "\(label) seized from \(from) by \(examiner)")
        }
    }
}

struct EventReceive: ItemEvent {
    static let configuration = CommandConfiguration(commandName: "receive", abstract: "Receipt of an item at the lab.")
    static let action = LedgerAction.custodyReceive
    @OptionGroup var item: ItemEventOptions
    @Option(help: "Who delivered it.") var from: String
    @Option(help: "Where it was received.") var at: String?
    var details: [String: String] { ["from": from, "at": at ?? ""] }
}

struct EventTransfer: ItemEvent {
    static let configuration = CommandConfiguration(commandName: "transfer", abstract: "Hand-over of an item from one person to another.")
    static let action = LedgerAction.custodyTransfer
    @OptionGroup var item: ItemEventOptions
    @Option(help: ArgumentHelp("Who released it.", valueName: "ID")) var releasedBy: String
    @Option(help: ArgumentHelp("Who received it.", valueName: "ID")) var receivedBy: String
    @Option(help: "Why.") var purpose: String
    var details: [String: String] { ["releasedBy": releasedBy, "receivedBy": receivedBy, "purpose": purpose] }
}

struct EventCheckOut: ItemEvent {
    static let configuration = CommandConfiguration(commandName: "checkout", abstract: "Check an item out of the evidence store.")
    static let action = LedgerAction.custodyCheckOut
    @OptionGroup var item: ItemEventOptions
    @Option(help: "Why.") var reason: String
    var details: [String: String] { ["reason": reason] }
}

struct EventCheckIn: ItemEvent {
    static let configuration = CommandConfiguration(commandName: "checkin", abstract: "Check an item back into the evidence store.")
    static let action = LedgerAction.custodyCheckIn
    @OptionGroup var item: ItemEventOptions
    @Option(help: "Why / in what state.") var reason: String
    var details: [String: String] { ["reason": reason] }
}

struct EventSeal: ItemEvent {
    static let configuration = CommandConfiguration(commandName: "seal", abstract: "Seal an item (tamper-evident bag or tape).")
    static let action = LedgerAction.custodySeal
    @OptionGroup var item: ItemEventOptions
    @Option(help: ArgumentHelp("Seal number.", valueName: "NUMBER")) var seal: String
    var details: [String: String] { ["seal": seal] }
}

struct EventUnseal: ItemEvent {
    static let configuration = CommandConfiguration(commandName: "unseal", abstract: "Break an item's seal.")
    static let action = LedgerAction.custodyUnseal
    @OptionGroup var item: ItemEventOptions
    @Option(help: ArgumentHelp("Number of the seal found and broken.", valueName: "NUMBER")) var seal: String
    var details: [String: String] { ["seal": seal] }
}

struct EventNote: ItemEvent {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "A note about an item.")
    static let action = LedgerAction.custodyNote
    @OptionGroup var item: ItemEventOptions
    @Option(help: "The note.") var text: String
    var details: [String: String] { ["text": text] }
}

struct EventDispose: ItemEvent {
    static let configuration = CommandConfiguration(commandName: "dispose", abstract: "Disposal or return of an item.")
    static let action = LedgerAction.custodyDispose
    @OptionGroup var item: ItemEventOptions
    @Option(help: "How (returned to owner, destroyed, …).") var method: String
    var details: [String: String] { ["method": method] }
}

struct EventPhotograph: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "photograph",
        abstract: "Attach a photograph: its SHA-256 goes into the ledger, the file is copied to DIR/photos/<sha256>.<ext>."
    )
    @OptionGroup var item: ItemEventOptions
    @Option(help: "The photo file.") var file: String

    func run() throws {
        try reportingFailures {
            let store = try item.selection.open()
            let examiner = try item.by.id(in: store)
            let (entry, photo) = try inCase { () throws(CaseStoreError) in
                try store.photograph(label: item.label, file: file, by: examiner)
            }
            try printEntry(entry, json: item.json, what: "\(item.label) photo \(photo.path)")
        }
    }
}

struct EventCorrect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Correct an earlier entry: a new entry that refers to it (the old one stays as it was)."
    )
    @Argument(help: "Sequence number of the entry being corrected.") var seq: Int64
    @Option(help: "The correction.") var text: String
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON.") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let entry = try inCase { () throws(CaseStoreError) in try store.correct(seq: seq, text: text, by: examiner) }
            try printEntry(entry, json: json, what: "correction of entry \(seq)")
        }
    }
}
