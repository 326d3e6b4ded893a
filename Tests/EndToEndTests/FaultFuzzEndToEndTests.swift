import Foundation
import SIMCard
import Testing

/// The end-to-end layer of the fuzzing test of issue 13 ("Done means"): the simulator in fault
/// mode (`fuzz SEED`, docs/CARD-PROFILES.md "Fault mode"), a bounded count of seeds over every
/// profile, each read by the `custody` binary through pcscd into one case.
/// `CUSTODY_E2E_FUZZ_SEEDS` sets the count (default 60), `CUSTODY_E2E_FUZZ_FIRST_SEED` the first.
extension EndToEnd {
@Suite struct FaultFuzzEndToEndTests {
    static let deadline = 3.0
    static let apduTimeout = 0.5

    @Test func seededMisbehavingCardsNeverCrashHangWriteTryAPINOrPassAsComplete() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-mobifone")
        let cards = Rig.packageRoot + "/Evidence/cards"
        let profiles = try FileManager.default.contentsOfDirectory(atPath: cards).filter { $0.hasSuffix(".json") }.sorted().map { cards + "/" + $0 }
        let environment = ProcessInfo.processInfo.environment
        let first = environment["CUSTODY_E2E_FUZZ_FIRST_SEED"].flatMap(UInt64.init) ?? 1
        let count = environment["CUSTODY_E2E_FUZZ_SEEDS"].flatMap(UInt64.init) ?? 60
        let (dir, env) = try newCase(rig)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        defer { try? rig.swapCard(reader, profile: reader.profilePath) }

        let started = ContinuousClock.now
        var incomplete = 0, slowest = Duration.zero, reading = Duration.zero
        for seed in first..<(first + count) {
            let profile = profiles[Int(seed % UInt64(profiles.count))]
            try rig.control(reader, "remove")
            try rig.waitForCard(reader, present: false)
            try rig.control(reader, "reset-stats")
            let armed = try rig.control(reader, "fuzz", "\(seed)")
            try rig.control(reader, "insert", profile)
            try rig.waitForCard(reader, present: true)
            let context = Comment(rawValue: "seed \(seed), \((profile as NSString).lastPathComponent): \(armed.trimmingCharacters(in: .newlines)); rerun: CUSTODY_E2E_FUZZ_FIRST_SEED=\(seed) CUSTODY_E2E_FUZZ_SEEDS=1")

            let readStarted = ContinuousClock.now
            let running = try rig.start("custody", ["sim", "read", "--reader", reader.name, "--full", "--json",
                                                    "--apdu-timeout", "\(Self.apduTimeout)", "--deadline", "\(Self.deadline)"], environment: env)
            let output = running.wait()
            let elapsed = ContinuousClock.now - readStarted
            slowest = max(slowest, elapsed)
            reading += elapsed
            #expect(running.process.terminationReason == .exit, "custody crashed: \(output.stderr) \(context)")
            // The deadline, plus one APDU in flight, plus the check whether the card left, plus start-up.
            #expect(elapsed < .seconds(Self.deadline + Self.apduTimeout + 1.5 + 3), "took \(elapsed): \(context)")
            #expect(output.status == 0 || output.status == 2, "exit \(output.status): \(output.stderr) \(context)")
            guard let acquisition = try? JSONDecoder().decode(SIMAcquisition.self, from: Data(output.stdout.utf8)) else {
                Issue.record("no acquisition JSON: \(output.stderr) \(context)")
                continue
            }
            #expect((output.status == 0) == acquisition.complete, "\(output.stderr) \(context)")
            #expect(output.stderr.contains("recorded in case") || output.stderr.contains("recorded as a re-read"), "\(output.stderr) \(context)")
            if acquisition.complete {
                #expect(!output.stderr.contains("INCOMPLETE"), context)
                #expect(acquisition.anomalousFiles == nil, context)
                #expect(acquisition.files.allSatisfy { $0.anomalies == nil }, context)
                #expect(acquisition.transcript.entries.allSatisfy { $0.error == nil }, context)
            } else {
                incomplete += 1
                #expect(output.stderr.contains("(INCOMPLETE)"), "stored flagged incomplete: \(output.stderr) \(context)")
                if acquisition.files.contains(where: { $0.anomalies != nil }) {
                    #expect(acquisition.anomalousFiles?.isEmpty == false, context)
                }
            }
            let stats = try rig.stats(reader)
            #expect(stats.writeClassAPDUs == 0, context)
            #expect(stats.pinTriesConsumed == 0 && stats.pinPresentations == 0, context)
        }
        if count >= 20 { #expect(incomplete > count / 4, "the faults do end reads as incomplete") }
        let verify = try rig.run("custody", ["ledger", "verify"], environment: env)
        #expect(verify.status == 0, "the case stays consistent: \(verify.stderr)")
        print("fault fuzz end to end: \(count) seeds from \(first), \(incomplete) incomplete, slowest read \(slowest), reads \(reading), total \(ContinuousClock.now - started)")
    }

    /// A new case in a temporary folder, and the environment that selects it and its examiner.
    func newCase(_ rig: Rig) throws -> (dir: String, environment: [String: String]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-fuzz-\(UUID().uuidString)").path
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1"]
        let created = try rig.run("custody", ["case", "init", dir, "--name", "fuzz", "--agency", "a", "--authority", "w",
                                              "--examiner-name", "Nguyen Van A"], environment: env)
        try #require(created.status == 0, "\(created.stderr)")
        return (dir, env)
    }

    /// Puts the reader's card back with one named misbehaviour armed on every APDU.
    func insertMisbehaving(_ rig: Rig, _ reader: Rig.Reader, _ name: String) throws {
        try rig.control(reader, "remove")
        try rig.waitForCard(reader, present: false)
        try rig.control(reader, "reset-stats")
        try rig.control(reader, "misbehave", name)
        try rig.control(reader, "insert")
        try rig.waitForCard(reader, present: true)
    }

    /// The busy card of issue 13 through the binary: GET RESPONSE always answers 61xx. It used
    /// to take 340,313 APDUs in 90 s and never stop.
    @Test func busyCardEndsIncompleteAfterABoundedChain() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-mobifone")
        defer { try? rig.swapCard(reader, profile: reader.profilePath) }
        try insertMisbehaving(rig, reader, "endlessMoreData")
        let output = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--full"])
        #expect(output.status == 2, "\(output.stderr)")
        #expect(output.stdout.contains("INCOMPLETE: read stopped at SELECT"), "\(output.stdout)")
        #expect(output.stderr.contains("answered 16 GET RESPONSEs in a row with more data still waiting"), "\(output.stderr)")
        #expect(output.stderr.split(separator: "\n").count == 1)
        let stats = try rig.stats(reader)
        #expect(stats.apdus == 1 + ReadLimits.maximumResponseChain, "1 SELECT + 16 GET RESPONSEs")
        #expect(stats.writeClassAPDUs == 0 && stats.pinTriesConsumed == 0)
    }

    /// A slow card stops at --deadline, and --apdu-budget stops any card: both incomplete, exit 2.
    @Test func deadlineAndBudgetEndTheReadIncomplete() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-mobifone")
        defer { try? rig.swapCard(reader, profile: reader.profilePath) }
        try insertMisbehaving(rig, reader, "slow")
        let started = ContinuousClock.now
        let slow = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--full", "--deadline", "1.5"])
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(slow.status == 2, "\(slow.stderr)")
        #expect(slow.stderr.contains("the card's deadline of 1.5 s has passed"), "\(slow.stderr)")
        try rig.swapCard(reader, profile: reader.profilePath)
        let budget = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--full", "--apdu-budget", "30", "--json"])
        #expect(budget.status == 2, "\(budget.stderr)")
        #expect(budget.stderr.contains("APDU budget of 30 APDUs is spent"), "\(budget.stderr)")
        let acquisition = try JSONDecoder().decode(SIMAcquisition.self, from: Data(budget.stdout.utf8))
        #expect(acquisition.apduCount == 30)
        #expect(acquisition.iccid != nil, "what was read before the budget ran out is kept")
        let bad = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--apdu-budget", "0"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--apdu-budget must be at least 1 APDU"), "\(bad.stderr)")
    }

    /// `sim watch` takes the same bounds: the busy card stops at --apdu-budget and goes on the retry list.
    @Test func watchStopsABusyCardAtItsBudget() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-mobifone")
        defer { try? rig.swapCard(reader, profile: reader.profilePath) }
        let (dir, env) = try newCase(rig)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try insertMisbehaving(rig, reader, "endlessMoreData")
        let watch = try WatchEndToEndTests.Watch(rig: rig, arguments: ["--readers", reader.name, "--max-cards", "1", "--apdu-budget", "10"],
                                                 environment: env)
        let report = try watch.reports(1)[0]
        watch.process.waitUntilExit()
        #expect(report["outcome"] as? String == "incomplete")
        #expect((report["problem"] as? String)?.contains("the card's APDU budget of 10 APDUs is spent") == true, "\(report)")
        #expect(try rig.stats(reader).apdus == 10)
    }

    /// The silent empty read of issue 13: READ BINARY answering 9000 with no data is an anomaly,
    /// shown in the text and the JSON, and the read is stored and reported incomplete.
    @Test func emptySuccessIsAnAnomalyStoredIncomplete() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-mobifone")
        defer { try? rig.swapCard(reader, profile: reader.profilePath) }
        let (dir, env) = try newCase(rig)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try insertMisbehaving(rig, reader, "emptySuccess")
        let text = try rig.run("custody", ["sim", "read", "--reader", reader.name], environment: env)
        #expect(text.status == 2, "\(text.stderr)")
        #expect(text.stdout.contains("ANOMALY          EF.ICCID (3F00/2FE2): READ BINARY at offset 0 (10 bytes asked) answered 9000 with 0 bytes"), "\(text.stdout)")
        #expect(text.stdout.contains("Read             INCOMPLETE: "), "\(text.stdout)")
        #expect(text.stderr.contains("(INCOMPLETE)"), "stored flagged incomplete: \(text.stderr)")
        let json = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--json"])
        #expect(json.status == 2)
        let acquisition = try JSONDecoder().decode(SIMAcquisition.self, from: Data(json.stdout.utf8))
        #expect(!acquisition.complete)
        #expect(acquisition.anomalousFiles?.contains("3F00/2FE2") == true)
        let iccid = acquisition.files.first { $0.path == "3F00/2FE2" }
        #expect(iccid?.status == .failed)
        #expect(iccid?.anomalies?.first == "READ BINARY at offset 0 (10 bytes asked) answered 9000 with 0 bytes")
        #expect(iccid?.header != nil, "the header is kept")
        let stats = try rig.stats(reader)
        #expect(stats.writeClassAPDUs == 0 && stats.pinTriesConsumed == 0)
    }
}
}
