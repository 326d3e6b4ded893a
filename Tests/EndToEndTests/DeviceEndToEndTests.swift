import Foundation
import Testing

extension EndToEnd {
/// The device registry from the command line: a SIM box with its slots, a catalog import (and
/// a refused one), SIMs read from the rig into registered slots, summary, carrier lists.
@Suite struct DeviceEndToEndTests {
    static let catalog = #"""
    label,type,parent,make,model,serial,mac,imei,imei2,hostname,count,condition,location,seal,note,ports,slots_per_port,iccid
    PH-1,phone,SYS-1,Samsung,SM-A105F,R58M1234,,356938035643809,490154203237518,,,cracked screen,Shelf 2,S-0041,,,,
    LOT-1,simlot,SYS-1,,,,,,,,25,"sealed, intact",Shelf 3,S-0042,"bag ""A""",,,
    PC-1,computer,SYS-1,Dell,OptiPlex 7010,CN0X1234,aa:bb:cc:dd:ee:ff,,,rig-01,,,,,,,,
    SIM-MOBI,sim,SB-03/P1/S1,,,,,,,,,,,,,,,8984012204000123456
    SIM-ICC20,sim,SB-03/P2/S1,,,,,,,,,,,,,,,89840523010000012344

    """#

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    @Test func registryFromCatalogToCarrierLists() throws {
        let rig = try Rig.running()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-devices-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": ""]
        func custody(_ args: [String], status: Int32 = 0) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }
        func entries() throws -> Int {
            try json(custody(["ledger", "verify", "--json"]).stdout)["verifiedEntries"] as? Int ?? -1
        }

        _ = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17",
                         "--examiner", "sup1", "--examiner-name", "Nguyen Van A"])
        _ = try custody(["examiner", "add", "clerk1", "--name", "Le C", "--role", "clerk", "--examiner", "sup1"])
        _ = try custody(["examiner", "add", "tech1", "--name", "Tran B", "--role", "technician", "--examiner", "sup1"])

        // Examiner required; then the system and a SIM box with 8 ports × 4 slots in one entry.
        let noExaminer = try custody(["device", "add", "SYS-1", "--type", "system"], status: 1)
        #expect(noExaminer.stderr.contains("no examiner given"))
        _ = try custody(["device", "add", "SYS-1", "--type", "system", "--examiner", "clerk1"])
        let before = try entries()
        let added = try custody(["device", "add", "SB-03", "--type", "simbox", "--parent", "SYS-1", "--ports", "8", "--slots-per-port", "4",
                                 "--make", "Hybertone", "--model", "GoIP-8", "--examiner", "clerk1"])
        #expect(added.stdout.contains("device.add: SB-03 (simbox) by clerk1: 8 ports × 4 slots, 41 items in all"), "\(added.stdout)")
        #expect(try entries() == before + 1)
        let slot = try json(custody(["device", "show", "SB-03/P8/S4", "--json"]).stdout)
        #expect((slot["item"] as? [String: Any])?["parent"] as? String == "SB-03/P8")
        let outside = try custody(["device", "add", "SB-03/P9", "--type", "port", "--parent", "SB-03", "--examiner", "clerk1"], status: 1)
        #expect(outside.stderr.contains("port index 9 is outside SB-03's ports 1–8"), "\(outside.stderr)")
        let badIMEI = try custody(["device", "add", "PH-X", "--type", "phone", "--imei", "356938035643808", "--examiner", "clerk1"], status: 1)
        #expect(badIMEI.stderr.contains("fails the Luhn check (its check digit should be 9)"), "\(badIMEI.stderr)")

        // A bad catalog is refused whole: line 3, nothing written.
        let bad = dir + "/bad.csv"
        try "label,type,parent,imei\nPH-2,phone,SYS-1,356938035643809\nPH-1,phone,SYS-1,356938035643809\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let countBefore = try entries()
        let refused = try custody(["device", "import", bad, "--examiner", "clerk1"], status: 1)
        #expect(refused.stderr.contains("line 3: IMEI 356938035643809 is already on item PH-2"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was written"))
        #expect(try entries() == countBefore)
        _ = try custody(["device", "show", "PH-2"], status: 1)

        // The good catalog: one device.import entry.
        let good = dir + "/catalog.csv"
        try Self.catalog.write(toFile: good, atomically: true, encoding: .utf8)
        let imported = try json(custody(["device", "import", good, "--examiner", "clerk1", "--json"]).stdout)
        #expect(imported["action"] as? String == "device.import")
        let payload = try #require(imported["payload"] as? [String: Any])
        #expect(payload["rows"] as? Int == 5)
        #expect((payload["sha256"] as? String)?.count == 64)
        #expect(try entries() == countBefore + 1)
        let phone = try json(custody(["device", "show", "PH-1", "--json"]).stdout)
        #expect(((phone["item"] as? [String: Any])?["tac"] as? [String: String])?["356938035643809"] == "35693803")
        let sims = try json(custody(["device", "list", "--type", "sim", "--json"]).stdout)
        #expect((sims["items"] as? [Any])?.count == 2)

        // Two SIMs from the rig: one registered in slot SB-03/P2/S1 (full read), one not (PIN-locked).
        let registered = try rig.reader(profile: "usim-iccid20"), locked = try rig.reader(profile: "usim-pin-enabled")
        for r in [registered, locked] { try rig.control(r, "reset-stats") }
        let r1 = try custody(["sim", "read", "--reader", registered.name, "--full", "--examiner", "tech1"])
        #expect(r1.stderr.contains("as SIM-ICC20"), "\(r1.stderr)")
        let r2 = try custody(["sim", "read", "--reader", locked.name, "--examiner", "tech1"])
        #expect(r2.stderr.contains("as SIM-\(locked.expect.iccid)"), "\(r2.stderr)")

        let found = try json(custody(["device", "find", registered.expect.imsi, "--json"]).stdout)
        #expect(((found["matches"] as? [[String: Any]])?.first?["item"] as? [String: Any])?["label"] as? String == "SIM-ICC20")
        _ = try custody(["device", "find", "no-such-thing"], status: 1)
        let holder = try json(custody(["device", "show", "SB-03/P2/S1", "--json"]).stdout)
        #expect(holder["children"] as? [String] == ["SIM-ICC20"])
        let simShow = try json(custody(["device", "show", "SIM-ICC20", "--json"]).stdout)
        #expect(simShow["acquisitions"] as? Int == 1)
        #expect(simShow["historyEntries"] as? Int == 2, "created by the import, then read")

        // Summary.
        let summary = try json(custody(["summary", "--json"]).stdout)
        #expect(summary["schema"] as? String == "custody.summary/1")
        let types = try #require(summary["types"] as? [String: Int])
        #expect(types == ["system": 1, "simbox": 1, "port": 8, "slot": 32, "phone": 1, "simlot": 1, "computer": 1, "sim": 3])
        let s = try #require(summary["sims"] as? [String: Int])
        #expect(s["total"] == 3)
        #expect(s["read"] == 1)
        #expect(s["pinLocked"] == 1)
        #expect(s["unreadable"] == 0)
        #expect(s["notRead"] == 1)
        let operators = try #require(summary["operators"] as? [String: Int])
        #expect(operators["Vietnamobile"] == 1)
        #expect(operators.values.reduce(0, +) == 3)

        // Carrier lists.
        let outDir = dir + "/carriers"
        let export = try json(custody(["export-operators", "--out", outDir, "--json"]).stdout)
        let files = try #require(export["files"] as? [[String: Any]])
        #expect(files.count == 3)
        let vnm = try Data(contentsOf: URL(fileURLWithPath: outDir + "/Vietnamobile.csv"))
        #expect(Array(vnm.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: vnm.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.first == "ICCID,IMSI,MSISDN,Item label,Parent label")
        #expect(lines.count == 3 && lines[2].isEmpty, "\(lines)")
        #expect(lines[1].hasPrefix("\(registered.expect.iccid),\(registered.expect.imsi),"), "\(lines)")
        #expect(lines[1].contains("84921000042"), "MSISDN from the full read: \(lines)")
        #expect(lines[1].hasSuffix(",SIM-ICC20,SB-03/P2/S1"), "\(lines)")
        let written = try FileManager.default.contentsOfDirectory(atPath: outDir).sorted()
        let all = written.filter { $0.hasSuffix(".csv") }
        // Beside each list, its letter to the carrier.
        #expect(written == (all + all.map { $0.replacingOccurrences(of: ".csv", with: ".html") }).sorted(), "\(written)")
        #expect(all.allSatisfy { !$0.contains(" ") && !$0.contains("(") }, "\(all)")
        var rows = [String]()
        for f in all { rows += String(decoding: try Data(contentsOf: URL(fileURLWithPath: outDir + "/" + f)), as: UTF8.self).components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty } }
        #expect(rows.contains { $0.hasPrefix("8984012204000123456,,,SIM-MOBI,SB-03/P1/S1") }, "the unread registered SIM, by its ICCID issuer: \(rows)")
        #expect(rows.contains { $0.hasPrefix("\(locked.expect.iccid),,,SIM-\(locked.expect.iccid),") }, "\(rows)")
        _ = try custody(["export-operators", "--out", outDir], status: 1)

        let verify = try custody(["ledger", "verify"])
        #expect(verify.stdout.contains("registry agrees"))
        for r in [registered, locked] {
            let stats = try rig.stats(r)
            #expect(stats.writeClassAPDUs == 0)
            #expect(stats.pinTriesConsumed == 0)
            #expect(stats.pinPresentations == 0)
        }
    }
}
}
