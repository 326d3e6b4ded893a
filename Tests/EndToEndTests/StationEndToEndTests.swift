import Foundation
import Testing

extension EndToEnd {
/// Several stations signing for one case through the real binary: `station init` on the
/// station, `station add` by a supervisor, entries signed with `--station-key` /
/// `CUSTODY_STATION_KEY`, `station revoke`, and an export verified with both keys.
@Suite struct StationEndToEndTests {
    struct Key: Decodable {
        var schema: String
        var keyID: String
        var verifierKey: String
        var keyFile: String
        var publicFile: String
    }

    struct Stations: Decodable {
        var schema: String
        var stations: [Station]
        struct Station: Decodable {
            var keyID: String
            var name: String
            var added: Int
            var revoked: Int?
            var reason: String?
            var active: Bool
            var thisStation: Bool
        }
    }

    struct Entry: Decodable {
        var seq: Int
        var action: String
        var station: String
    }

    struct Verify: Decodable {
        var valid: Bool
        var verifiedEntries: Int
        var stations: Int
    }

    struct VerifyBundle: Decodable {
        var valid: Bool
        var entries: Int?
    }

    @Test func stationsAddSignRevokeAndExportThroughTheBinary() throws {
        let rig = try Rig.running()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("custody-stations-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = root + "/case"
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1", "CUSTODY_STATION_KEY": "", "HOME": root + "/home"]
        func custody(_ args: [String], status: Int32 = 0, environment: [String: String] = [:]) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env.merging(environment) { $1 })
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }
        func json<T: Decodable>(_ type: T.Type, _ args: [String], environment: [String: String] = [:]) throws -> T {
            try JSONDecoder().decode(T.self, from: Data(custody(args, environment: environment).stdout.utf8))
        }
        func entries() throws -> Int { try json(Verify.self, ["ledger", "verify", "--json"]).verifiedEntries }
        /// A refusal: exit 1, one line on stderr, nothing on stdout, no entry written.
        func refused(_ args: [String], environment: [String: String] = [:], _ reason: String) throws {
            let before = try entries()
            let out = try custody(args, status: 1, environment: environment)
            #expect(out.stderr.split(separator: "\n").count == 1 && out.stderr.contains(reason), "\(out.stderr)")
            #expect(out.stdout.isEmpty)
            #expect(try entries() == before)
        }

        _ = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17", "--examiner-name", "Nguyễn Văn A"])
        _ = try custody(["examiner", "add", "tech1", "--name", "Trần B", "--role", "technician"])
        let caseID = try String(contentsOfFile: dir + "/station.pub", encoding: .utf8).split(separator: "+")[0].split(separator: "/")[1]

        // On bench 2: its key, 0600, never overwritten; the default place is under $HOME.
        let keyFile = root + "/bench-2.key"
        let made = try json(Key.self, ["station", "init", "bench-2", "--key-out", keyFile, "--json"])
        #expect(made.schema == "custody.station.key/1" && made.publicFile == root + "/bench-2.pub")
        #expect(made.verifierKey.hasPrefix("custody.station/\(caseID)/bench-2+\(made.keyID)+"))
        #expect((try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOfFile: made.publicFile, encoding: .utf8) == made.verifierKey + "\n")
        let keyBytes = try Data(contentsOf: URL(fileURLWithPath: keyFile))
        try refused(["station", "init", "bench-2", "--key-out", keyFile], "never overwrites a key")
        #expect(try Data(contentsOf: URL(fileURLWithPath: keyFile)) == keyBytes)
        let bench3 = try custody(["station", "init", "bench-3"])
        #expect(bench3.stdout.hasPrefix("custody.station/\(caseID)/bench-3+"))
        #expect(FileManager.default.fileExists(atPath: root + "/home/.config/custody/stations/\(caseID)/bench-3.key"))

        // The supervisor adds it; a technician may not; a key is added once.
        try refused(["station", "add", made.publicFile, "--name", "bench-2", "--examiner", "tech1"], "only a supervisor may add stations")
        let added = try json(Entry.self, ["station", "add", made.verifierKey, "--name", "bench-2", "--json"])
        #expect(added.action == "station.add" && added.seq == 2)
        try refused(["station", "add", made.publicFile, "--name", "bench-2"], "is already station bench-2")
        let caseKeyID = try json(Stations.self, ["station", "list", "--json"]).stations[0].keyID

        // Bench 2 signs events and a SIM read, with --station-key and with CUSTODY_STATION_KEY.
        let seized = try json(Entry.self, ["event", "seize", "PHONE-1", "--where", "Hà Nội", "--when", "2026-11-01", "--from", "A", "--type", "phone",
                                           "--examiner", "tech1", "--station-key", keyFile, "--json"])
        #expect(seized.station == made.keyID)
        let reader = try rig.reader(profile: "usim-mobifone")
        try rig.control(reader, "reset-stats")
        _ = try custody(["sim", "read", "--reader", reader.name, "--examiner", "tech1"], environment: ["CUSTODY_STATION_KEY": keyFile])
        let stats = try rig.stats(reader)
        #expect(stats.writeClassAPDUs == 0 && stats.pinTriesConsumed == 0)
        let byCase = try json(Entry.self, ["event", "seal", "PHONE-1", "--seal", "S-1", "--json"])
        #expect(byCase.station == caseKeyID)
        let listed = try json(Stations.self, ["station", "list", "--json"], environment: ["CUSTODY_STATION_KEY": keyFile])
        #expect(listed.schema == "custody.stations/1")
        #expect(listed.stations.map(\.name) == ["custody.case/\(caseID)", "bench-2"])
        #expect(listed.stations.map(\.thisStation) == [false, true] && listed.stations.allSatisfy { $0.active })
        let verified = try json(Verify.self, ["ledger", "verify", "--json"])
        #expect(verified.valid && verified.verifiedEntries == 6 && verified.stations == 2)

        // Bench 2 is revoked: every command it signs is refused with one line, nothing written.
        try refused(["station", "revoke", caseKeyID, "--reason", "x", "--examiner", "tech1"], "only a supervisor may revoke stations")
        let revoked = try json(Entry.self, ["station", "revoke", made.keyID, "--reason", "laptop stolen", "--json"])
        #expect(revoked.action == "station.revoke" && revoked.seq == 6)
        let why = "station key \(made.keyID) was revoked at entry 6 (reason: laptop stolen): this station may no longer sign for case \(caseID)"
        try refused(["event", "note", "PHONE-1", "--text", "after", "--station-key", keyFile], why)
        try refused(["ledger", "checkpoint", "--station-key", keyFile], why)
        try rig.control(reader, "reset-stats")
        try refused(["sim", "read", "--reader", reader.name, "--examiner", "tech1"], environment: ["CUSTODY_STATION_KEY": keyFile], why)
        #expect(try rig.stats(reader).apdus == 0, "refused before the card is touched")
        try refused(["event", "note", "PHONE-1", "--text", "x", "--station-key", made.publicFile], "is not a station key")
        try refused(["station", "revoke", caseKeyID, "--reason", "x"], "the case's last active station key")
        let after = try json(Stations.self, ["station", "list", "--json"]).stations[1]
        #expect(after.revoked == 6 && after.reason == "laptop stolen" && !after.active)
        #expect(try json(Verify.self, ["ledger", "verify", "--json"]).valid)

        // An export holds both keys and verifies, pinned to the case's key too, and with the script.
        _ = try custody(["export", "--out", root + "/bundle"])
        let keys = try FileManager.default.contentsOfDirectory(atPath: root + "/bundle/keys").sorted()
        #expect(keys == ["\(caseKeyID).pub", "\(made.keyID).pub"].sorted())
        let bundle = try json(VerifyBundle.self, ["verify", root + "/bundle", "--json"])
        #expect(bundle.valid && bundle.entries == 8)
        #expect(try json(VerifyBundle.self, ["verify", root + "/bundle", "--key", dir + "/station.pub", "--json"]).valid)
        let script = try Rig.verifyBundleScript([root + "/bundle", dir + "/station.pub"]).stdout
        #expect(script.hasPrefix("OK: 8 entries (whole ledger)"), "\(script)")
    }
}
}
