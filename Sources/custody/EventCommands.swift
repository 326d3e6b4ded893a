import ArgumentParser
import CaseStore
import Foundation
import Ledger
import Workbench

struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event",
        abstract: "Record a custody event on an item (a signed ledger entry; nothing is ever edited or deleted).",
        subcommands: [EventSeize.self, EventReceive.self, EventTransfer.self, EventCheckOut.self, EventCheckIn.self, EventMove.self,
                      EventSeal.self, EventUnseal.self, EventPhotograph.self, EventAttach.self, EventNote.self, EventCorrect.self]
    )
}

/// What every event on an existing item takes: the item, the case, the examiner, --json.
struct ItemEventOptions: ParsableArguments {
    @Argument(help: "Item label.") var label: String
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON.") var json = false
}

/// Who took part in an event, for its record (biên bản): repeatable `--participant` and `--witness`.
struct ParticipantOptions: ParsableArguments {
    @Option(name: .customLong("participant"), help: ArgumentHelp(
        "A person taking part, ROLE=Full Name[,unit]; ROLE one of \(ParticipantRole.allCases.map(\.rawValue).joined(separator: ", ")); repeatable.",
        valueName: "ROLE=NAME[,UNIT]"))
    var participants: [String] = []
    @Option(name: .customLong("witness"), help: ArgumentHelp("A witness (người chứng kiến), Full Name[,unit]; repeatable.", valueName: "NAME[,UNIT]"))
    var witnesses: [String] = []

    func people() throws -> [EventParticipant] { try CustodyEvent.participants(participants, witnesses: witnesses) }
}

/// The common shape of an event on an existing item: its options plus the event they describe.
protocol ItemEventCommand: ParsableCommand {
    var item: ItemEventOptions { get }
    var people: ParticipantOptions { get }
    var event: CustodyEvent { get }
}

extension ItemEventCommand {
    func run() throws {
        try reportingFailures {
            let participants = try people.people()
            let store = try item.selection.open()
            let examiner = try item.by.id(in: store)
            let entry = try event.record(on: item.label, in: store, by: examiner, participants: participants)
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
    @OptionGroup var people: ParticipantOptions
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON.") var json = false

    func run() throws {
        try reportingFailures {
            let seizure = Seizure(label: label, place: place, when: when, from: from, authority: authority, type: type,
                                  parent: parent, identifiers: try Seizure.identifiers(identifiers), participants: try people.people())
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let entry = try seizure.record(in: store, by: examiner)
            try printEntry(entry, json: json, what: "\(label) seized from \(from) by \(examiner)")
        }
    }
}

struct EventReceive: ItemEventCommand {
    static let configuration = CommandConfiguration(commandName: "receive", abstract: "Receipt of an item at the lab.")
    @OptionGroup var item: ItemEventOptions
    @OptionGroup var people: ParticipantOptions
    @Option(help: "Who delivered it.") var from: String
    @Option(help: "Where it was received.") var at: String?
    var event: CustodyEvent { .receive(from: from, at: at) }
}

struct EventTransfer: ItemEventCommand {
    static let configuration = CommandConfiguration(commandName: "transfer", abstract: "Hand-over of an item from one person to another.")
    @OptionGroup var item: ItemEventOptions
    @OptionGroup var people: ParticipantOptions
    @Option(help: ArgumentHelp("Who released it.", valueName: "ID")) var releasedBy: String
    @Option(help: ArgumentHelp("Who received it.", valueName: "ID")) var receivedBy: String
    @Option(help: "Why.") var purpose: String
    var event: CustodyEvent { .transfer(releasedBy: releasedBy, receivedBy: receivedBy, purpose: purpose) }
}

/// What a check-out, check-in or move takes: one label, or a scan list (`--labels-from`), each
/// label its own entry, with the batch's receipt when asked (docs/RECORDS.md, "Batch receipt").
struct ShelfEventOptions: ParsableArguments {
    @Argument(help: "Item label (or give --labels-from).") var label: String?
    @Option(help: ArgumentHelp("A scan list, one label per line: each its own entry; a refused label is reported and the others go on.",
                               valueName: "FILE"))
    var labelsFrom: String?
    @Option(help: ArgumentHelp("With --labels-from: print the batch's receipt (both sides sign it) to this PDF.", valueName: "FILE.pdf"))
    var receipt: String?
    @OptionGroup var language: DocumentLanguageSelection
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON (a batch: schema custody.bulk/1).") var json = false

    func validate() throws {
        guard (label == nil) != (labelsFrom == nil) else {
            throw ValidationError("give either an item label or --labels-from FILE")
        }
        if let receipt {
            guard labelsFrom != nil else { throw ValidationError("--receipt goes with --labels-from: a receipt lists a batch") }
            guard receipt.lowercased().hasSuffix(".pdf") else { throw ValidationError("--receipt \(receipt) must end in .pdf") }
        }
    }
}

/// A check-out, check-in or move: on one item, or on each label of a scan list.
protocol ShelfEventCommand: ParsableCommand {
    var shelf: ShelfEventOptions { get }
    var people: ParticipantOptions { get }
    var event: CustodyEvent { get }
}

extension ShelfEventCommand {
    func run() throws {
        try reportingFailures {
            let participants = try people.people()
            if let receipt = shelf.receipt, FileManager.default.fileExists(atPath: receipt) {
                throw CustodyFailure("\(receipt) already exists: choose another --receipt (a printed receipt is never replaced); nothing was written")
            }
            let store = try shelf.selection.open()
            let examiner = try shelf.by.id(in: store)
            guard let list = shelf.labelsFrom else {
                let label = shelf.label!
                let entry = try event.record(on: label, in: store, by: examiner, participants: participants)
                try printEntry(entry, json: shelf.json, what: "\(label) by \(examiner)")
                return
            }
            var batch = try BulkCustody.record(event, labels: try BulkCustody.labels(fromFile: list), in: store, by: examiner,
                                               participants: participants)
            var receiptFailure: (any Error)?
            if let receipt = shelf.receipt, !batch.entries.isEmpty {
                do {
                    batch.receipt = try BulkCustody.printReceipt(store, entries: batch.entries, language: try shelf.language.language(for: store),
                                                                 to: receipt, by: examiner)
                } catch { receiptFailure = error }
            }
            if shelf.json {
                try printJSON(batch)
            } else {
                for line in batch.lines {
                    if let entry = line.entry { print("recorded entry \(entry.seq) \(entry.action): \(line.label)") }
                    if let why = line.refused { print("refused \(line.label): \(why)") }
                }
                if let r = batch.receipt { print("wrote the receipt of \(r.entries.count) entries to \(r.path) (SHA-256 \(r.sha256)); recorded as entry \(r.printEntry) form.print") }
            }
            if let receiptFailure { throw receiptFailure }
            if batch.refused > 0 {
                throw CustodyFailure("\(batch.refused) of \(batch.lines.count) labels were refused (each with its reason above); the other \(batch.recorded) were recorded")
            }
        }
    }
}

struct EventCheckOut: ShelfEventCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkout", abstract: "Check an item out of the evidence store to an examiner.",
        discussion: "Refused: an item already checked out, disposed of, a location, a port or slot; an examiner not in the roster; a due date before today.")
    @OptionGroup var shelf: ShelfEventOptions
    @OptionGroup var people: ParticipantOptions
    @Option(help: ArgumentHelp("The examiner who receives it (in the case's roster).", valueName: "ID")) var to: String
    @Option(help: "What for.") var purpose: String
    @Option(help: ArgumentHelp("The day it is due back.", valueName: "YYYY-MM-DD")) var due: String?
    var event: CustodyEvent { .checkOut(to: to, purpose: purpose, due: due) }
}

struct EventCheckIn: ShelfEventCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin", abstract: "Check a checked-out item back into the evidence store.",
        discussion: "Without --location it goes back to the location it left. Refused: an item that is not checked out.")
    @OptionGroup var shelf: ShelfEventOptions
    @OptionGroup var people: ParticipantOptions
    @Option(help: ArgumentHelp("The location it is put at (default: the one it left).", valueName: "LOCATION")) var location: String?
    @Option(help: "In what state / remarks.") var reason: String?
    var event: CustodyEvent { .checkIn(location: location, reason: reason) }
}

struct EventMove: ShelfEventCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "Move an item (or a location) to a storage location.",
        discussion: """
            Locations are items of type location (`custody device add SHELF-A --type location --parent ROOM-1`). A location \
            moved into another becomes part of it. Refused: a target that is not a location, a location into itself or one \
            it holds, an item checked out or disposed of, a port or slot, an item already there.
            """)
    @OptionGroup var shelf: ShelfEventOptions
    @OptionGroup var people: ParticipantOptions
    @Option(help: ArgumentHelp("The location.", valueName: "LOCATION")) var to: String
    var event: CustodyEvent { .move(to: to) }
}

struct EventSeal: ItemEventCommand {
    static let configuration = CommandConfiguration(commandName: "seal", abstract: "Seal an item (tamper-evident bag or tape).")
    @OptionGroup var item: ItemEventOptions
    @OptionGroup var people: ParticipantOptions
    @Option(help: ArgumentHelp("Seal number.", valueName: "NUMBER")) var seal: String
    var event: CustodyEvent { .seal(number: seal) }
}

struct EventUnseal: ItemEventCommand {
    static let configuration = CommandConfiguration(commandName: "unseal", abstract: "Break an item's seal.")
    @OptionGroup var item: ItemEventOptions
    @OptionGroup var people: ParticipantOptions
    @Option(help: ArgumentHelp("Number of the seal found and broken.", valueName: "NUMBER")) var seal: String
    var event: CustodyEvent { .unseal(number: seal) }
}

struct EventNote: ItemEventCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "A note about an item.")
    @OptionGroup var item: ItemEventOptions
    @OptionGroup var people: ParticipantOptions
    @Option(help: "The note.") var text: String
    var event: CustodyEvent { .note(text: text) }
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

struct EventAttach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Attach the scan of an entry's signed paper record (docs/RECORDS.md): its SHA-256 goes into the ledger, the file is kept in the case and exported with it."
    )
    @OptionGroup var item: ItemEventOptions
    @Option(help: ArgumentHelp("Sequence number of the entry whose record was signed.", valueName: "SEQ")) var entry: Int64
    @Option(help: "The scan (PDF or image).") var file: String

    func run() throws {
        try reportingFailures {
            let store = try item.selection.open()
            let examiner = try item.by.id(in: store)
            let (recorded, scan) = try inCase { () throws(CaseStoreError) in
                try store.attachScan(label: item.label, entry: entry, file: file, by: examiner)
            }
            try printEntry(recorded, json: item.json, what: "\(item.label) scan of entry \(entry)'s record, \(scan.path)")
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
