import ArgumentParser
import CaseStore
import Foundation
import Export
import Workbench

struct MessagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messages",
        abstract: "The case's messages: SMS and iMessages from phones, sender-software logs and SIMs.",
        discussion: "Sources and how to cite a message: docs/ANALYSIS.md.",
        subcommands: [MessagesImport.self]
    )
}

struct MessagesImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import every message of an Android mmssms.db, an iOS sms.db or a sender-log CSV into an item (all or nothing).",
        discussion: """
            The format is detected from the file's content unless --format is given. SQLite files are opened read-only and \
            immutable (the evidence is never written). One messages.import entry with the file's SHA-256 and row count; \
            the same file is imported once.
            """
    )
    @Argument(help: "The mmssms.db, sms.db or CSV file.") var file: String
    @Option(help: "The item the messages were read from (a phone, a computer, a SIM box).") var item: String
    @Option(help: ArgumentHelp("android, ios or csv (default: detected from the content).", valueName: "FORMAT")) var format: String?
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON.") var json = false

    func validate() throws {
        if let format, ![MessageSource.android, .ios, .csv].map(\.rawValue).contains(format) {
            throw ValidationError("--format \(format) is not android, ios or csv")
        }
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let outcome = try inCase { () throws(CaseStoreError) in
                try store.importMessages(file: file, item: item, format: format.flatMap(MessageSource.init(rawValue:)), by: examiner)
            }
            try printEntry(outcome.entry, json: json, what: "\(outcome.rows) messages (\(outcome.format.rawValue)) from "
                + "\((file as NSString).lastPathComponent) (SHA-256 \(outcome.sha256)) into \(item) by \(examiner)")
        }
    }
}

struct Campaigns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaigns",
        abstract: "Group the case's messages into spam campaigns (near-duplicate clusters) with their category and what they went through.",
        discussion: "Algorithm, parameters and limits: docs/ANALYSIS.md. Every member is listed as its pointer (item/source/entry/row)."
    )
    @Option(help: "The smallest cluster listed as a campaign.") var minSize: Int?
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.campaigns/1).") var json = false

    func validate() throws {
        if let minSize, minSize < 2 { throw ValidationError("--min-size must be 2 or more, not \(minSize)") }
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let analysis = try inCase { () throws(CaseStoreError) in try MessageAnalysis(store: store, minimumSize: minSize) }
            let output = analysis.campaignsOutput
            if json { try printJSON(output); return }
            print("\(output.campaigns.count) campaigns among \(output.messages) messages")
            for c in output.campaigns {
                print("#\(c.number)\t\(c.size) messages\t\(c.category) (\(c.categoryWords.joined(separator: ", ")))\t"
                    + "\(c.firstTime ?? "?") – \(c.lastTime ?? "?")")
                print("\t\(c.representativeText)")
                let through = [("senders", c.senders), ("SIMs", c.sims), ("ports", c.ports), ("boxes", c.boxes), ("phones", c.phones)]
                    .filter { !$0.1.isEmpty }.map { "\($0.0): \($0.1.prefix(5).joined(separator: " "))\($0.1.count > 5 ? " …(\($0.1.count))" : "")" }
                if !through.isEmpty { print("\t" + through.joined(separator: "; ")) }
            }
        }
    }
}

struct Indicators: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicators",
        abstract: "List the URLs, domains, phone numbers, bank accounts and Zalo/Telegram contacts the case's messages advertise.",
        discussion: "Each with its count, the campaigns that carry it and the pointers of its messages (docs/ANALYSIS.md)."
    )
    @Option(help: ArgumentHelp("Also write the indicators as CSV to FILE (columns in docs/ANALYSIS.md).", valueName: "FILE")) var csv: String?
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.indicators/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let analysis = try inCase { () throws(CaseStoreError) in try MessageAnalysis(store: store) }
            let output = analysis.indicatorsOutput
            if let csv {
                do { try Data(IndicatorTable.csv(output.indicators).utf8).write(to: URL(fileURLWithPath: csv), options: .withoutOverwriting) } catch {
                    throw CustodyFailure("cannot write \(csv): \(error.localizedDescription); choose a new file name (an existing file is never overwritten)")
                }
            }
            if json { try printJSON(output); return }
            print("\(output.indicators.count) indicators in \(output.messages) messages")
            for i in output.indicators {
                let campaigns = i.campaigns.isEmpty ? "" : "\tcampaigns \(i.campaigns.map { "#\($0)" }.joined(separator: " "))"
                print("\(i.kind)\t\(i.value)\(i.bank.map { " (\($0))" } ?? "")\t\(i.count)×\(campaigns)")
            }
        }
    }
}
