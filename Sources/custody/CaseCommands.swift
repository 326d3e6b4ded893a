import ArgumentParser
import CaseStore
import Foundation
import Ledger
import Wording
import Workbench

/// `--case DIR|URL` (or `--store URL`, CUSTODY_STORE, CUSTODY_CASE): the case a command works
/// on, a case folder or a PostgreSQL URL; `--station-key FILE` (or CUSTODY_STATION_KEY): the
/// station key that signs what the command writes.
struct CaseSelection: ParsableArguments {
    @Option(name: .customLong("case"), help: Self.caseHelp)
    var directory: String?
    @Option(help: ArgumentHelp("The case's PostgreSQL database, postgres://USER@HOST[:PORT]/DB[?sslmode=…] (default: $CUSTODY_STORE); same as --case URL.", valueName: "URL"))
    var store: String?
    @Option(help: Self.stationKeyHelp)
    var stationKey: String?

    static let caseHelp = ArgumentHelp("The case folder, or a PostgreSQL URL (default: $CUSTODY_STORE, else $CUSTODY_CASE).", valueName: "DIR|URL")
    static let stationKeyHelp = ArgumentHelp("This station's key, which signs entries and checkpoints (default: $CUSTODY_STATION_KEY, else the case's own DIR/station.key).", valueName: "FILE")

    /// The chosen store, or nil when none of --store, --case, CUSTODY_STORE, CUSTODY_CASE is given.
    var chosen: String? { CaseAccess.location(store ?? directory) }

    func open() throws -> CaseStore { try CaseAccess.open(store ?? directory, stationKey: stationKey) }

    /// The case for a command that only reads it: opened read-only, so that it works on a full
    /// disk (docs/CASE-STORE.md, "Commands that only read").
    func openForReading() throws -> CaseStore { try CaseAccess.open(store ?? directory, stationKey: stationKey, readOnly: true) }
}

/// A `--language`/`--lang` value parsed; one that names no language is a usage error.
func languageOption(_ value: String?) throws -> Language? {
    guard let value else { return nil }
    do { return try Language(option: value) } catch { throw ValidationError(error.description) }
}

/// `--lang vi|en`: the language of a document a command writes (default: the case's).
struct DocumentLanguageSelection: ParsableArguments {
    @Option(name: .customLong("lang"), help: ArgumentHelp("Language of the document: vi or en (default: the case's language, `case init --language`).", valueName: "vi|en"))
    var lang: String?

    func validate() throws {
        _ = try languageOption(lang)
    }

    func language(for store: CaseStore) throws -> Language { try DocumentLanguage.resolve(lang, store: store) }
}

/// `--examiner ID` (or CUSTODY_EXAMINER): who runs a command that changes the case.
struct ExaminerSelection: ParsableArguments {
    @Option(help: ArgumentHelp("Examiner id of whoever runs this (default: $CUSTODY_EXAMINER).", valueName: "ID"))
    var examiner: String?

    /// The examiner, checked against the case's roster, and this station's key, checked
    /// against the case's active stations: a changing command is refused before it does any
    /// work (reading a card, copying a photo), and the append checks both again.
    func id(in store: CaseStore) throws -> String { try Self.id(examiner, in: store) }

    static func id(_ examiner: String?, in store: CaseStore) throws -> String {
        try inCase { () throws(CaseStoreError) in
            let id = try CaseStore.examinerID(examiner)
            guard try store.examiner(id: id) != nil else { throw CaseStoreError.unknownExaminer(id) }
            try store.checkStationMaySign()
            return id
        }
    }
}

func printEntry(_ e: SignedEntry, json: Bool, what: String) throws {
    if json { try printJSON(EntryOutput(e)) } else { print("recorded entry \(e.entry.sequence) \(e.entry.action): \(what)") }
}

struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Create, inspect and copy a case store (a SQLite case folder, or a PostgreSQL database; docs/CASE-STORE.md).",
        subcommands: [CaseInit.self, CaseShow.self, CaseCopy.self]
    )
}

struct CaseInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a case: DIR/case.sqlite, a station signing key (DIR/station.key, 0600) and ledger entry 0; or the same in an empty PostgreSQL database (--store URL).",
        discussion: """
            The first examiner becomes the case's supervisor. Refuses a folder or database that already holds a case. \
            A PostgreSQL case has no folder: its first station key goes to --station-key FILE (default \
            ~/.config/custody/stations/<case id>/case.key), and every station then signs with --station-key.
            """
    )

    @Argument(help: "Folder for the case (created if needed); or give --store URL.")
    var directory: String?
    @Option(help: ArgumentHelp("Create the case in this empty PostgreSQL database instead of a folder (default: $CUSTODY_STORE when no DIR is given).", valueName: "URL"))
    var store: String?
    @Option(help: ArgumentHelp("With --store: where to write the case's first station key (default: $CUSTODY_STATION_KEY, else ~/.config/custody/stations/<case id>/case.key).", valueName: "FILE"))
    var stationKey: String?
    @Option(help: "Case name (e.g. the investigation's reference).")
    var name: String
    @Option(help: "Agency responsible for the case.")
    var agency: String
    @Option(help: "Legal authority for the examination (warrant or order number).")
    var authority: String
    @Option(help: "IANA time zone of the lab, for display (the ledger is UTC).")
    var timeZone: String = "Asia/Ho_Chi_Minh"
    @Option(help: ArgumentHelp("Language of the case's documents: vi or en (default: vi when --time-zone is Asia/Ho_Chi_Minh, else en).", valueName: "vi|en"))
    var language: String?
    @Option(help: ArgumentHelp("Id of the examiner opening the case (becomes supervisor; default: $CUSTODY_EXAMINER).", valueName: "ID"))
    var examiner: String?
    @Option(help: "Full name of that examiner.")
    var examinerName: String
    @Flag(help: "Print JSON (schema custody.case/1).")
    var json = false

    /// The folder or URL to create the case in.
    var target: String? {
        if let store { return store }
        if let directory { return directory }
        return ProcessInfo.processInfo.environment["CUSTODY_STORE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func validate() throws {
        if store != nil, directory != nil { throw ValidationError("give a case folder or --store URL, not both") }
        if let store, !CaseStore.isPostgres(store) { throw ValidationError("--store takes a postgres:// or postgresql:// URL; for a folder give it as DIR") }
        if target == nil { throw ValidationError("give a folder for the case, or --store URL (or set CUSTODY_STORE)") }
        _ = try languageOption(language)
        if stationKey != nil, let target, !CaseStore.isPostgres(target) {
            throw ValidationError("--station-key is for a PostgreSQL case: a folder case writes its own DIR/station.key")
        }
    }

    func run() throws {
        try reportingFailures {
            let target = target!
            var keyFile: String?
            let documentLanguage = try languageOption(language)
            let store = try inCase { () throws(CaseStoreError) in
                let new = CaseStore.NewCase(name: name, agency: agency, authority: authority, timeZone: timeZone,
                                            language: documentLanguage, examiner: .init(id: try CaseStore.examinerID(examiner), name: examinerName))
                guard CaseStore.isPostgres(target) else { return try CaseStore.create(directory: target, new) }
                let (store, file) = try CaseStore.create(postgres: target, keyFile: CaseAccess.stationKeyFile(stationKey), new)
                keyFile = file
                return store
            }
            if json {
                var output = try CaseOutput(store)
                output.stationKeyFile = keyFile
                try printJSON(output)
            } else {
                print("case \(store.caseID) created in \(store.directory), documents in \(try inCase { () throws(CaseStoreError) in try store.language() }.rawValue)")
                print("station key \(store.caseRecord.stationKey)")
                if let keyFile {
                    print("station key file \(keyFile) (0600): sign with --station-key \(keyFile) or CUSTODY_STATION_KEY")
                    print("ledger entry 0 (case.init) signed; verify with `custody ledger verify --case '\(store.directory)'`")
                } else {
                    print("ledger entry 0 (case.init) signed; verify with `custody ledger verify --case \(target)`")
                }
            }
        }
    }
}

struct CaseShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the case, its roster and counts.")
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.case/1).")
    var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let out = try CaseOutput(showing: store)
            if json { try printJSON(out); return }
            print("case \(out.id): \(out.name)")
            print("agency \(out.agency), authority \(out.authority), time zone \(out.timeZone), language \(out.language)")
            print("station key \(out.stationKey)")
            print("\(out.entries ?? 0) ledger entries, \(out.items ?? 0) items, \(out.acquisitions ?? 0) acquisitions")
            for x in out.examiners ?? [] { print("examiner \(x.id) (\(x.role)): \(x.name)") }
        }
    }
}

struct CaseCopy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a case into a new store: SQLite folder → PostgreSQL when a lab grows, PostgreSQL → folder to hand a frozen copy to a court.",
        discussion: """
            Every table and photo, from one consistent read of the source into one transaction of the target (a folder \
            without a case, or an empty PostgreSQL database). The copy's ledger is then compared byte for byte with the \
            source's and verified; on any failure nothing is left in the target. Writes no ledger entry (the ledgers stay identical). \
            A folder copy gets station.pub (entry 0's key) but no station.key: sign in it with --station-key.
            """
    )

    @Option(help: ArgumentHelp("The case to copy: a folder or a PostgreSQL URL.", valueName: "DIR|URL"))
    var from: String
    @Option(help: ArgumentHelp("The new store: a folder without a case, or an empty PostgreSQL database.", valueName: "DIR|URL"))
    var to: String
    @Flag(help: "Print JSON (schema custody.case.copy/1).")
    var json = false

    struct Output: Encodable {
        var schema = "custody.case.copy/1"
        var source: String
        var report: CaseStore.CopyReport
        var verified: Bool
    }

    func run() throws {
        try reportingFailures {
            let source = try CaseAccess.open(from, stationKey: nil)
            let (_, report) = try inCase { () throws(CaseStoreError) in try source.copy(to: to) }
            if json { try printJSON(Output(source: source.directory, report: report, verified: true)) } else {
                print("case \(source.caseID) copied from \(source.directory) to \(report.target)")
                print("\(report.entries) ledger entries (SHA-256 \(report.ledgerSHA256), the same in both), \(report.items) items, \(report.acquisitions) acquisitions, \(report.photos) photos, \(report.checkpoints) checkpoints")
                print("the copy verifies (`custody ledger verify`)")
            }
        }
    }
}
