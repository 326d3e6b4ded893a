import CaseStore
import Foundation
import GRDB
import Ledger
import Testing

/// The backends the store tests run on: SQLite always, and PostgreSQL when `CUSTODY_PG_URL`
/// names a server (Scripts/test starts one).
enum Backend: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var all: [Backend] { PostgresTestServer.url == nil ? [.sqlite] : [.sqlite, .postgres] }
    var testDescription: String { rawValue }
}

/// A fresh case in a temporary folder, or in a new PostgreSQL database (its first station key
/// then in the temporary folder).
struct TempCase {
    let directory: String
    let store: CaseStore
    /// What `CaseStore.open(store:)` takes: the folder or the database URL.
    let location: String

    init(_ backend: Backend = .sqlite, _ name: String = #function) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casestore-\(UUID().uuidString)").path
        directory = dir
        let new = CaseStore.NewCase(name: "Op Lotus", agency: "C03", authority: "W-2026-17", timeZone: "Asia/Ho_Chi_Minh",
                                    examiner: .init(id: "sup1", name: "Nguyen Van A"))
        switch backend {
        case .sqlite:
            store = try CaseStore.create(directory: dir, new)
            location = dir
        case .postgres:
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            location = try PostgresTestServer.newDatabase(test: name)
            store = try CaseStore.create(postgres: location, keyFile: dir + "/case.key", new).0
        }
    }

    var databasePath: String { directory + "/" + CaseStore.databaseName }

    /// Opens the database directly, the way someone editing it outside the tool would.
    func raw() throws -> DatabaseQueue { try DatabaseQueue(path: databasePath) }

    /// Takes a SQLite case back to before migration 5 (search): no `item_text`, no FTS5 tables
    /// or their triggers, `v5-search` not applied, `user_version` 4 (or `userVersion`).
    func removeSearchIndex(userVersion: Int = 4) throws {
        try raw().write { db in
            for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'item%search%'") {
                try db.execute(sql: "DROP TRIGGER \(name)")
            }
            for table in ["item_label_search", "item_identifier_search", "item_text_search", "item_search_pending", "item_text"] {
                try db.execute(sql: "DROP TABLE \(table)")
            }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v5-search'")
            try db.execute(sql: "PRAGMA user_version = \(userVersion)")
        }
    }

    /// A small case: examiner, a seized item with a transfer and a seal, two notes.
    func populate() throws {
        try store.addExaminer(id: "tech1", name: "Tran B", role: .technician, by: "sup1")
        try store.recordEvent(.custodySeize, label: "EX-1", details: ["where": "Hanoi", "when": "2026-11-01", "from": "suspect"], by: "tech1")
        try store.recordEvent(.custodyTransfer, label: "EX-1", details: ["releasedBy": "tech1", "receivedBy": "sup1", "purpose": "lab"], by: "tech1")
        try store.recordEvent(.custodySeal, label: "EX-1", details: ["seal": "S-001"], by: "tech1")
        try store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "first"], by: "tech1")
        try store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "second"], by: "tech1")
    }

    func entryCount() throws -> Int { try store.lineRecords().count }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Runs the built `custody` binary (CUSTODY_BIN_DIR, as the end-to-end tests do).
enum Binary {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let directory = ProcessInfo.processInfo.environment["CUSTODY_BIN_DIR"] ?? packageRoot + "/.build/debug"
    static var custody: String { directory + "/custody" }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var killed: Bool
    }

    /// Runs custody; when `killAfter` is given, sends SIGKILL after that many seconds if still running.
    static func run(_ arguments: [String], environment extra: [String: String] = [:], killAfter: Double? = nil) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: custody)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        var killed = false
        if let killAfter {
            Thread.sleep(forTimeInterval: killAfter)
            if p.isRunning { kill(p.processIdentifier, SIGKILL); killed = true }
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if p.terminationReason == .uncaughtSignal { killed = true }
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self), killed: killed)
    }
}
