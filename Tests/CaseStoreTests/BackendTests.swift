@testable import CaseStore
import Foundation
import Ledger
import SIMCard
import Synchronization
import Testing

/// Between and across backends: `case copy` both ways, and a PostgreSQL server restarted in
/// the middle of a batch of appends.
@Suite(.serialized, .enabled(if: PostgresTestServer.url != nil, PostgresTestServer.skipReason))
struct BackendTests {
    /// A case with a little of everything: roster, items, a read SIM, a photo, a checkpoint.
    func populated(_ backend: Backend, _ name: String = #function) throws -> TempCase {
        let c = try TempCase(backend, name)
        try c.populate()
        var read = SIMAcquisition.notConnected(reader: "Bench 1", atr: [0x3B, 0x00], scope: .identity, reason: "x")
        read.iccid = try JSONDecoder().decode(SIMAcquisition.ICCIDView.self, from: Data(#"{"digits":"8984012204000123456","luhnValid":true}"#.utf8))
        read.complete = true
        read.incompleteReason = nil
        try c.store.recordAcquisition(read, record: try JSONEncoder().encode(read), by: "tech1")
        let photo = c.directory + "/bag.jpg"
        try Data([0xFF, 0xD8, 0x00, 0x01, 0xFF, 0xD9]).write(to: URL(fileURLWithPath: photo))
        try c.store.photograph(label: "EX-1", file: photo, by: "tech1")
        _ = try c.store.checkpoint()
        return c
    }

    @Test func aCaseCopiedToPostgreSQLAndBackKeepsItsLedgerByteForByte() throws {
        let source = try populated(.sqlite)
        defer { source.remove() }
        let url = try PostgresTestServer.newDatabase()
        let (shared, up) = try source.store.copy(to: url)
        #expect(up.entries == 9 && up.items == 2 && up.acquisitions == 1 && up.photos == 1 && up.checkpoints == 1)
        #expect(try shared.lineRecords() == source.store.lineRecords())
        let photoPath = try #require(try source.store.read { db in try db.string("SELECT path FROM photo") })
        #expect(try shared.photoData(photoPath) == Data([0xFF, 0xD8, 0x00, 0x01, 0xFF, 0xD9]))
        // The shared case goes on: a second checkpoint is numbered after the copied one.
        try FileManager.default.copyItem(atPath: source.directory + "/" + CaseStore.keyName, toPath: source.directory + "/own.key")
        let signing = try CaseStore.open(store: url, stationKeyFile: source.directory + "/own.key")
        try signing.recordEvent(.custodyNote, label: "EX-1", details: ["text": "in the shared case"], by: "tech1")
        _ = try signing.checkpoint()
        #expect(try signing.checkpoints().map(\.id) == [1, 2])
        // Frozen for court: back into a folder, without any station.key.
        let frozen = source.directory + "-frozen"
        defer { try? FileManager.default.removeItem(atPath: frozen) }
        let (copy, down) = try signing.copy(to: frozen)
        let digest = try signing.ledgerDigest()
        #expect(down.entries == 10 && down.ledgerSHA256 == digest)
        #expect(!FileManager.default.fileExists(atPath: frozen + "/" + CaseStore.keyName))
        #expect(try copy.verify().isValid)
        #expect(try copy.summary().simItems == 1)
        // Copying onto a store that holds a case is refused and leaves that store as it was.
        #expect(throws: CaseStoreError.alreadyACase(frozen)) { try signing.copy(to: frozen) }
        #expect(throws: CaseStoreError.self) { try copy.copy(to: url) }
        #expect(try CaseStore.open(store: url).lineRecords().count == 10)
    }

    @Test func aServerRestartInTheMiddleOfABatchLosesNothing() throws {
        let dir = try #require(PostgresTestServer.directory, "CUSTODY_PG_DIR names the Scripts/pg folder")
        let c = try TempCase(.postgres)
        defer { c.remove() }
        try c.populate()
        let done = Mutex([String]())
        let failed = Mutex([String]())
        let appender = Thread {
            for n in 0..<60 {
                do {
                    try c.store.recordEvent(.custodyNote, label: "EX-1", details: ["text": "batch \(n)"], by: "tech1")
                    done.withLock { $0.append("batch \(n)") }
                } catch { failed.withLock { $0.append("\(error)") } }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        appender.start()
        Thread.sleep(forTimeInterval: 0.3)
        try Self.pg(["stop", "--dir", dir])
        Thread.sleep(forTimeInterval: 1)
        try Self.pg(["start", "--dir", dir])
        let deadline = Date().addingTimeInterval(180)
        while done.withLock({ $0.count }) + failed.withLock({ $0.count }) < 60, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(done.withLock { $0.count } == 60, "every append returned within 3 minutes")
        #expect(failed.withLock { $0 }.isEmpty, "appends retry while the server is away")
        let notes = try c.store.entries().compactMap { $0.entry.payload["text"]?.stringValue }.filter { $0.hasPrefix("batch ") }
        #expect(notes == done.withLock { $0 }, "each reported append exactly once, in order")
        #expect(try c.store.verify().isValid)
    }

    /// Runs Scripts/pg with posix_spawn and waitpid: Foundation's `Process.waitUntilExit` did not
    /// return here once the script had started the server (which lives on after the script).
    static func pg(_ arguments: [String]) throws {
        let argv: [UnsafeMutablePointer<CChar>?] = ([Binary.packageRoot + "/Scripts/pg"] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0]!, nil, nil, argv, environ) == 0 else { throw CaseStoreError.io("cannot run Scripts/pg") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else { throw CaseStoreError.io("Scripts/pg \(arguments[0]) failed (wait status \(status))") }
    }
}
