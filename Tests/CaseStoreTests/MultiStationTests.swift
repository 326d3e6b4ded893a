@testable import CaseStore
import Foundation
import Ledger
import Synchronization
import Testing

/// One PostgreSQL case, several stations at once (issue 7): station processes of the real
/// `custody` binary, each with its own key, appending into one ledger.
@Suite(.serialized, .enabled(if: PostgresTestServer.url != nil, PostgresTestServer.skipReason))
struct MultiStationTests {
    /// A PostgreSQL case with `stations` extra stations (bench-1…), each key added by the
    /// supervisor, and one item EX-1 to write events about.
    struct LabCase {
        let url: String
        let folder: String
        let supervisorKey: String
        let stationKeys: [String]

        init(stations: Int, test: String = #function) throws {
            url = try PostgresTestServer.newDatabase(test: test)
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("lab-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            supervisorKey = folder + "/case.key"
            try Self.expectOK(["case", "init", "--store", url, "--station-key", supervisorKey, "--name", "Op Lotus", "--agency", "C03",
                               "--authority", "W-2026-17", "--examiner", "sup1", "--examiner-name", "Nguyen Van A"])
            var keys = [String]()
            for n in 1...stations {
                let key = folder + "/bench-\(n).key"
                try Self.expectOK(["station", "init", "bench-\(n)", "--key-out", key, "--case", url])
                try Self.expectOK(["station", "add", folder + "/bench-\(n).pub", "--name", "bench-\(n)", "--case", url,
                                   "--station-key", supervisorKey, "--examiner", "sup1"])
                keys.append(key)
            }
            stationKeys = keys
            try Self.expectOK(["examiner", "add", "tech1", "--name", "Tran B", "--role", "technician", "--case", url,
                               "--station-key", supervisorKey, "--examiner", "sup1"])
            try Self.expectOK(["event", "seize", "EX-1", "--where", "Hanoi", "--when", "2026-11-01", "--from", "suspect",
                               "--case", url, "--station-key", supervisorKey, "--examiner", "tech1"])
        }

        static func expectOK(_ arguments: [String]) throws {
            let run = try Binary.run(arguments)
            guard run.status == 0 else {
                throw CaseStoreError.io("custody \(arguments.prefix(2).joined(separator: " ")) failed (\(run.status)): \(run.stderr)")
            }
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }

        /// Every entry of the case, read through the store API.
        func entries() throws -> [SignedEntry] { try CaseStore.open(store: url).entries() }
    }

    /// The `custody.note` texts in the ledger, with how often each occurs.
    static func noteCounts(_ entries: [SignedEntry]) -> [String: Int] {
        var counts = [String: Int]()
        for e in entries where e.entry.action == .custodyNote {
            if let text = e.entry.payload["text"]?.stringValue { counts[text, default: 0] += 1 }
        }
        return counts
    }

    @Test func fourStationsAppendIntoOneChainWithoutForkOrLoss() throws {
        let lab = try LabCase(stations: 4)
        defer { lab.remove() }
        let perStation = 15
        let reported = Mutex([String]())
        let failures = Mutex([String]())
        DispatchQueue.concurrentPerform(iterations: 4) { station in
            for n in 0..<perStation {
                let text = "station \(station + 1) note \(n)"
                do {
                    let run = try Binary.run(["event", "note", "EX-1", "--text", text, "--case", lab.url, "--examiner", "tech1",
                                              "--station-key", lab.stationKeys[station], "--json"])
                    if run.status == 0 { reported.withLock { $0.append(text) } } else { failures.withLock { $0.append(run.stderr) } }
                } catch { failures.withLock { $0.append("\(error)") } }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let entries = try lab.entries()
        let counts = Self.noteCounts(entries)
        // Every append reported done is in the ledger exactly once; nothing else was added.
        #expect(reported.withLock { $0 }.count == 4 * perStation)
        for text in reported.withLock({ $0 }) { #expect(counts[text] == 1, "\(text)") }
        #expect(counts.count == 4 * perStation)
        // One chain: sequence numbers 0…n-1, each entry chained to the one before (verify).
        #expect(entries.map(\.entry.sequence) == (0..<Int64(entries.count)).map { $0 })
        let verify = try Binary.run(["ledger", "verify", "--case", lab.url])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        // Each station signed its own notes.
        let signers = Set(entries.filter { $0.entry.action == .custodyNote }.map(\.entry.station))
        #expect(signers.count == 4)
    }

    @Test func aStationKilledMidAppendLeavesAVerifyingLedger() throws {
        let lab = try LabCase(stations: 2)
        defer { lab.remove() }
        let reported = Mutex([String]())
        let killed = Mutex(0)
        // Station 1 appends steadily; station 2's appends are killed with SIGKILL at varying
        // moments (some before, some during, some after the transaction).
        DispatchQueue.concurrentPerform(iterations: 2) { station in
            for n in 0..<12 {
                let text = "station \(station + 1) note \(n)"
                let killAfter: Double? = station == 1 ? 0.01 * Double(n % 6 + 1) : nil
                guard let run = try? Binary.run(["event", "note", "EX-1", "--text", text, "--case", lab.url, "--examiner", "tech1",
                                                 "--station-key", lab.stationKeys[station]], killAfter: killAfter) else { continue }
                if run.killed { killed.withLock { $0 += 1 } } else if run.status == 0 { reported.withLock { $0.append(text) } }
            }
        }
        #expect(killed.withLock { $0 } > 0, "no station process was killed: raise the delays")
        let counts = Self.noteCounts(try lab.entries())
        for text in reported.withLock({ $0 }) { #expect(counts[text] == 1, "\(text)") }
        #expect(counts.values.allSatisfy { $0 == 1 })
        let verify = try Binary.run(["ledger", "verify", "--case", lab.url])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func aRevokedStationIsRefusedInOneLine() throws {
        let lab = try LabCase(stations: 2)
        defer { lab.remove() }
        let keyID = try StationKey(parsing: String(contentsOfFile: lab.stationKeys[1], encoding: .utf8)).keyID.hex
        try LabCase.expectOK(["station", "revoke", keyID, "--reason", "laptop stolen", "--case", lab.url,
                              "--station-key", lab.supervisorKey, "--examiner", "sup1"])
        let refused = try Binary.run(["event", "note", "EX-1", "--text", "after revocation", "--case", lab.url, "--examiner", "tech1",
                                      "--station-key", lab.stationKeys[1]])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("was revoked at entry"))
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(Self.noteCounts(try lab.entries())["after revocation"] == nil)
        let verify = try Binary.run(["ledger", "verify", "--case", lab.url])
        #expect(verify.status == 0)
    }

    @Test func theCLICopiesASharedCaseIntoAFolderForCourt() throws {
        let lab = try LabCase(stations: 1)
        defer { lab.remove() }
        let frozen = lab.folder + "/frozen"
        let run = try Binary.run(["case", "copy", "--from", lab.url, "--to", frozen, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let output = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let report = output?["report"] as? [String: Any]
        #expect(output?["schema"] as? String == "custody.case.copy/1")
        #expect(report?["entries"] as? Int == (try lab.entries().count))
        #expect(report?["ledgerSHA256"] as? String == (try CaseStore.open(store: lab.url).ledgerDigest()))
        #expect(!run.stdout.contains(try PostgresURL(lab.url).password ?? "no password"), "the password is never printed")
        let verify = try Binary.run(["ledger", "verify", "--case", frozen])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let again = try Binary.run(["case", "copy", "--from", lab.url, "--to", frozen])
        #expect(again.status == 1)
        #expect(again.stderr == "custody: \(frozen) already holds a case: choose another folder or an empty database (Custody never overwrites a case)\n")
    }

    @Test func aServerThatIsDownOrAWrongPasswordIsOneLineFromTheCLI() throws {
        let lab = try LabCase(stations: 1)
        defer { lab.remove() }
        var wrong = URLComponents(string: lab.url)!
        wrong.password = "not-the-password"
        let refused = try Binary.run(["case", "show", "--case", wrong.string!])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("custody: PostgreSQL refused the login of custody on "), "\(refused.stderr)")
        #expect(!refused.stderr.contains("not-the-password"))
        #expect(refused.stderr.split(separator: "\n").count == 1)
        var down = URLComponents(string: lab.url)!
        down.port = PostgresTestServer.closedPort()
        let unreachable = try Binary.run(["event", "note", "EX-1", "--text", "x", "--case", down.string!, "--examiner", "tech1",
                                          "--station-key", lab.stationKeys[0]])
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr.contains("is not reachable (connection refused): start it, or check --store / CUSTODY_STORE"), "\(unreachable.stderr)")
        #expect(unreachable.stderr.split(separator: "\n").count == 1)
    }
}
