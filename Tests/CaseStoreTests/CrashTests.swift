import CaseStore
import Foundation
import GRDB
import Ledger
import Testing

/// The `custody` binary killed with SIGKILL mid-write, and the store held by another writer.
@Suite(.serialized) struct CrashTests {
    @Test func killNineMidBatchLosesNothingThatWasReported() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Binary.custody), "build custody first (CUSTODY_BIN_DIR)")
        let c = try TempCase()
        defer { c.remove() }
        try c.store.recordEvent(.custodySeize, label: "EX-1", details: ["where": "lab"], by: "sup1")
        let env = ["CUSTODY_CASE": c.directory, "CUSTODY_EXAMINER": "sup1"]
        var reported: [Int64: String] = [:]
        var kills = 0
        for i in 0..<60 {
            // Every other run is killed after a delay spread over the process's life.
            let delay: Double? = i % 2 == 1 ? Double((i * 13) % 80) / 1000 + 0.005 : nil
            let out = try Binary.run(["event", "note", "EX-1", "--text", "note \(i)"], environment: env, killAfter: delay)
            if out.killed { kills += 1; continue }
            #expect(out.status == 0, "\(out.stderr)")
            if out.status == 0 {
                let seq = try #require(out.stdout.split(separator: " ").dropFirst(2).first.flatMap { Int64($0) }, "\(out.stdout)")
                reported[seq] = "note \(i)"
            }
        }
        #expect(kills > 0)
        let store = try CaseStore.open(directory: c.directory)
        let r = try store.verify()
        #expect(r.isValid, "\(r.failure ?? "")")
        let entries = try store.entries()
        for (seq, text) in reported {
            #expect(seq < entries.count && entries[Int(seq)].entry.payload["text"]?.stringValue == text, "entry \(seq) printed but missing")
        }
        // It still takes writes.
        try store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "after"], by: "sup1")
        #expect(try store.verify().isValid)
    }

    @Test func aLockedStoreIsOneClearLineAndNothingWritten() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Binary.custody), "build custody first (CUSTODY_BIN_DIR)")
        let c = try TempCase()
        defer { c.remove() }
        try c.store.recordEvent(.custodySeize, label: "EX-1", details: ["where": "lab"], by: "sup1")
        let holder = try DatabaseQueue(path: c.databasePath)
        let out = try holder.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            return try Binary.run(["event", "note", "EX-1", "--text", "blocked", "--case", c.directory, "--examiner", "sup1"],
                                  environment: ["CUSTODY_BUSY_TIMEOUT": "0.5"])
        }
        #expect(out.status == 1)
        #expect(out.stderr.contains("is locked by another process"), "\(out.stderr)")
        #expect(out.stderr.split(separator: "\n").count == 1)
        #expect(try c.entryCount() == 2)
    }

    @Test func cliRefusalsAreOneLineAndWriteNothing() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Binary.custody), "build custody first (CUSTODY_BIN_DIR)")
        let c = try TempCase()
        defer { c.remove() }
        let clean = ["CUSTODY_CASE": "", "CUSTODY_EXAMINER": ""]
        let cases: [([String], String)] = [
            (["event", "note", "EX-1", "--text", "x", "--case", c.directory], "no examiner given"),
            (["event", "note", "EX-1", "--text", "x", "--case", c.directory, "--examiner", "ghost"], "is not in this case's roster"),
            (["event", "note", "EX-1", "--text", "x", "--case", c.directory, "--examiner", "sup1"], "no item \"EX-1\""),
            (["event", "note", "EX-1", "--text", "x", "--examiner", "sup1"], "no case selected"),
            (["event", "note", "EX-1", "--text", "x", "--case", c.directory + "/none", "--examiner", "sup1"], "no case at"),
            (["case", "init", c.directory, "--name", "n", "--agency", "a", "--authority", "w", "--examiner", "x", "--examiner-name", "y"], "already holds a case"),
        ]
        for (args, expected) in cases {
            let out = try Binary.run(args, environment: clean)
            #expect(out.status == 1, "\(args)")
            #expect(out.stderr.contains(expected), "\(args): \(out.stderr)")
            #expect(out.stderr.split(separator: "\n").count == 1, "\(args): \(out.stderr)")
        }
        #expect(try c.entryCount() == 1)
        let newer = CaseStore.schemaVersion + 1
        try c.raw().write { db in try db.execute(sql: "PRAGMA user_version = \(newer)") }
        let out = try Binary.run(["ledger", "verify", "--case", c.directory], environment: clean)
        #expect(out.status == 1)
        #expect(out.stderr.contains("was written by a newer Custody (schema \(newer) > \(CaseStore.schemaVersion)): upgrade Custody"), "\(out.stderr)")
    }
}
