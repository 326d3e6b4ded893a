import Foundation
import Testing

extension EndToEnd {
/// Batch reading (`custody sim watch`) on four virtual readers: cards swapped by the simulator,
/// origins scanned on standard input, a duplicate, a card pulled mid-read, Ctrl-C, kill -9 and
/// resume; the retry list and `device place`. The ledger verifies after each step, and no card
/// saw a write-class APDU or lost a PIN try.
@Suite struct WatchEndToEndTests {
    /// A running `custody sim watch --json`: its standard input (the origin scanner) and its
    /// JSON lines as they come.
    final class Watch {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        private(set) var reports: [[String: Any]] = []
        private var buffer = Data()

        init(rig: Rig, arguments: [String], environment: [String: String]) throws {
            process.executableURL = URL(fileURLWithPath: Rig.binDirectory + "/custody")
            process.arguments = ["sim", "watch", "--json"] + arguments
            process.environment = rig.environment.merging(environment) { $1 }
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
        }

        /// Types a label and Enter, as a USB QR scanner does.
        func scan(_ label: String) {
            input.fileHandleForWriting.write(Data((label + "\n").utf8))
        }

        /// Waits until `count` reports have arrived in all (10 s at most) and returns them.
        @discardableResult
        func reports(_ count: Int) throws -> [[String: Any]] {
            let deadline = Date().addingTimeInterval(10)
            while reports.count < count, Date() < deadline {
                if try readAvailable(waiting: 50) == .ended { break }
            }
            try #require(reports.count >= count, "watch reported \(reports.count) card(s), expected \(count)")
            return reports
        }

        /// After the process ended: takes every line it wrote.
        func drain() throws {
            while try readAvailable(waiting: 200) == .read {}
        }

        enum Arrival { case read, nothing, ended }

        /// Reads what arrives within `milliseconds`.
        private func readAvailable(waiting milliseconds: Int32) throws -> Arrival {
            let handle = output.fileHandleForReading
            var ready = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, milliseconds) > 0 else { return .nothing }
            let chunk = handle.availableData
            guard !chunk.isEmpty else { return .ended }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
                reports.append(object)
            }
            return .read
        }

        /// Ctrl-C, then the exit status and standard error.
        func interrupt() -> (status: Int32, stderr: String) {
            process.interrupt()
            input.fileHandleForWriting.closeFile()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, stderr)
        }
    }

    struct Case {
        let rig: Rig
        let dir: String
        var environment: [String: String] { ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "tech1"] }

        init(rig: Rig, catalog: String) throws {
            self.rig = rig
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-watch-\(UUID().uuidString)").path
            try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17",
                         "--examiner", "sup1", "--examiner-name", "Nguyen Van A"])
            try custody(["examiner", "add", "tech1", "--name", "Tran B", "--role", "technician", "--examiner", "sup1"])
            let file = dir + "/catalog.csv"
            try catalog.write(toFile: file, atomically: true, encoding: .utf8)
            try custody(["device", "import", file])
        }

        @discardableResult
        func custody(_ args: [String], status: Int32 = 0) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: environment)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }

        func json(_ args: [String]) throws -> [String: Any] {
            let out = try custody(args + ["--json"])
            return try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any], "\(out.stdout)")
        }

        /// `ledger verify` passes and holds `entries` entries.
        func expectLedger(entries: Int, _ comment: Comment) throws {
            let report = try json(["ledger", "verify"])
            #expect(report["valid"] as? Bool == true, comment)
            #expect(report["verifiedEntries"] as? Int == entries, comment)
        }

        func remove() { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// The first four readers, emptied; their original cards go back (and the forensic counters
    /// are checked) when `body` is done.
    func withFourEmptyReaders(_ rig: Rig, _ body: ([Rig.Reader]) throws -> Void) throws {
        let readers = Array(rig.readers.prefix(4))
        try #require(readers.count == 4, "the rig needs 4 readers")
        for r in readers {
            try rig.control(r, "reset-stats")
            try rig.control(r, "remove")
            try rig.waitForCard(r, present: false)
        }
        defer {
            for r in readers {
                _ = try? rig.control(r, "remove")
                _ = try? rig.control(r, "insert", r.profilePath)
                try? rig.waitForCard(r, present: true)
            }
        }
        try body(readers)
        for r in readers {
            let stats = try rig.stats(r)
            #expect(stats.writeClassAPDUs == 0, "\(r.name)")
            #expect(stats.pinTriesConsumed == 0, "\(r.name)")
        }
    }

    /// Takes the reader's card out (until pcscd has seen it go, as a technician's hand is
    /// slower than pcscd's poll) and puts `profile`'s card in, without waiting for pcscd.
    func insert(_ rig: Rig, _ reader: Rig.Reader, _ profile: String) throws {
        try rig.control(reader, "remove")
        try rig.waitForCard(reader, present: false)
        try rig.control(reader, "insert", profile)
    }

    @Test func batchOnFourReadersWithOriginsDuplicatesAndAPulledCard() throws {
        let rig = try Rig.running()
        try withFourEmptyReaders(rig) { readers in
            let profiles = readers.map(\.profilePath)
            // The catalog knows reader 1's SIM by ICCID in SB-01/P1/S1; a lot of 5 more.
            let catalog = """
                label,type,parent,ports,slots_per_port,count,iccid
                SYS-1,system,,,,,
                SB-01,simbox,SYS-1,2,2,,
                LOT-1,simlot,SYS-1,,,5,
                SIM-A,sim,SB-01/P1/S1,,,,\(readers[0].expect.iccid)

                """
            let c = try Case(rig: rig, catalog: catalog)
            defer { c.remove() }
            let start = try c.json(["ledger", "verify"])["verifiedEntries"] as? Int ?? -1
            let watch = try Watch(rig: rig, arguments: ["--readers"] + readers.map(\.name) + ["--origin-prompt"], environment: c.environment)

            // Scan the origin, insert the card: one report per card, in the scanned place.
            let origins = ["SB-01/P1/S1", "SB-01/P1/S2", "LOT-1", "LOT-1"]
            for (i, r) in readers.enumerated() {
                watch.scan(origins[i])
                try insert(rig, r, profiles[i])
                let report = try watch.reports(i + 1)[i]
                #expect(report["outcome"] as? String == "acquired", "\(report)")
                #expect(report["iccid"] as? String == r.expect.iccid)
                #expect(report["reader"] as? String == r.name)
                #expect(report["origin"] as? String == origins[i])
                #expect(report["placed"] as? Bool == true, "\(report)")
            }
            #expect(watch.reports.first?["label"] as? String == "SIM-A", "a registered SIM is read into its item")
            let progress = try #require(watch.reports.last?["progress"] as? [String: Any])
            // Registered: SIM-A + 3 read SIMs; the lot's 5 minus the 2 placed in it.
            #expect(progress["expected"] as? Int == 7)
            #expect(progress["read"] as? Int == 4)
            let slot = try c.json(["device", "show", "SB-01/P1/S2"])
            #expect("\(slot)".contains("SIM-\(readers[1].expect.iccid)"), "the SIM read from SB-01/P1/S2 is listed there")

            // Reader 1's card again, from another slot: recognised, recorded as a re-read, not moved.
            watch.scan("SB-01/P2/S1")
            try insert(rig, readers[1], profiles[0])
            let again = try watch.reports(5)[4]
            #expect(again["outcome"] as? String == "reread")
            #expect(again["label"] as? String == "SIM-A")
            #expect(again["sameContent"] as? Bool == true)
            #expect(again["placed"] as? Bool == false)
            #expect((again["problem"] as? String ?? "").contains("recorded in SB-01/P1/S1"), "\(again)")

            // A new card pulled after 10 APDUs (past its ICCID): stored as incomplete, on the retry list.
            let fifth = try #require(rig.readers.dropFirst(4).first, "the rig needs a fifth reader's profile")
            watch.scan("LOT-1")
            // Armed while the card is out: the fault applies to the card the insert puts in.
            try rig.control(readers[2], "remove")
            try rig.waitForCard(readers[2], present: false)
            try rig.control(readers[2], "remove-after", "10")
            try rig.control(readers[2], "insert", fifth.profilePath)
            let pulled = try watch.reports(6)[5]
            #expect(pulled["outcome"] as? String == "incomplete", "\(pulled)")
            #expect(pulled["iccid"] as? String == fifth.expect.iccid, "\(pulled)")
            #expect((pulled["problem"] as? String ?? "").contains("card removed during the read"), "\(pulled)")
            let pending = try c.json(["sim", "pending"])
            let list = try #require(pending["pending"] as? [[String: Any]])
            #expect(list.count == 1, "\(pending)")
            #expect(list.first?["iccid"] as? String == fifth.expect.iccid)

            let stopped = watch.interrupt()
            #expect(stopped.status == 0, "\(stopped.stderr)")
            #expect(stopped.stderr.contains("stopped: 6 card(s) this run"), "\(stopped.stderr)")
            #expect(!stopped.stderr.contains("refused"))
            // 6 reads + 4 placements (SIM-A was already in its slot; the duplicate was not moved).
            let placements = 4
            try c.expectLedger(entries: start + 6 + placements, "after the batch")

            // The pulled card read again completely: the retry list empties.
            try insert(rig, readers[2], fifth.profilePath)
            try rig.waitForCard(readers[2], present: true)
            let retry = try Watch(rig: rig, arguments: ["--readers", readers[2].name, "--max-cards", "1"], environment: c.environment)
            #expect(try retry.reports(1)[0]["outcome"] as? String == "reread")
            retry.process.waitUntilExit()
            #expect(retry.process.terminationStatus == 0)
            #expect((try c.json(["sim", "pending"])["pending"] as? [Any])?.isEmpty == true)
            try c.expectLedger(entries: start + 7 + placements, "after the retry")
        }
    }

    @Test func killedWatchResumesWithNothingReportedLost() throws {
        let rig = try Rig.running()
        try withFourEmptyReaders(rig) { readers in
            let c = try Case(rig: rig, catalog: "label,type\nSYS-1,system\n")
            defer { c.remove() }
            let start = try c.json(["ledger", "verify"])["verifiedEntries"] as? Int ?? -1
            var reported = [Int]()
            // Three rounds: cards go in, watch is killed (-9) right after, whatever it was doing.
            for round in 0..<3 {
                let watch = try Watch(rig: rig, arguments: ["--readers"] + readers.map(\.name), environment: c.environment)
                for (i, r) in readers.enumerated() { try insert(rig, r, readers[(i + round) % 4].profilePath) }
                if round < 2 { try watch.reports(1) }
                kill(watch.process.processIdentifier, SIGKILL)
                watch.process.waitUntilExit()
                try watch.drain()
                reported += watch.reports.compactMap { $0["entry"] as? Int }
                let verify = try c.json(["ledger", "verify"])
                #expect(verify["valid"] as? Bool == true, "round \(round): \(verify)")
                let count = try #require(verify["verifiedEntries"] as? Int)
                for e in reported { #expect(e < count, "entry \(e) was reported stored but the ledger has \(count) entries") }
            }
            // Resume: the cards still in the readers are read; all four are already in the case.
            let resumed = try Watch(rig: rig, arguments: ["--readers"] + readers.map(\.name) + ["--max-cards", "4"], environment: c.environment)
            let reports = try resumed.reports(4)
            resumed.process.waitUntilExit()
            #expect(resumed.process.terminationStatus == 0)
            let outcomes = Set(reports.compactMap { $0["outcome"] as? String })
            #expect(outcomes.isSubset(of: ["acquired", "reread"]), "\(reports)")
            let iccids = Set(reports.compactMap { $0["iccid"] as? String })
            #expect(iccids == Set(readers.map(\.expect.iccid)))
            let summary = try c.json(["summary"])
            let sims = try #require(summary["sims"] as? [String: Int])
            #expect(sims["total"] == 4 && sims["unreadable"] == 0 && sims["notRead"] == 0, "\(summary)")
            #expect((sims["read"] ?? 0) + (sims["pinLocked"] ?? 0) == 4, "\(summary)")
            #expect(try c.json(["ledger", "verify"])["verifiedEntries"] as? Int ?? 0 > start)
        }
    }

    @Test func watchRefusalsAreOneLine() throws {
        let rig = try Rig.running()
        func expectOneLine(_ out: Rig.Output, _ text: String) {
            #expect(out.status == 1, "\(out.stderr)")
            #expect(out.stderr.split(separator: "\n").count == 1, "\(out.stderr)")
            #expect(out.stderr.contains(text), "\(out.stderr)")
        }
        expectOneLine(try rig.run("custody", ["sim", "watch"], environment: ["CUSTODY_CASE": ""]),
                      "watch stores every read in a case: give --case DIR or set CUSTODY_CASE")
        let c = try Case(rig: rig, catalog: "label,type\nSYS-1,system\n")
        defer { c.remove() }
        expectOneLine(try c.custody(["sim", "watch", "--readers", "No Such Reader"], status: 1), "reader \"No Such Reader\" not found: readers are")
        expectOneLine(try rig.run("custody", ["sim", "watch"], environment: c.environment.merging(try Rig.readerlessEnvironment()) { $1 }),
                      "no smart-card reader found")
        expectOneLine(try c.custody(["sim", "watch", "--examiner", "nobody"], status: 1), "nobody")
        try c.expectLedger(entries: 3, "refusals write nothing")
    }

    @Test func placingAndMovingSIMsFollowsTheRegistryRules() throws {
        let rig = try Rig.running()
        let catalog = """
            label,type,parent,ports,slots_per_port,count,iccid
            SB-01,simbox,,1,2,,
            LOT-1,simlot,,,,3,
            SIM-1,sim,SB-01/P1/S1,,,,8984012204000123456
            SIM-2,sim,,,,,89840523010000012344

            """
        let c = try Case(rig: rig, catalog: catalog)
        defer { c.remove() }
        let full = try c.custody(["device", "place", "SIM-2", "--in", "SB-01/P1/S1"], status: 1)
        #expect(full.stderr.contains("slot SB-01/P1/S1 already holds SIM SIM-1: one SIM per slot"), "\(full.stderr)")
        #expect(full.stderr.split(separator: "\n").count == 1)
        let port = try c.custody(["device", "place", "SIM-2", "--in", "SB-01/P1"], status: 1)
        #expect(port.stderr.contains("a sim cannot be inside a port"), "\(port.stderr)")
        let placed = try c.custody(["device", "place", "89840523010000012344", "--in", "SB-01/P1/S2"])
        #expect(placed.stdout.contains("device.place: SIM-2 into SB-01/P1/S2"), "\(placed.stdout)")
        let noMove = try c.custody(["device", "place", "SIM-2", "--in", "LOT-1"], status: 1)
        #expect(noMove.stderr.contains("is recorded in SB-01/P1/S2, not LOT-1"), "\(noMove.stderr)")
        let moved = try c.json(["device", "place", "SIM-2", "--in", "LOT-1", "--move"])
        let payload = try #require(moved["payload"] as? [String: Any])
        #expect(payload["from"] as? String == "SB-01/P1/S2")
        #expect(payload["to"] as? String == "LOT-1")
        let unknown = try c.custody(["device", "place", "SIM-9", "--in", "LOT-1"], status: 1)
        #expect(unknown.stderr.contains("SIM-9"))
        let pending = try c.custody(["sim", "pending"])
        #expect(pending.stdout.hasPrefix("0 read(s) pending; 0 of 4 expected SIMs read"), "\(pending.stdout)")
        try c.expectLedger(entries: 5, "case.init, examiner.add, device.import, 2 × device.place")
    }
}
}

