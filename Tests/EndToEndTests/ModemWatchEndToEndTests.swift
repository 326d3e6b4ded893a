import Foundation
import Testing

extension EndToEnd {
/// `custody modem watch` on a private virtual pool of 8 ports (Scripts/modem-pool): six
/// dialects, one empty port, a PIN-locked and a PUK-locked SIM. Every port read in parallel into
/// a case and --out; a run broken by a mute module, then resumed; and on every port, after
/// every run, no forbidden command, no write-class APDU and no PIN try.
@Suite struct ModemWatchEndToEndTests {
    /// Port i (from 1) holds profiles[i-1] on dialects[i-1] (Scripts/test).
    static let profiles = ["classic-viettel", "usim-iccid20", "usim-mnc3", "usim-mobifone", "usim-t1", "empty", "usim-pin-enabled", "usim-pin-blocked"]
    static let dialects = ["quectel", "simcom", "huawei", "ublox", "telit", "goip", "quectel", "simcom"]

    /// The pool Scripts/test starts for this suite alone (CUSTODY_MODEM_WATCH_POOL_DIR; its
    /// faults and counters would disturb the shared pool's tests): ports as `ModemPool` knows them.
    static func pool() throws -> ModemPool {
        let pool = try ModemPool.running(variable: "CUSTODY_MODEM_WATCH_POOL_DIR",
                                         "modem watch tests need their own 8-port pool: run Scripts/test (it starts Scripts/modem-pool)")
        let ports = pool.ports
        try #require(ports.map(\.dialect) == dialects && ports.map { ($0.profile as NSString?)?.lastPathComponent ?? "empty" } == profiles.map { $0 == "empty" ? $0 : $0 + ".json" },
                     "the pool in \(pool.runner.directory) is not the one Scripts/test starts for this suite")
        for port in ports { try pool.reset(port) }
        return pool
    }

    func expectUnchanged(_ pool: ModemPool) throws {
        for port in pool.ports { try pool.expectUnchanged(port) }
    }

    func custody(_ pool: ModemPool, _ arguments: [String], environment: [String: String] = [:]) throws -> Rig.Output {
        try pool.runner.run("custody", arguments, environment: environment)
    }

    /// The per-port objects and the summary `modem watch --json` printed.
    func parse(_ stdout: String) throws -> (reports: [String: [String: Any]], summary: [String: Any]) {
        let objects = try stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not a JSON object: \($0)")
        }
        let summary = try #require(objects.last, "no output")
        #expect(summary["schema"] as? String == "custody.modem.watch-summary/1")
        var reports: [String: [String: Any]] = [:]
        for report in objects.dropLast() {
            #expect(report["schema"] as? String == "custody.modem.watch/1")
            reports[report["port"] as? String ?? ""] = report
        }
        return (reports, summary)
    }

    func recordFiles(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }
    }

    @Test func everyPortInParallelIntoACaseAndFolder() throws {
        let pool = try Self.pool()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("custody-modem-watch-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        let dir = work + "/case", out = work + "/records"
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": ""]
        for setup in [["case", "init", dir, "--name", "Op Pool", "--agency", "C03", "--authority", "W-17", "--examiner", "sup1", "--examiner-name", "Nguyen Van A"],
                      ["examiner", "add", "tech1", "--name", "Tran B", "--role", "technician", "--examiner", "sup1"],
                      ["device", "add", "SB-01", "--type", "simbox", "--ports", "8", "--slots-per-port", "1", "--examiner", "sup1"]] {
            let done = try custody(pool, setup, environment: env)
            try #require(done.status == 0, "custody \(setup.joined(separator: " ")): \(done.stderr)")
        }
        let items = pool.ports.map { "SB-01/P\($0.index)" }
        // Mapping mistakes are one line each, before any module is touched.
        let map = work + "/items.txt"
        try "# port  item\n\(pool.ports[0].path) SB-01/P1\n\(pool.ports[1].path)\n".write(toFile: map, atomically: true, encoding: .utf8)
        let badMap = try custody(pool, ["modem", "watch"] + pool.ports.map(\.path) + ["--item-map", map, "--examiner", "tech1"], environment: env)
        #expect(badMap.status == 1 && badMap.stderr.contains("items.txt line 3: expected `PORT LABEL`"), "\(badMap.stderr)")
        let short = try custody(pool, ["modem", "watch"] + pool.ports.map(\.path) + ["--examiner", "tech1", "--items", "SB-01/P1"], environment: env)
        #expect(short.status == 1 && short.stderr.contains("--items gives 1 label(s) for 8 port(s)"), "\(short.stderr)")
        let notAPort = try custody(pool, ["modem", "watch", pool.ports[0].path, "--examiner", "tech1", "--items", "SB-01"], environment: env)
        #expect(notAPort.status == 1 && notAPort.stderr.contains("not a port or slot"), "\(notAPort.stderr)")
        for port in pool.ports { #expect(try pool.stats(port).commandsTotal == 0, "port \(port.index) was opened") }
        let run = try custody(pool, ["modem", "watch"] + pool.ports.map(\.path) + ["--json", "--out", out, "--examiner", "tech1", "--items"] + items,
                                   environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let (reports, summary) = try parse(run.stdout)
        #expect(summary["ports"] as? Int == 8 && summary["read"] as? Int == 5 && summary["empty"] as? Int == 1
                && summary["pinLocked"] as? Int == 2 && summary["failed"] as? Int == 0, "\(summary)")
        for port in pool.ports {
            let report = try #require(reports[port.path], "no report for port \(port.index)")
            let profile = (port.profile as NSString?)?.lastPathComponent ?? "empty"
            let expected = profile == "empty" ? "empty" : profile.hasPrefix("usim-pin-") ? "pin-locked" : "read"
            #expect(report["outcome"] as? String == expected, "port \(port.index): \(report)")
            #expect(report["dialect"] as? String == port.dialect)
            #expect(report["imei"] as? String == port.imei)
            #expect(report["item"] as? String == "SB-01/P\(port.index)")
            // Progress: one stderr line per port, naming it.
            #expect(run.stderr.split(separator: "\n").contains { $0.contains(port.path + " |") }, "no progress line for \(port.path)")
            guard expected != "empty" else { continue }
            #expect((report["recorded"] as? String)?.contains("in place in SB-01/P\(port.index)") == true, "port \(port.index): \(report)")
            // The case keeps the module IMEI on the port and the SIM in its slot.
            let shown = try custody(pool, ["device", "show", "SB-01/P\(port.index)", "--json"], environment: env)
            let item = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])["item"] as? [String: Any]
            #expect((item?["identifiers"] as? [String: Any])?["moduleIMEI"] as? String == port.imei, "\(shown.stdout)")
        }
        #expect(recordFiles(out).count == 7, "one record per port with a SIM: \(recordFiles(out))")
        try expectUnchanged(pool)
    }

    @Test func aRunBrokenByAMuteModuleResumesWithOnlyTheMissingPort() throws {
        let pool = try Self.pool()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("custody-modem-watch-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let broken = try #require(pool.ports.first { $0.profile?.hasSuffix("/usim-mnc3.json") == true })
        try pool.control(broken, "mute-after", "3")
        let first = try custody(pool, ["modem", "watch"] + pool.ports.map(\.path) + ["--json", "--out", out])
        #expect(first.status == 2, "\(first.stderr)")
        let (reports, summary) = try parse(first.stdout)
        #expect(summary["failed"] as? Int == 1 && summary["read"] as? Int == 4, "\(summary)")
        #expect(reports[broken.path]?["outcome"] as? String == "failed")
        #expect((reports[broken.path]?["problem"] as? String)?.contains("does not answer AT") == true, "\(reports[broken.path] ?? [:])")
        #expect(first.stderr.contains("FAILED"), "\(first.stderr)")
        #expect(recordFiles(out).count == 6, "nothing half-recorded for the mute port: \(recordFiles(out))")
        try expectUnchanged(pool)

        try pool.control(broken, "clear")
        for port in pool.ports { try pool.control(port, "reset-stats") }
        let resumed = try custody(pool, ["modem", "watch"] + pool.ports.map(\.path) + ["--json", "--out", out, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let (again, total) = try parse(resumed.stdout)
        #expect(total["skipped"] as? Int == 6 && total["read"] as? Int == 1 && total["empty"] as? Int == 1 && total["failed"] as? Int == 0, "\(total)")
        #expect(again[broken.path]?["outcome"] as? String == "read")
        #expect(recordFiles(out).count == 7)
        for port in pool.ports where port.path != broken.path && port.profile != nil {
            #expect(again[port.path]?["outcome"] as? String == "skipped", "port \(port.index)")
            // Skipped: only the module's identity queries were sent, not a single APDU.
            #expect(try pool.stats(port).commandsTotal <= 13, "port \(port.index)")
        }
        // The empty port: its identity sequence once (10 commands), no second read.
        let empty = try #require(pool.ports.first { $0.profile == nil })
        #expect(again[empty.path]?["outcome"] as? String == "empty")
        #expect(try pool.stats(empty).commandsTotal == 10)
        try expectUnchanged(pool)
    }
}
}
