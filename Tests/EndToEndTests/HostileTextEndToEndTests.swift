import Foundation
import SIMCard
import Testing

extension EndToEnd {
/// Hostile and malformed text through the `custody` binary (issue 13 items 4 and 5): a card
/// whose names and texts hold terminal control sequences and whose files have one bad field
/// each, labels that look like spreadsheet formulas or forge error lines, NULs in a catalog.
@Suite struct HostileTextEndToEndTests {
    static let fixture = Rig.packageRoot + "/Tests/EndToEndTests/Fixtures/usim-hostile-text.json"

    /// Characters that act on a terminal instead of showing.
    static func actsOnTerminal(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{202E}"
    }

    /// A scratch case made through the binary; `custody` runs with it.
    struct ScratchCase {
        let rig: Rig
        let dir: String
        let env = ["CUSTODY_CASE": "", "CUSTODY_EXAMINER": ""]

        init(_ rig: Rig, in parent: String = FileManager.default.temporaryDirectory.path) throws {
            self.rig = rig
            dir = parent + "/custody-hostile-\(UUID().uuidString.prefix(8))"
            let created = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-1",
                                       "--examiner", "sup1", "--examiner-name", "Nguyen Van A"])
            #expect(created.status == 0, "\(created.stderr)")
        }

        func custody(_ args: [String]) throws -> Rig.Output { try rig.run("custody", args, environment: env) }
        /// A command on this case, as supervisor sup1 when it changes the case.
        func run(_ args: [String], examiner: Bool = false) throws -> Rig.Output {
            try custody(args + ["--case", dir] + (examiner ? ["--examiner", "sup1"] : []))
        }
        func remove() { try? FileManager.default.removeItem(atPath: dir) }
    }

    @Test func aHostileCardIsShownEscapedAndEveryGoodFieldKept() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-mobifone")
        try rig.swapCard(reader, profile: Self.fixture)
        defer { try? rig.swapCard(reader, profile: reader.profilePath) }
        try rig.control(reader, "reset-stats")

        let text = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--full"])
        #expect(text.status == 0, "\(text.stderr)")
        let bad = text.stdout.unicodeScalars.filter(Self.actsOnTerminal)
        #expect(bad.isEmpty, "control characters reached the terminal: \(bad.map { String($0.value, radix: 16) })")
        #expect(text.stdout.contains(#"Hi\u{1B}[2J\u{7}\u{0}\u{202E}ok"#), "the SMS text is shown with its control characters escaped")
        #expect(text.stdout.contains(#"\u{1B}[2J\u{7}\u{0}"#), "so is the contact name")
        let own = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("Own number") })
        #expect(own == "Own number       +84921000042", "DF.TELECOM and ADF.USIM hold the same number: shown once")
        let spn = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("Provider name") })
        #expect(spn == "Provider name    Vietnamobile")
        #expect(text.stdout.contains("Location         RAI none area 0123 RAC 2A, temporary id C0FFEE01; DECODE ERROR routingArea.locationArea.plmn: PLMN invalid: non-decimal digit in FFFF00 (updated; ADF.USIM/6F73)"),
                "\(text.stdout)")

        let json = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--full", "--json"])
        #expect(json.status == 0)
        let acquisition = try JSONDecoder().decode(SIMAcquisition.self, from: Data(json.stdout.utf8))
        let summary = try #require(acquisition.summary)
        #expect(summary.messages.contains { $0.text == "Hi\u{1B}[2J\u{7}\u{0}\u{202E}ok" }, "JSON keeps the text exactly")
        #expect(summary.contacts.contains { $0.name == "\u{1B}[2J\u{7}\u{0}" })
        #expect(summary.ownNumbers == ["+84921000042"])
        let psloci = try #require(acquisition.files.first { $0.path == "ADF.USIM/6F73" })
        guard case .object(let decoded)? = psloci.decoded?.json else { Issue.record("PSLOCI has no decoded object"); return }
        #expect(decoded["ptmsi"] == .string("C0FFEE01"))
        #expect(decoded["updateStatus"] == .number(0))
        #expect(psloci.decodeErrors == ["routingArea.locationArea.plmn: PLMN invalid: non-decimal digit in FFFF00"])
        let smsp = try #require(acquisition.files.first { $0.path == "3F00/7F10/6F42" })
        #expect(smsp.decodeErrors == ["record 1: alpha: alpha identifier (GSM 7-bit) invalid: byte 3 is C1, which has bit 8 set: not a character of the GSM 7-bit alphabet"])

        let stats = try rig.stats(reader)
        #expect(stats.writeClassAPDUs == 0)
        #expect(stats.pinTriesConsumed == 0)
    }

    @Test func formulaLabelsAreGuardedInEveryCSVAndTheBundleVerifies() throws {
        let rig = try Rig.running()
        let c = try ScratchCase(rig)
        defer { c.remove() }
        let label = "=cmd|' /C calc'!A0"
        #expect(try c.run(["event", "seize", label, "--where", "+84 Hà Nội", "--when", "2026-11-01", "--from", "@suspect"], examiner: true).status == 0)
        let catalog = c.dir + "/catalog.csv"
        try Data("label,type,iccid\r\n-SIM-1,sim,8984012345678901236\r\n".utf8).write(to: URL(fileURLWithPath: catalog))
        let imported = try c.run(["device", "import", catalog], examiner: true)
        #expect(imported.status == 0, "\(imported.stderr)")

        let bundle = c.dir + "-bundle"
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        let exported = try c.run(["export", "--out", bundle], examiner: true)
        #expect(exported.status == 0, "\(exported.stderr)")
        let inventory = String(decoding: try Data(contentsOf: URL(fileURLWithPath: bundle + "/inventory.csv")), as: UTF8.self)
        #expect(inventory.contains("\r\n'=cmd|' /C calc'!A0,exhibit,"), "\(inventory)")
        #expect(inventory.contains("\r\n'-SIM-1,sim,"))
        let custody = String(decoding: try Data(contentsOf: URL(fileURLWithPath: bundle + "/custody.csv")), as: UTF8.self)
        #expect(custody.contains(",'=cmd|' /C calc'!A0,"))
        let verified = try rig.run("custody", ["verify", bundle])
        #expect(verified.status == 0, "the verifier reads the guarded cells back as the ledger's values: \(verified.stderr)")

        let lists = c.dir + "-operators"
        defer { try? FileManager.default.removeItem(atPath: lists) }
        #expect(try c.run(["export-operators", "--out", lists]).status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: lists).filter { $0.hasSuffix(".csv") }
        let list = String(decoding: try Data(contentsOf: URL(fileURLWithPath: lists + "/" + files[0])), as: UTF8.self)
        #expect(list.contains(",'-SIM-1,"), "\(list)")
    }

    @Test func errorsEchoInputOnOneCappedLine() throws {
        let rig = try Rig.running()
        let c = try ScratchCase(rig)
        defer { c.remove() }
        let long = try c.run(["event", "note", String(repeating: "A", count: 100_000), "--text", "x"], examiner: true)
        #expect(long.status == 1)
        #expect(long.stderr.hasSuffix("\n") && long.stderr.dropLast().split(separator: "\n", omittingEmptySubsequences: false).count == 1)
        #expect(long.stderr.count < 1_100, "\(long.stderr.count) characters")
        #expect(long.stderr.contains("characters left out]"))
        #expect(long.stderr.hasPrefix("custody: item label \"AAAA"))
        #expect(long.stderr.hasSuffix("without control characters\n"), "the end of the line (what to do) is kept")

        let forged = try c.run(["event", "note", "EX-1\ncustody: ledger OK", "--text", "x"], examiner: true)
        #expect(forged.status == 1)
        #expect(forged.stderr.dropLast().split(separator: "\n").count == 1, "\(forged.stderr)")
        #expect(forged.stderr.contains(#"EX-1\ncustody: ledger OK"#))
    }

    @Test func controlCharactersAreRefusedWhereverTextEntersTheCase() throws {
        let rig = try Rig.running()
        let c = try ScratchCase(rig)
        defer { c.remove() }
        #expect(try c.run(["event", "seize", "EX-1", "--where", "lab", "--when", "today", "--from", "x"], examiner: true).status == 0)
        let catalog = c.dir + "/nul.csv"
        try Data("label,type,note\r\nPH-1,phone,\"call\u{0}me\"\r\n".utf8).write(to: URL(fileURLWithPath: catalog))
        let imported = try c.run(["device", "import", catalog], examiner: true)
        #expect(imported.status == 1)
        #expect(imported.stderr == "custody: nul.csv: line 2: note holds the control character U+0000 at character 5: case text may not hold control characters other than tab and line breaks; remove it and run the command again; nothing was written\n",
                "\(imported.stderr)")
        let escape = try c.run(["event", "note", "EX-1", "--text", "\u{1B}[2Jgone"], examiner: true)
        #expect(escape.status == 1)
        #expect(escape.stderr.contains("holds the control character U+001B at character 1"))

        // A multi-line note is text: stored, and shown on one line by `history`.
        #expect(try c.run(["event", "note", "EX-1", "--text", "line 1\nEX-1 forged"], examiner: true).status == 0)
        let history = try c.run(["history", "EX-1"])
        #expect(history.status == 0)
        #expect(history.stdout.contains(#"text="line 1\nEX-1 forged""#) || history.stdout.contains(#"text=line 1\nEX-1 forged"#), "\(history.stdout)")
        #expect(!history.stdout.contains("\nEX-1 forged"))
    }

    /// A full disk (a small tmpfs filled to the last byte): every command that only reads still
    /// works; a changing one fails with one line. Needs root for `mount`.
    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func readOnlyCommandsWorkOnAFullDisk() throws {
        let rig = try Rig.running()
        let mountPoint = FileManager.default.temporaryDirectory.path + "/custody-full-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        func system(_ args: [String]) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = args
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        try #require(try system(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint]) == 0)
        defer { _ = try? system(["umount", mountPoint]) }

        let c = try ScratchCase(rig, in: mountPoint)
        #expect(try c.run(["event", "seize", "EX-1", "--where", "lab", "--when", "today", "--from", "x"], examiner: true).status == 0)
        // Fill the disk.
        FileManager.default.createFile(atPath: mountPoint + "/filler", contents: nil)
        let filler = try #require(FileHandle(forWritingAtPath: mountPoint + "/filler"))
        let block = Data(count: 4096)
        while (try? filler.write(contentsOf: block)) != nil {}
        try? filler.close()
        var space = statvfs()
        #expect(statvfs(mountPoint, &space) == 0 && space.f_bavail == 0, "the disk is full")

        for args in [["ledger", "verify"], ["summary"], ["history", "EX-1"], ["case", "show"], ["device", "list"], ["examiner", "list"],
                     ["station", "list"], ["sim", "pending"], ["ledger", "verify", "--json"]] {
            let out = try c.run(args)
            #expect(out.status == 0, "custody \(args.joined(separator: " ")) on a full disk: \(out.stderr)")
        }
        let note = try c.run(["event", "note", "EX-1", "--text", "x"], examiner: true)
        #expect(note.status == 1)
        #expect(note.stderr == "custody: case store \(c.dir)/case.sqlite: disk full, nothing was written: free space and retry\n", "\(note.stderr)")
    }

    @Test func theNextExportRemovesTheFolderOfAKilledOne() throws {
        let rig = try Rig.running()
        let c = try ScratchCase(rig)
        defer { c.remove() }
        #expect(try c.run(["event", "seize", "EX-1", "--where", "lab", "--when", "today", "--from", "x"], examiner: true).status == 0)
        let bundle = c.dir + "/bundle"
        // An export killed (-9) while it writes: as soon as its temporary folder appears.
        let export = try rig.start("custody", ["export", "--out", bundle, "--case", c.dir, "--examiner", "sup1"], environment: c.env)
        var partial: String?
        let deadline = Date().addingTimeInterval(30)
        while partial == nil, export.process.isRunning, Date() < deadline {
            partial = try FileManager.default.contentsOfDirectory(atPath: c.dir).first { $0.hasPrefix(".bundle.partial-") }
            if partial == nil { Thread.sleep(forTimeInterval: 0.002) }
        }
        kill(export.process.processIdentifier, SIGKILL)
        _ = export.wait()
        let left = try #require(partial, "the export finished before its temporary folder was seen")
        #expect(FileManager.default.fileExists(atPath: c.dir + "/" + left), "kill -9 leaves the folder behind")
        #expect(!FileManager.default.fileExists(atPath: bundle))

        let exported = try c.run(["export", "--out", bundle], examiner: true)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.hasPrefix("removed 1 unfinished folder(s) or ZIP file(s) of earlier exports to this --out whose process had ended: \(left)\n"))
        #expect(!FileManager.default.fileExists(atPath: c.dir + "/" + left))
        #expect(try rig.run("custody", ["verify", bundle]).status == 0)
        #expect(try c.run(["export", "--out", c.dir + "/second"], examiner: true).stdout.contains("removed") == false)
    }

    @Test func theNextExportRemovesTheZIPOfAKilledOne() throws {
        let rig = try Rig.running()
        let c = try ScratchCase(rig)
        defer { c.remove() }
        #expect(try c.run(["event", "seize", "EX-1", "--where", "lab", "--when", "today", "--from", "x"], examiner: true).status == 0)
        let bundle = c.dir + "/bundle"
        // An export --zip killed (-9) while its ZIP has its temporary name. That lasts a few
        // milliseconds: the export runs in short steps (SIGCONT, SIGSTOP) and is looked at
        // between them, so the moment is not missed.
        let export = try rig.start("custody", ["export", "--out", bundle, "--zip", "--case", c.dir, "--examiner", "sup1"], environment: c.env)
        let pid = export.process.processIdentifier
        var partial: String?
        let deadline = Date().addingTimeInterval(60)
        while partial == nil, export.process.isRunning, Date() < deadline {
            kill(pid, SIGSTOP)
            partial = try FileManager.default.contentsOfDirectory(atPath: c.dir).first { $0.hasPrefix(".bundle.zip.partial-") }
            if partial == nil { kill(pid, SIGCONT); usleep(200) }
        }
        kill(pid, SIGKILL)
        _ = export.wait()
        let left = try #require(partial, "the export finished before its temporary ZIP was seen")
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: c.dir).first { $0.hasPrefix(".bundle.partial-") },
                                  "the ZIP is written before the folder gets its name")
        #expect(FileManager.default.fileExists(atPath: c.dir + "/" + left), "kill -9 leaves the ZIP behind")
        #expect(!FileManager.default.fileExists(atPath: bundle) && !FileManager.default.fileExists(atPath: bundle + ".zip"))

        let exported = try c.run(["export", "--out", bundle, "--zip", "--json"], examiner: true)
        #expect(exported.status == 0, "\(exported.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [String: Any])
        #expect((output["removedPartials"] as? [String])?.sorted() == [folder, left].sorted(), "\(exported.stdout)")
        #expect(output["zip"] as? String == bundle + ".zip")
        #expect(try FileManager.default.contentsOfDirectory(atPath: c.dir).filter { $0.contains(".partial-") }.isEmpty)
        #expect(try rig.run("custody", ["verify", bundle]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: bundle + ".zip")).starts(with: [0x50, 0x4B, 0x03, 0x04]))
    }

    @Test func argumentParserErrorsEchoInputOnOneCappedEscapedLine() throws {
        let rig = try Rig.running()
        let long = String(repeating: "A", count: 100_000)
        // ArgumentParser's own errors: a value that does not parse, an unknown option, a
        // ValidationError that echoes the value; each with a 100,000-character or a
        // line-forging, screen-clearing argument.
        let cases: [(args: [String], says: String)] = [
            (["sim", "read", "--apdu-budget", long], "The value 'AAAA"),
            (["sim", "read", "--apdu-budget", "1\ncustody: read OK\u{1B}[2J"], #"The value '1\ncustody: read OK\u{1B}[2J' is invalid"#),
            (["summary", "--" + long], "Unknown option '--AAAA"),
            (["summary", "--x\u{1B}[2J\ncustody: ok"], #"Unknown option '--x\u{1B}[2J\ncustody: ok'"#),
            (["sim", "read", "--pin-env", long], "--pin-env AAAA"),
            (["station", "revoke", "AB\ncustody: revoked\u{7}", "--reason", "x"], #"KEYID AB\ncustody: revoked\u{7} is not a key ID"#),
        ]
        for c in cases {
            let out = try rig.run("custody", c.args)
            let what = "custody \(c.args.map { String($0.prefix(40)) })"
            #expect(out.status == 64, "\(what): \(out.status)")
            #expect(out.stdout.isEmpty, "\(what)")
            #expect(out.stderr.hasPrefix("custody: ") && out.stderr.hasSuffix("\n"), "\(what): \(out.stderr.prefix(200))")
            #expect(out.stderr.dropLast().split(separator: "\n", omittingEmptySubsequences: false).count == 1, "\(what): one line")
            #expect(out.stderr.count < 1_100, "\(what): \(out.stderr.count) characters")
            #expect(out.stderr.unicodeScalars.filter(Self.actsOnTerminal).isEmpty, "\(what): control characters reached the terminal")
            #expect(out.stderr.contains(c.says), "\(what): \(out.stderr.prefix(300))")
        }
        // The pointer to the command's help is kept (the end of a capped line), the usage is not printed.
        let unknown = try rig.run("custody", ["summary", "--" + long])
        #expect(unknown.stderr.hasSuffix(" (see `custody summary --help`)\n"), "\(unknown.stderr.suffix(100))")
        #expect(unknown.stderr.contains("characters left out]"))
        // --help still prints the help on stdout, exit 0.
        let help = try rig.run("custody", ["summary", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: custody summary") && help.stderr.isEmpty, "\(help.stdout.prefix(200))")
    }
}
}
