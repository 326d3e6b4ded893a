import Foundation
import Testing

/// The virtual modem pool Scripts/test starts (CUSTODY_MODEM_POOL_DIR): one port per dialect
/// and a second Quectel port without a SIM; the Telit port's SIM is PIN-locked.
struct ModemPool {
    struct Port: Sendable {
        var index: Int
        var path: String
        var dialect: String
        /// Nil for a port without a SIM.
        var profile: String?
        var control: String
        var imei: String
    }

    /// Counters of `virtual-sim ctl … stats` the tests assert on (docs/CARD-PROFILES.md).
    struct Stats: Codable {
        var forbiddenCommands: Int
        var forbiddenCommandNames: [String]
        var writeClassAPDUs: Int
        var pinTriesConsumed: Int
        var pinPresentations: Int
        var radioChanges: [String]
        var radio: Int
        var commandsTotal: Int
    }

    let ports: [Port]
    /// Runs the binaries (its reader list is not used here).
    let runner: Rig

    /// The shared pool Scripts/test starts.
    static func running() throws -> ModemPool {
        try running(variable: "CUSTODY_MODEM_POOL_DIR", "end-to-end modem tests need the virtual modem pool: run Scripts/test (it starts Scripts/modem-pool)")
    }

    /// The pool whose folder the environment variable `variable` names (`missing`: the failure
    /// when it names none): its ports.tsv (docs/CARD-PROFILES.md, "Virtual modem pool").
    static func running(variable: String, _ missing: Comment) throws -> ModemPool {
        let dir = try #require(ProcessInfo.processInfo.environment[variable], missing)
        let table = try String(contentsOfFile: dir + "/ports.tsv", encoding: .utf8)
        let ports = table.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t").map(String.init)
            return Port(index: Int(f[0])!, path: f[1], dialect: f[2], profile: f[3] == "empty" ? nil : f[3], control: f[4], imei: f[5])
        }
        return ModemPool(ports: ports, runner: Rig(directory: dir, readers: [], environment: ProcessInfo.processInfo.environment))
    }

    @discardableResult
    func control(_ port: Port, _ command: String...) throws -> String {
        let output = try runner.run("virtual-sim", ["ctl", "--control", port.control] + command)
        try #require(output.status == 0, "virtual-sim ctl \(command): \(output.stderr)")
        return output.stdout
    }

    func stats(_ port: Port) throws -> Stats {
        try JSONDecoder().decode(Stats.self, from: Data(control(port, "stats").utf8))
    }

    /// Clears the port's counters and faults (a test starts from a module as powered up).
    func reset(_ port: Port) throws {
        try control(port, "clear")
        try control(port, "reset-stats")
    }

    /// The forensic rule on every port a test touched: nothing forbidden reached the module,
    /// no write-class APDU and no PIN try reached the SIM.
    func expectUnchanged(_ port: Port, radioOff: Bool = false) throws {
        let stats = try stats(port)
        #expect(stats.forbiddenCommands == 0, "forbidden commands reached port \(port.index): \(stats.forbiddenCommandNames)")
        #expect(stats.writeClassAPDUs == 0, "write-class APDUs reached the SIM of port \(port.index)")
        #expect(stats.pinTriesConsumed == 0, "PIN tries consumed on port \(port.index)")
        #expect(stats.pinPresentations == 0, "a PIN was presented on port \(port.index)")
        if !radioOff { #expect(stats.radioChanges.isEmpty, "the radio of port \(port.index) changed: \(stats.radioChanges)") }
    }

    func port(dialect: String, withSIM: Bool = true) throws -> Port {
        try #require(ports.first { $0.dialect == dialect && ($0.profile != nil) == withSIM }, "the pool has no \(dialect) port \(withSIM ? "with" : "without") a SIM")
    }

    /// The `expect` block of the port's card profile.
    func expectation(_ port: Port) throws -> Rig.Expectation {
        struct Profile: Codable { var expect: Rig.Expectation }
        let path = try #require(port.profile)
        return try JSONDecoder().decode(Profile.self, from: Data(contentsOf: URL(fileURLWithPath: path))).expect
    }
}

extension EndToEnd {
/// `custody modem list|read` against the virtual modem pool, every dialect, in and out of a
/// case; bad input; and on every port the forensic counters stay at zero.
@Suite struct ModemEndToEndTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text.prefix(300))")
    }

    /// `modem read --json` on every port with a SIM: the module's IMEI, the SIM's ICCID and IMSI
    /// (none when PIN-locked: its ICCID and counters still), and the access path (goip: AT+CRSM).
    @Test func readsEveryDialect() throws {
        let pool = try ModemPool.running()
        for port in pool.ports where port.profile != nil {
            try pool.reset(port)
            let expect = try pool.expectation(port)
            let out = try pool.runner.run("custody", ["modem", "read", port.path, "--json"])
            #expect(out.status == 0, "port \(port.index) (\(port.dialect)): \(out.stderr)")
            let read = try json(out.stdout)
            #expect(read["schema"] as? String == "custody.modem-read/1")
            let modem = try #require(read["modem"] as? [String: Any])
            let module = try #require(modem["module"] as? [String: Any])
            #expect(module["imei"] as? String == port.imei, "port \(port.index)")
            #expect(module["dialect"] as? String == port.dialect)
            #expect(modem["accessPath"] as? String == (port.dialect == "goip" ? "crsm" : "csim"), "port \(port.index) (\(port.dialect))")
            #expect((modem["atTranscriptSHA256"] as? String)?.count == 64)
            #expect((modem["port"] as? [String: Any])?["path"] as? String == port.path)
            let acquisition = try #require(read["acquisition"] as? [String: Any], "port \(port.index): no acquisition")
            #expect((acquisition["iccid"] as? [String: Any])?["digits"] as? String == expect.iccid, "port \(port.index)")
            #expect(module["iccid"] as? String == expect.iccid, "port \(port.index): the module's own ICCID query")
            let imsi = acquisition["imsi"] as? [String: Any]
            if expect.pin1Enabled {
                #expect(module["simState"] as? String == "SIM PIN")
                #expect(module["imsi"] == nil, "a PIN-locked SIM gives no IMSI")
                #expect(imsi?["state"] as? String == "pinRequired")
                #expect(!((module["pins"] as? [Any]) ?? []).isEmpty, "the PIN counters of a PIN-locked SIM")
            } else {
                #expect(imsi?["digits"] as? String == expect.imsi, "port \(port.index)")
                #expect(module["imsi"] as? String == expect.imsi)
            }
            try pool.expectUnchanged(port)
        }
    }

    /// The human view names the module, its IMEI and the SIM; an empty port is said, not an error.
    @Test func humanViewAndEmptyPort() throws {
        let pool = try ModemPool.running()
        let port = try pool.port(dialect: "simcom")
        try pool.reset(port)
        let out = try pool.runner.run("custody", ["modem", "read", port.path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("Module IMEI      \(port.imei)"), "\(out.stdout)")
        #expect(out.stdout.contains("ICCID            \(try pool.expectation(port).iccid)"), "\(out.stdout)")
        #expect(out.stdout.contains("Access           AT+CSIM"), "\(out.stdout)")
        try pool.expectUnchanged(port)

        let empty = try pool.port(dialect: "quectel", withSIM: false)
        try pool.reset(empty)
        let none = try pool.runner.run("custody", ["modem", "read", empty.path, "--json"])
        #expect(none.status == 0, "\(none.stderr)")
        let read = try json(none.stdout)
        #expect(read["acquisition"] == nil)
        #expect((read["noAcquisitionReason"] as? String)?.contains("no SIM in the port") == true, "\(none.stdout.prefix(400))")
        try pool.expectUnchanged(empty)
    }

    /// `modem list --port`: each port answers AT with its manufacturer, model and IMEI.
    @Test func listsPorts() throws {
        let pool = try ModemPool.running()
        for port in pool.ports { try pool.reset(port) }
        let out = try pool.runner.run("custody", ["modem", "list", "--json"] + pool.ports.flatMap { ["--port", $0.path] })
        #expect(out.status == 0, "\(out.stderr)")
        let list = try json(out.stdout)
        #expect(list["schema"] as? String == "custody.modem-list/1")
        let entries = try #require(list["ports"] as? [[String: Any]])
        for port in pool.ports {
            let entry = try #require(entries.first { ($0["port"] as? [String: Any])?["path"] as? String == port.path }, "port \(port.path) not listed")
            #expect(entry["answersAT"] as? Bool == true, "port \(port.index): \(entry)")
            #expect(entry["imei"] as? String == port.imei)
            try pool.expectUnchanged(port)
        }
    }

    /// A full read through the module: the same summary as `sim read --full`, complete.
    @Test func fullRead() throws {
        let pool = try ModemPool.running()
        for dialect in ["quectel", "goip"] {
            let port = try pool.port(dialect: dialect)
            try pool.reset(port)
            let out = try pool.runner.run("custody", ["modem", "read", port.path, "--full", "--json"])
            #expect(out.status == 0, "\(dialect): \(out.stderr)")
            let acquisition = try #require(try json(out.stdout)["acquisition"] as? [String: Any])
            #expect(acquisition["scope"] as? String == "full")
            #expect(acquisition["summary"] != nil, "\(dialect): a full read has a summary")
            #expect(acquisition["complete"] as? Bool == true, "\(dialect): \(acquisition["incompleteReason"] ?? "")")
            try pool.expectUnchanged(port)
        }
    }

    /// --radio-off: AT+CFUN=4, recorded with the state before and after; the radio is off after.
    @Test func radioOffIsRecorded() throws {
        let pool = try ModemPool.running()
        let port = try pool.port(dialect: "ublox")
        try pool.reset(port)
        defer { try? pool.control(port, "reboot") }
        let out = try pool.runner.run("custody", ["modem", "read", port.path, "--radio-off", "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let modem = try #require(try json(out.stdout)["modem"] as? [String: Any])
        let interventions = try #require(modem["interventions"] as? [[String: Any]])
        #expect(interventions.count == 1)
        #expect(interventions.first?["command"] as? String == "AT+CFUN=4")
        #expect(interventions.first?["stateBefore"] as? String == "+CFUN: 1")
        #expect(interventions.first?["stateAfter"] as? String == "+CFUN: 4")
        #expect((modem["module"] as? [String: Any])?["radio"] as? String == "+CFUN: 1", "the state as found, before the intervention")
        let stats = try pool.stats(port)
        #expect(stats.radio == 4)
        #expect(stats.radioChanges.count == 1)
        try pool.expectUnchanged(port, radioOff: true)
    }

    /// In a case: box ▸ port (module IMEI) ▸ slot ▸ SIM, the record carrying the AT transcript;
    /// a second read is a re-read; without --item the port is found by its module IMEI.
    @Test func readIntoCase() throws {
        let pool = try ModemPool.running()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-modem-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": ""]
        func custody(_ args: [String], status: Int32 = 0) throws -> Rig.Output {
            let out = try pool.runner.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }
        _ = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17",
                         "--examiner", "sup1", "--examiner-name", "Nguyen Van A"])
        _ = try custody(["device", "add", "SB-01", "--type", "simbox", "--ports", "8", "--slots-per-port", "1",
                         "--make", "Hybertone", "--model", "GoIP-8", "--examiner", "sup1"])

        for (index, dialect) in ["quectel", "goip", "telit"].enumerated() {
            let port = try pool.port(dialect: dialect)
            try pool.reset(port)
            let expect = try pool.expectation(port)
            let label = "SB-01/P\(index + 1)"
            let out = try custody(["modem", "read", port.path, "--item", label, "--examiner", "sup1"])
            #expect(out.stderr.contains("recorded in case"), "\(out.stderr)")
            #expect(out.stderr.contains("as SIM-\(expect.iccid) in place in \(label) (module IMEI \(port.imei))"), "\(out.stderr)")
            let portItem = try json(custody(["device", "show", label, "--json"]).stdout)["item"] as? [String: Any]
            #expect((portItem?["identifiers"] as? [String: Any])?["moduleIMEI"] as? String == port.imei, "\(String(describing: portItem))")
            let sim = try json(custody(["device", "show", "SIM-\(expect.iccid)", "--json"]).stdout)["item"] as? [String: Any]
            #expect(sim?["parent"] as? String == label + "/S1")
            try pool.expectUnchanged(port)
        }

        // Again, without --item: the port is the one holding the module's IMEI; a re-read.
        let quectel = try pool.port(dialect: "quectel")
        try pool.reset(quectel)
        let again = try custody(["modem", "read", quectel.path, "--examiner", "sup1"])
        #expect(again.stderr.contains("is already in the case as SIM-\(try pool.expectation(quectel).iccid); recorded as a re-read in place in SB-01/P1"), "\(again.stderr)")
        #expect(again.stderr.contains("same content hash"), "\(again.stderr)")
        try pool.expectUnchanged(quectel)

        // The ledger entry names port, slot, access path and AT transcript hash; the ledger verifies.
        let history = try custody(["history", "SIM-\(try pool.expectation(quectel).iccid)", "--json"]).stdout
        #expect(history.contains("\"atTranscriptSHA256\""), "\(history.prefix(600))")
        #expect(history.contains("\"port\" : \"SB-01/P1\""))
        _ = try custody(["ledger", "verify"])

        // A module no port holds, without --item: one line, nothing recorded.
        let simcom = try pool.port(dialect: "simcom")
        try pool.reset(simcom)
        let unknown = try custody(["modem", "read", simcom.path, "--examiner", "sup1"], status: 1)
        #expect(unknown.stderr.contains("no port in the case has module IMEI \(simcom.imei): give it with --item"), "\(unknown.stderr)")
        let sims = try json(custody(["device", "list", "--type", "sim", "--json"]).stdout)["items"] as? [Any]
        #expect(sims?.count == 3)
        try pool.expectUnchanged(simcom)
    }

    /// A SIM read in place, then taken out and read in a PC/SC reader: the same card (ICCID),
    /// recorded as a re-read with the same content hash (AT+CSIM carries the same APDUs).
    @Test func inPlaceThenInReaderIsTheSameCard() throws {
        let pool = try ModemPool.running()
        let rig = try Rig.running()
        let port = try pool.port(dialect: "quectel")
        let expect = try pool.expectation(port)
        let reader = try #require(rig.readers.first { $0.expect.iccid == expect.iccid }, "the rig has no reader with the quectel port's card")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-modem-reader-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1"]
        func custody(_ args: [String]) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == 0, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }
        _ = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17",
                         "--examiner", "sup1", "--examiner-name", "Nguyen Van A"])
        _ = try custody(["device", "add", "SB-01", "--type", "simbox", "--ports", "2", "--examiner", "sup1"])
        try pool.reset(port)
        try rig.control(reader, "reset-stats")
        let inPlace = try custody(["modem", "read", port.path, "--item", "SB-01/P2"])
        #expect(inPlace.stderr.contains("as SIM-\(expect.iccid) in place in SB-01/P2"), "\(inPlace.stderr)")
        let inReader = try custody(["sim", "read", "--reader", reader.name])
        #expect(inReader.stderr.contains("SIM \(expect.iccid) is already in the case as SIM-\(expect.iccid); recorded as a re-read"), "\(inReader.stderr)")
        #expect(inReader.stderr.contains("same content hash as the first identity read"), "\(inReader.stderr)")
        try pool.expectUnchanged(port)
        let stats = try rig.stats(reader)
        #expect(stats.writeClassAPDUs == 0)
        #expect(stats.pinTriesConsumed == 0)
    }

    /// Bad input: one clear line each, exit status 1, nothing recorded in the case.
    @Test func badInput() throws {
        let pool = try ModemPool.running()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-modem-bad-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1"]
        func custody(_ args: [String], status: Int32) throws -> Rig.Output {
            let out = try pool.runner.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }
        _ = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17",
                         "--examiner", "sup1", "--examiner-name", "Nguyen Van A"], status: 0)
        _ = try custody(["device", "add", "SB-01", "--type", "simbox", "--ports", "8", "--examiner", "sup1"], status: 0)
        func entries() throws -> Int {
            try json(custody(["ledger", "verify", "--json"], status: 0).stdout)["verifiedEntries"] as? Int ?? -1
        }
        let before = try entries()

        let regular = dir + "/not-a-port"
        try "AT\r".write(toFile: regular, atomically: true, encoding: .utf8)
        for (path, says) in [("/dev/null", "/dev/null is not a serial port"), (regular, "\(regular) is not a serial port")] {
            let out = try custody(["modem", "read", path, "--item", "SB-01/P1"], status: 1)
            #expect(out.stderr.contains(says), "\(out.stderr)")
            #expect(out.stderr.split(separator: "\n").count == 1, "one line: \(out.stderr)")
        }

        // A wrong --item is refused before the port is opened: not one command reaches the module.
        let untouched = try pool.port(dialect: "ublox")
        try pool.reset(untouched)
        let notAPort = try custody(["modem", "read", untouched.path, "--item", "SB-01"], status: 1)
        #expect(notAPort.stderr.contains("SB-01 is a simbox, not a port or slot of a SIM box"), "\(notAPort.stderr)")
        #expect(try pool.stats(untouched).commandsTotal == 0)

        let mute = try pool.port(dialect: "huawei")
        try pool.reset(mute)
        try pool.control(mute, "mute-after", "0")
        let silent = try custody(["modem", "read", mute.path, "--item", "SB-01/P1"], status: 1)
        #expect(silent.stderr.contains("\(mute.path) does not answer AT"), "\(silent.stderr)")
        #expect(silent.stderr.split(separator: "\n").count == 1, "one line: \(silent.stderr)")
        try pool.expectUnchanged(mute)
        try pool.reset(mute)

        let garbled = try pool.port(dialect: "simcom")
        try pool.reset(garbled)
        try pool.control(garbled, "garbage-after", "3")
        let garbage = try custody(["modem", "read", garbled.path, "--item", "SB-01/P2"], status: 1)
        #expect(garbage.stderr.contains("answers garbage"), "\(garbage.stderr)")
        #expect(garbage.stderr.split(separator: "\n").count == 1, "one line: \(garbage.stderr)")
        try pool.expectUnchanged(garbled)
        try pool.reset(garbled)

        for dialect in ["quectel", "goip"] {
            let port = try pool.port(dialect: dialect)
            try pool.reset(port)
            // After the identity read (13 commands), while the SIM is read.
            try pool.control(port, "reboot-after", "16")
            let out = try custody(["modem", "read", port.path, "--item", "SB-01/P3"], status: 1)
            #expect(out.stderr.contains("restarted"), "\(dialect): \(out.stderr)")
            #expect(out.stderr.contains("nothing was recorded"), "\(dialect): \(out.stderr)")
            #expect(out.stderr.split(separator: "\n").count == 1, "one line: \(out.stderr)")
            try pool.expectUnchanged(port)
            try pool.reset(port)
        }

        #expect(try entries() == before, "nothing recorded")
    }
}
}
