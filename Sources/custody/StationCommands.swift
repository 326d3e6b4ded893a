import ArgumentParser
import CaseStore
import Foundation
import Ledger
import Workbench

struct StationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "station",
        abstract: "The stations (Ed25519 keys) that may sign for the case (docs/CASE-STORE.md, \"Stations\").",
        subcommands: [StationInit.self, StationAdd.self, StationRevoke.self, StationList.self]
    )
}

struct StationInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Make this station's key (run on the station's machine) and print its verifier key for a supervisor to add.",
        discussion: "Writes nothing into the case. The key file is 0600 and never overwritten; its verifier key goes beside it in a .pub file."
    )
    @Argument(help: "Station name (letters, digits, '-', '_', '.', '@'), e.g. bench-2.")
    var name: String
    @Option(help: ArgumentHelp("Where to write the key (default: $CUSTODY_STATION_KEY, else ~/.config/custody/stations/<case id>/<name>.key).", valueName: "FILE"))
    var keyOut: String?
    @Option(name: .customLong("case"), help: CaseSelection.caseHelp)
    var caseDirectory: String?
    @Flag(help: "Print JSON (schema custody.station.key/1).")
    var json = false

    struct Output: Encodable {
        var schema = "custody.station.key/1"
        var name: String
        var keyID: String
        var verifierKey: String
        var keyFile: String
        var publicFile: String
    }

    func run() throws {
        try reportingFailures {
            let store = try CaseAccess.open(caseDirectory, stationKey: nil)
            let environment = ProcessInfo.processInfo.environment["CUSTODY_STATION_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            let keyFile = keyOut ?? environment ?? CaseStore.defaultStationKeyFile(caseID: store.caseID, station: name)
            let (key, publicFile) = try inCase { () throws(CaseStoreError) in try store.makeStationKey(name: name, keyFile: keyFile) }
            if json {
                try printJSON(Output(name: name, keyID: key.keyID.hex, verifierKey: key.verifierKey.description, keyFile: keyFile, publicFile: publicFile))
            } else {
                print(key.verifierKey.description)
                printError("station key \(key.keyID) for station \(name) of case \(store.caseID) written to \(keyFile) (0600), verifier key to \(publicFile)")
                printError("a supervisor adds it with: custody station add \(publicFile) --name \(name)")
            }
        }
    }
}

struct StationAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Let another station sign for the case (ledger station.add). Only a supervisor may.",
        discussion: "The key may sign from the next entry on. A key is added once: a revoked key never comes back."
    )
    @Argument(help: ArgumentHelp("The station's verifier key line (name+keyid+base64), or the .pub file holding it.", valueName: "VERIFIER-KEY|FILE"))
    var key: String
    @Option(help: "The station's name (as given to `station init`).")
    var name: String
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON (schema custody.ledger.entry/1).")
    var json = false

    /// The verifier key given inline, or read from the file named.
    func verifierKey() throws -> VerifierKey {
        if let inline = try? VerifierKey(parsing: key.trimmingCharacters(in: .whitespacesAndNewlines)) { return inline }
        guard FileManager.default.fileExists(atPath: key) else {
            throw CustodyFailure("\(key) is neither a verifier key (name+keyid+base64) nor a file: pass the line `custody station init` printed, or its .pub file")
        }
        let lines = try readTextFile(key, what: "verifier key").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard lines.count == 1, let station = try? VerifierKey(parsing: lines[0]) else {
            throw CustodyFailure("\(key) does not hold exactly one verifier key: give the .pub file `custody station init` wrote")
        }
        return station
    }

    func run() throws {
        try reportingFailures {
            let station = try verifierKey()
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let entry = try inCase { () throws(CaseStoreError) in try store.addStation(station, name: name, by: examiner) }
            try printEntry(entry, json: json, what: "station \(name) (key \(station.keyID)) added by \(examiner)")
        }
    }
}

struct StationRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Stop a station from signing for the case (ledger station.revoke), e.g. a stolen laptop. Only a supervisor may.",
        discussion: "The key may not sign from the next entry on; what it signed before stays valid. The last active key cannot be revoked."
    )
    @Argument(help: ArgumentHelp("The station's key ID (8 hex digits, see `custody station list`).", valueName: "KEYID"))
    var keyID: String
    @Option(help: "Why (recorded in the entry).")
    var reason: String
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON (schema custody.ledger.entry/1).")
    var json = false

    func validate() throws {
        guard KeyID(hex: keyID.lowercased()) != nil else { throw ValidationError("KEYID \(keyID) is not a key ID: write its 8 hex digits as `custody station list` shows them") }
    }

    func run() throws {
        try reportingFailures {
            let id = KeyID(hex: keyID.lowercased())!
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let entry = try inCase { () throws(CaseStoreError) in try store.revokeStation(id, reason: reason, by: examiner) }
            try printEntry(entry, json: json, what: "station \(id) revoked by \(examiner)")
        }
    }
}

struct StationList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List every station: when it was added, revoked, and whether it may sign.")
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.stations/1).")
    var json = false

    struct Output: Encodable {
        var schema = "custody.stations/1"
        var stations: [Station]
    }

    struct Station: Encodable {
        var keyID: String
        var name: String
        var key: String
        var added: Int64
        var revoked: Int64?
        var reason: String?
        var active: Bool
        /// Whether this is the key this command was run with (--station-key, CUSTODY_STATION_KEY or DIR/station.key).
        var thisStation: Bool
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let stations = try inCase { () throws(CaseStoreError) in try store.stations() }.map {
                Station(keyID: $0.keyID, name: $0.name, key: $0.key, added: $0.addedSeq, revoked: $0.revokedSeq, reason: $0.revokeReason,
                        active: $0.isActive, thisStation: store.signingKeyID?.hex == $0.keyID)
            }
            if json { try printJSON(Output(stations: stations)); return }
            for s in stations {
                let state = s.revoked.map { "revoked at entry \($0) (\(s.reason ?? "no reason"))" } ?? "active"
                print("\(s.keyID)\t\(s.name)\tadded at entry \(s.added)\t\(state)\(s.thisStation ? "\tthis station" : "")")
            }
        }
    }
}
