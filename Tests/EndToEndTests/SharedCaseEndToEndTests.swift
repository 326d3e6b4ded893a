import Foundation
import Testing

extension EndToEnd {
/// Two stations, each with its own key and its own reader, read SIMs from the rig at the same
/// time into one PostgreSQL case (issue 7), through the real pcscd + vpcd + `custody`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CUSTODY_PG_DIR"] != nil,
                "CUSTODY_PG_URL is not set: run Scripts/pg start --dir DIR and set CUSTODY_PG_URL, CUSTODY_PG_DIR"))
struct SharedCaseEndToEndTests {
    /// A new empty database on the Scripts/pg server of CUSTODY_PG_DIR; its URL.
    static func newDatabase() throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "Scripts/pg", relativeTo: URL(fileURLWithPath: Rig.packageRoot + "/"))
        p.arguments = ["createdb", "--dir", ProcessInfo.processInfo.environment["CUSTODY_PG_DIR"]!, "e2e_\(UUID().uuidString.prefix(8).lowercased())"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let url = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "Scripts/pg createdb failed")
        return url.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Show: Decodable {
        var items: Int
        var acquisitions: Int
    }

    @Test func twoStationsReadTheirReadersIntoOneSharedCase() throws {
        let rig = try Rig.running()
        let url = try Self.newDatabase()
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("custody-shared-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: keys) }
        let env = ["CUSTODY_CASE": "", "CUSTODY_STORE": "", "CUSTODY_EXAMINER": "", "CUSTODY_STATION_KEY": ""]
        func custody(_ args: [String], status: Int32 = 0) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.prefix(3).joined(separator: " ")): \(out.stderr)")
            return out
        }
        let bench1 = keys + "/case.key", bench2 = keys + "/bench-2.key"
        _ = try custody(["case", "init", "--store", url, "--station-key", bench1, "--name", "Op Lotus", "--agency", "C03",
                         "--authority", "W-2026-17", "--examiner", "sup1", "--examiner-name", "Nguyen Van A"])
        _ = try custody(["station", "init", "bench-2", "--key-out", bench2, "--case", url])
        _ = try custody(["station", "add", keys + "/bench-2.pub", "--name", "bench-2", "--case", url, "--station-key", bench1, "--examiner", "sup1"])
        _ = try custody(["examiner", "add", "tech1", "--name", "Tran B", "--role", "technician", "--case", url,
                         "--station-key", bench1, "--examiner", "sup1"])

        let first = try rig.reader(profile: "usim-mobifone"), second = try rig.reader(profile: "classic-viettel")
        for r in [first, second] { try rig.control(r, "reset-stats") }
        // Each station reads its own reader, both at once; then each reads the other's card.
        let a = try rig.start("custody", ["sim", "read", "--reader", first.name, "--case", url, "--station-key", bench1, "--examiner", "tech1"], environment: env)
        let b = try rig.start("custody", ["sim", "read", "--reader", second.name, "--case", url, "--station-key", bench2, "--examiner", "tech1"], environment: env)
        for run in [a.wait(), b.wait()] { #expect(run.status == 0, "\(run.stderr)") }
        let again = try custody(["sim", "read", "--reader", first.name, "--case", url, "--station-key", bench2, "--examiner", "tech1"])
        #expect(again.stderr.contains("already in the case as SIM-\(first.expect.iccid); recorded as a re-read"), "\(again.stderr)")
        _ = try custody(["sim", "read", "--reader", second.name, "--case", url, "--station-key", bench1, "--examiner", "tech1"])

        let show = try JSONDecoder().decode(Show.self, from: Data(custody(["case", "show", "--case", url, "--json"]).stdout.utf8))
        #expect(show.items == 2, "one item per SIM whichever station read it")
        #expect(show.acquisitions == 4)
        let verify = try custody(["ledger", "verify", "--case", url])
        #expect(verify.stdout.contains("ledger OK"), "\(verify.stdout)")
        #expect(!verify.stdout.contains(URLComponents(string: url)?.password ?? "no password"))
        for r in [first, second] {
            let stats = try rig.stats(r)
            #expect(stats.writeClassAPDUs == 0)
            #expect(stats.pinTriesConsumed == 0)
        }
    }
}
}
