import ByteText
import Foundation
import Testing
@testable import SIMCard
@testable import virtual_sim

/// The simulator's card, in process, misbehaving as a seeded `FaultPlan` says; counts what a
/// forensic read must never do (write-class APDUs, PIN presentations and tries).
final class MisbehavingCard: CardTransport {
    struct Pulled: Error, CustomStringConvertible { var description: String { "card removed" } }
    struct Mute: Error, CustomStringConvertible { var description: String { "card did not answer (mute)" } }

    let card: Card
    /// nil: the card behaves (the baseline read).
    let plan: FaultPlan?
    private(set) var writeClassAPDUs = 0
    private(set) var pinPresentations = 0
    private(set) var pinTriesConsumed = 0
    private(set) var bentAnswers = 0
    private var removed = false

    init(profile: Profile, plan: FaultPlan?) {
        card = Card(profile: profile)
        self.plan = plan
    }

    convenience init(profile: Profile, seed: UInt64) { self.init(profile: profile, plan: FaultPlan(seed: seed)) }

    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        guard !removed else { throw Pulled() }
        let parsed = try? CommandAPDU(parsing: command[...])
        if parsed.map({ !ReadOnlyPolicy.isAllowed($0) && !ReadOnlyPolicy.isPINPresentation($0) }) ?? true { writeClassAPDUs += 1 }
        switch plan?.respond(to: command, card: card) ?? .answer(card.process(command), delayMilliseconds: 0, bent: []) {
        case .remove:
            removed = true
            throw Pulled()
        case .mute:
            // What the PC/SC transport reports once --apdu-timeout passes.
            throw Mute()
        case .answer(let outcome, _, let bent):
            if outcome.pinPresented { pinPresentations += 1 }
            if outcome.tryConsumed { pinTriesConsumed += 1 }
            if !bent.isEmpty { bentAnswers += 1 }
            return outcome.response.bytes
        }
    }
}

/// The fast layer of the fuzzing test of issue 13 ("Done means"): hundreds of seeded card
/// misbehaviours against the real reader, in process. `CUSTODY_FUZZ_SEEDS` sets how many
/// (default 600), `CUSTODY_FUZZ_FIRST_SEED` the first (a failing seed is named in the failure,
/// rerun it with `CUSTODY_FUZZ_FIRST_SEED=N CUSTODY_FUZZ_SEEDS=1`).
@Suite struct FaultFuzzTests {
    static let profilesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Evidence/cards").path

    static func profiles() throws -> [Profile] {
        let names = try FileManager.default.contentsOfDirectory(atPath: profilesDirectory).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name throws in try Profile.load(path: profilesDirectory + "/" + name) }
    }

    static func environmentNumber(_ name: String, default value: UInt64) -> UInt64 {
        ProcessInfo.processInfo.environment[name].flatMap(UInt64.init) ?? value
    }

    /// Tight limits, so that a seed that would loop shows it within the test's time.
    static let limits = ReadLimits(apduBudget: 5_000, deadline: .seconds(20))

    @Test func seededMisbehavioursNeverCrashHangWriteTryAPINOrPassAsComplete() throws {
        let profiles = try Self.profiles()
        try #require(!profiles.isEmpty)
        let first = Self.environmentNumber("CUSTODY_FUZZ_FIRST_SEED", default: 1)
        let count = Self.environmentNumber("CUSTODY_FUZZ_SEEDS", default: 600)
        var incomplete = 0, apdus = 0
        var seen = Set<Misbehaviour>()
        let baselines = profiles.map { profile in
            SIMReader().read(transport: MisbehavingCard(profile: profile, plan: nil), atr: profile.atr, scope: .full).contentSHA256
        }
        for seed in first..<(first + count) {
            let index = Int(seed % UInt64(profiles.count))
            let profile = profiles[index]
            let card = MisbehavingCard(profile: profile, seed: seed)
            let plan = try #require(card.plan)
            seen.formUnion(plan.rules.map(\.misbehaviour))
            let started = ContinuousClock.now
            let acquisition = SIMReader().read(transport: card, atr: profile.atr, scope: .full, limits: Self.limits)
            let elapsed = ContinuousClock.now - started
            let context = Comment(rawValue: "seed \(seed) on \(profile.name) (\(plan)); rerun: CUSTODY_FUZZ_FIRST_SEED=\(seed) CUSTODY_FUZZ_SEEDS=1")
            #expect(elapsed < Self.limits.deadline, context)
            #expect(acquisition.apduCount <= Self.limits.apduBudget, context)
            #expect(card.writeClassAPDUs == 0, context)
            #expect(card.pinPresentations == 0 && card.pinTriesConsumed == 0, context)
            if acquisition.complete {
                #expect(acquisition.anomalousFiles == nil, context)
                #expect(acquisition.transcript.entries.allSatisfy { $0.error == nil && $0.refused == nil }, context)
                for file in acquisition.files where file.status == .read && file.structure != .dedicatedFile {
                    #expect(Self.agreesWithItsHeader(file, dialect: acquisition.cardType ?? .uicc), "\(file.path): \(context)")
                }
                if card.bentAnswers == 0 {
                    #expect(acquisition.contentSHA256 == baselines[index], "no answer bent, yet the content differs: \(context)")
                }
            } else {
                incomplete += 1
                #expect(acquisition.incompleteReason?.isEmpty == false, context)
            }
            apdus += acquisition.apduCount
        }
        if count >= 100 {
            #expect(seen == Set(Misbehaviour.allCases), "every misbehaviour is generated over \(count) seeds")
            #expect(incomplete > count / 4, "the faults do end reads as incomplete")
        }
        print("fault fuzz: \(count) seeds from \(first), \(incomplete) incomplete, \(apdus) APDUs")
    }

    /// Independently of `FileAccess`: a file called read holds what its own header promises.
    static func agreesWithItsHeader(_ file: FileReading, dialect: CardDialect) -> Bool {
        guard let headerBytes = file.header.flatMap(Hex.bytes),
              let header = try? FileHeader(decoding: headerBytes[...], dialect: dialect) else { return false }
        switch header.structure {
        case .transparent:
            return (file.contentBytes?.count ?? 0) == header.fileSize
        case .linearFixed, .cyclic:
            guard let count = header.recordCount, count > 0, let records = file.records else { return false }
            return records.count == count && records.allSatisfy { Hex.bytes($0)?.count == header.recordLength }
        default:
            return false
        }
    }

    /// The same seed makes the same card: a failing seed can be replayed.
    @Test func aSeedReplaysTheSameMisbehaviours() throws {
        let profile = try #require(try Self.profiles().first)
        for seed: UInt64 in [3, 77, 1234] {
            let one = SIMReader().read(transport: MisbehavingCard(profile: profile, seed: seed), atr: profile.atr, scope: .full, limits: Self.limits)
            let two = SIMReader().read(transport: MisbehavingCard(profile: profile, seed: seed), atr: profile.atr, scope: .full, limits: Self.limits)
            #expect(one.transcript.entries.map(\.command) == two.transcript.entries.map(\.command))
            #expect(one.transcript.entries.map(\.response) == two.transcript.entries.map(\.response))
            #expect(one.contentSHA256 == two.contentSHA256)
        }
    }

    /// The header misbehaviours rewrite the object they name, so the decoders see what a lying card sends.
    @Test func headerMisbehavioursRewriteTheFCP() throws {
        let profile = try #require(try Self.profiles().first { $0.mode == .uicc && $0.style == .t1 })
        func header(_ misbehaviour: Misbehaviour?) throws -> FileControlParameters {
            let card = MisbehavingCard(profile: profile, plan: misbehaviour.map { FaultPlan(only: $0) })
            let answer = try ResponseAPDU(parsing: card.transmit(hex("00A40004022FE2"))[...])
            return try FileControlParameters(decoding: answer.data[...])
        }
        #expect(try header(nil).fileSize == 10)
        #expect(try header(.absurdFileSize).fileSize == 0xFFFF)
        let recordCard = MisbehavingCard(profile: profile, plan: FaultPlan(only: .zeroRecords))
        let records = try FileControlParameters(decoding: ResponseAPDU(parsing: recordCard.transmit(hex("00A40004022F00"))[...]).data[...])
        #expect(records.recordCount == 0)
    }

    @Test func removedAndMuteStrikeAtTheirAPDU() throws {
        let profile = try #require(try Self.profiles().first)
        let pulled = MisbehavingCard(profile: profile, plan: FaultPlan(only: .removed))
        #expect(throws: MisbehavingCard.Pulled.self) { _ = try pulled.transmit(hex("00A40004023F00")) }
        #expect(throws: MisbehavingCard.Pulled.self, "a pulled card stays out") { _ = try pulled.transmit(hex("00A40004023F00")) }
        let mute = MisbehavingCard(profile: profile, plan: FaultPlan(only: .mute))
        #expect(throws: MisbehavingCard.Mute.self) { _ = try mute.transmit(hex("00A40004023F00")) }
    }

    /// The busy card of issue 13 in the simulator: GET RESPONSE always says more data.
    @Test func endlessMoreDataCostsABoundedNumberOfAPDUs() throws {
        let profile = try #require(try Self.profiles().first { $0.mode == .uicc })
        let acquisition = SIMReader().read(transport: MisbehavingCard(profile: profile, plan: FaultPlan(only: .endlessMoreData)),
                                           atr: profile.atr, scope: .full)
        #expect(!acquisition.complete)
        #expect(acquisition.apduCount == 1 + ReadLimits.maximumResponseChain)
    }
}
