import Foundation
import SIMCard
import Testing

extension EndToEnd {
/// `custody device find` (the store's ranked search) and `custody sims ranges` through the
/// binary, on a case registered from a small catalog. No card is touched.
@Suite struct SearchEndToEndTests {
    /// `prefix` + `serial` (zero-padded to `width`) + its Luhn check digit.
    static func iccid(_ prefix: String, _ serial: Int, width: Int = 12) -> String {
        let digits = String(serial)
        let body = prefix + String(repeating: "0", count: width - digits.count) + digits
        return body + String(Luhn.checkDigit(of: body))
    }

    /// A box with five MobiFone SIMs from one lot (serial 220400012343 missing), one more of that
    /// lot in a bag of loose SIMs, two VNPT SIMs in a phone, and a lone MobiFone SIM.
    static let lot = [12340, 12341, 12342, 12344, 12345].map { iccid("898401", 220400000000 + $0) }
    static var catalog: String {
        var rows = ["label,type,parent,make,model,serial,mac,imei,imei2,hostname,count,condition,location,seal,note,ports,slots_per_port,iccid",
                    "SYS-1,system,,,,,,,,,,,,,,,,",
                    "SB-01,simbox,SYS-1,Hybertone,GoIP-8,,,,,,,,Kho Đống Đa,NP-000731,,8,1,",
                    "LOT-1,simlot,SYS-1,,,,,,,,3,,,,,,,",
                    "PH-1,phone,SYS-1,Samsung,SM-A105F,,,356938035643809,,,,,,,Thu giữ từ Nguyễn Văn Đức,,,"]
        for (i, number) in lot.prefix(4).enumerated() { rows.append("SIM-\(i + 1),sim,SB-01/P\(i + 1)/S1,,,,,,,,,,,,,,,\(number)") }
        rows.append("SIM-5,sim,LOT-1,,,,,,,,,,,,,,,\(lot[4])")
        rows.append("SIM-V1,sim,PH-1,,,,,,,,,,,,,,,\(iccid("898402", 77))")
        rows.append("SIM-V2,sim,PH-1,,,,,,,,,,,,,,,\(iccid("898402", 78))")
        rows.append("SIM-ALONE,sim,SYS-1,,,,,,,,,,,,,,,\(iccid("898401", 999_000_000_000))")
        return rows.joined(separator: "\n") + "\n"
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    @Test func findRanksAndRangesGroupTheLot() throws {
        // Only the binary is run: no reader, no rig needed.
        let runner = Rig(directory: "", readers: [], environment: ProcessInfo.processInfo.environment)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-search-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": ""]
        func custody(_ args: [String], status: Int32 = 0) throws -> Rig.Output {
            let out = try runner.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }
        _ = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17",
                         "--examiner", "sup1", "--examiner-name", "Nguyen Van A"])
        try Self.catalog.write(toFile: dir + "/catalog.csv", atomically: true, encoding: .utf8)
        _ = try custody(["device", "import", dir + "/catalog.csv", "--examiner", "sup1"])

        // device find: an 8-digit ICCID fragment, exact, words without diacritics, the limit.
        let fragment = String(Self.lot[2].suffix(8))
        let found = try json(custody(["device", "find", fragment, "--json"]).stdout)
        #expect(found["schema"] as? String == "custody.device.find/1")
        let matches = try #require(found["matches"] as? [[String: Any]])
        #expect(matches.map { ($0["item"] as? [String: Any])?["label"] as? String } == ["SIM-3"])
        #expect(matches.first?["rank"] as? String == "fragment")
        #expect(matches.first?["matched"] as? [String] == ["ICCID \(Self.lot[2])"])
        let words = try json(custody(["device", "find", "nguyen van duc", "--json"]).stdout)
        #expect((words["matches"] as? [[String: Any]])?.map { ($0["item"] as? [String: Any])?["label"] as? String } == ["PH-1"])
        let place = try custody(["device", "find", "dong da"])
        #expect(place.stdout.hasPrefix("SB-01") && place.stdout.contains("(matched text kho dong da"), "\(place.stdout)")
        let limited = try json(custody(["device", "find", "SIM-", "--limit", "2", "--json"]).stdout)
        #expect((limited["matches"] as? [[String: Any]])?.compactMap { ($0["item"] as? [String: Any])?["label"] as? String } == ["SIM-1", "SIM-2"])
        let none = try custody(["device", "find", "no-such-thing"], status: 1)
        #expect(none.stderr.split(separator: "\n").count == 1 && none.stderr.contains("no item matches"))

        // sims ranges: the lot (with its gap and both places), the VNPT pair; the lone SIM is in no run.
        let ranges = try json(custody(["sims", "ranges", "--json"]).stdout)
        #expect(ranges["schema"] as? String == "custody.sims.ranges/1")
        #expect(ranges["maxGap"] as? Int == 10 && ranges["simsWithICCID"] as? Int == 8 && ranges["simsInRuns"] as? Int == 7)
        let runs = try #require(ranges["runs"] as? [[String: Any]])
        #expect(runs.count == 2)
        let lot = runs[0]
        #expect(lot["issuerPrefix"] as? String == "898401" && lot["issuer"] as? String == "MOBIFONE CORPORATION (MOBIFONE)")
        #expect(lot["count"] as? Int == 5 && lot["first"] as? String == Self.lot[0] && lot["last"] as? String == Self.lot[4])
        #expect(lot["missing"] as? Int == 1)
        let gap = Self.iccid("898401", 220400012343)
        #expect((lot["gaps"] as? [[String: Any]])?.map { "\($0["first"] ?? "") \($0["last"] ?? "") \($0["count"] ?? "")" } == ["\(gap) \(gap) 1"])
        #expect(lot["sims"] as? [String] == ["SIM-1", "SIM-2", "SIM-3", "SIM-4", "SIM-5"])
        let places = try #require(lot["places"] as? [[String: Any]])
        #expect(places.map { $0["label"] as? String } == ["SB-01", "LOT-1"])
        #expect(places.map { $0["count"] as? Int } == [4, 1])
        #expect(places.first?["type"] as? String == "simbox")
        #expect(places.first?["ports"] as? [String] == ["SB-01/P1", "SB-01/P2", "SB-01/P3", "SB-01/P4"])
        #expect(runs[1]["count"] as? Int == 2 && runs[1]["issuerPrefix"] as? String == "898402" && runs[1]["sims"] as? [String] == ["SIM-V1", "SIM-V2"])

        // Strictly consecutive: the lot splits at its gap.
        let strict = try json(custody(["sims", "ranges", "--max-gap", "0", "--json"]).stdout)
        #expect((strict["runs"] as? [[String: Any]])?.map { $0["count"] as? Int } == [3, 2, 2])
        let text = try custody(["sims", "ranges"]).stdout
        #expect(text.contains("\(Self.lot[0]) – \(Self.lot[4])\t5 SIMs, 1 missing\tMOBIFONE CORPORATION (MOBIFONE) (898401)"), "\(text)")
        #expect(text.contains("found in SB-01 4, LOT-1 1"))
        let wide = try custody(["sims", "ranges", "--max-gap", "5000"], status: 1)
        #expect(wide.stderr.split(separator: "\n").count == 1 && wide.stderr.contains("--max-gap 5000"), "\(wide.stderr)")
        // Reading changed nothing.
        #expect(try json(custody(["ledger", "verify", "--json"]).stdout)["verifiedEntries"] as? Int == 2)
    }
}
}
