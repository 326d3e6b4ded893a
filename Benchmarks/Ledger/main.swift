import BenchmarkSupport
// ledger-bench: append and verify throughput of the custody ledger, alone and through the
// case store, each as a ratio to swift-crypto's raw Ed25519 and SHA-256 rates measured in the
// same run (docs/BENCHMARKS.md, "Ledger"). Scripts/bench-ledger runs it in a temporary folder.
import CaseStore
import Crypto
import Foundation
import GRDB
import Ledger

struct Options {
    var entries = 100_000
    var rounds = 5
    var batch = 2000
    var chunks = 10
    var directory: String?
    var json = false
    var store = true

    static let usage = """
        usage: ledger-bench --dir DIR [--entries N] [--rounds R] [--batch B] [--chunks C] [--no-store] [--json]
          --dir DIR      an empty or new folder for the case store and the SQLite baseline (required)
          --entries N    ledger size measured at (default 100000, at least 100)
          --rounds R     interleaved rounds of the per-batch comparison (default 5)
          --batch B      operations per batch in those rounds (default 2000)
          --chunks C     chunks the N appends are split into, a raw baseline batch before each (default 10)
          --no-store     skip the case store part
          --json         one JSON document (schema custody.bench.ledger/1) on stdout
        """

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var cursor = ArgumentCursor(args, usage: usage)
        while let argument = cursor.next() {
            switch argument {
            case "--entries": o.entries = cursor.count("--entries", minimum: 100)
            case "--rounds": o.rounds = cursor.count("--rounds", minimum: 1)
            case "--batch": o.batch = cursor.count("--batch", minimum: 10)
            case "--chunks": o.chunks = cursor.count("--chunks", minimum: 1)
            case "--dir": o.directory = cursor.value("--dir")
            case "--json": o.json = true
            case "--no-store": o.store = false
            case "-h", "--help": print(usage); exit(0)
            default: cursor.unknown(argument)
            }
        }
        guard o.directory != nil else { fail("--dir is required\n\(usage)") }
        return o
    }
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let workDir = options.directory!
do { try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true) } catch {
    fail("cannot create \(workDir): \(error)")
}
let N = options.entries
let B = options.batch

// MARK: The entries measured

/// What every measured entry records: a note on one exhibit, as `custody event note` writes it.
let examinerID = "E1"
let label = "EXH-2026-0042-001"
let noteText = "Bag opened for inspection at the evidence counter; seal S-000123 intact before opening; contents match the seizure record; resealed with S-000124."
let notePayload: [String: CanonicalJSON] = ["text": .string(noteText)]
let baseTime: Int64 = 1_795_000_000_000

func coreKey() -> StationKey { try! StationKey.generate(name: "custody.case/\(UUID().uuidString.lowercased())") }

func coreGenesis(_ key: StationKey) -> SignedEntry {
    try! LedgerWriter.genesis(
        caseID: "bench-case",
        caseFields: ["name": .string("Benchmark case"), "agency": .string("Bench Lab"), "authority": .string("Warrant 2026-0042"),
                     "timeZone": .string("UTC")],
        examiners: [["id": .string(examinerID), "name": .string("Bench Examiner"), "role": .string("supervisor")]],
        stations: [key.verifierKey], examiner: examinerID, time: LedgerTime(millisecondsSince1970: baseTime), key: key)
}

/// A chain writer with no storage: `LedgerWriter.next` after the previous entry.
struct CoreChain {
    let key: StationKey
    var previous: SignedEntry
    var lines: [[UInt8]]

    init(keepLines: Bool) {
        key = coreKey()
        previous = coreGenesis(key)
        lines = keepLines ? [previous.lineBytes] : []
    }

    /// Builds and signs `n` notes; keeps their stored lines when asked.
    mutating func append(_ n: Int, keep: Bool) {
        for _ in 0..<n {
            let seq = previous.entry.sequence + 1
            previous = try! LedgerWriter.next(after: previous, time: LedgerTime(millisecondsSince1970: baseTime + seq * 1000),
                                             examiner: examinerID, action: .custodyNote, subjects: [label],
                                             payload: notePayload, key: key)
            if keep { lines.append(previous.lineBytes) }
        }
    }
}

// A sample note entry sets the baseline message size: what is signed and hashed per entry.
var sampleChain = CoreChain(keepLines: true)
sampleChain.append(1, keep: true)
let sampleEntry = sampleChain.previous
let bodySize = sampleEntry.body.count
let messageSize = sampleEntry.signedMessage.count
let lineSize = sampleEntry.lineBytes.count
note("entry: body \(bodySize) B, signed message \(messageSize) B, stored line \(lineSize) B")

let raw = RawCrypto(messageSize: messageSize)
let sqlite: RawSQLite
do { sqlite = try RawSQLite(directory: workDir, rowSize: lineSize) } catch { fail("cannot open the SQLite baseline in \(workDir): \(error)") }

// Warm-up: caches, lazy initialisation, page faults.
_ = raw.signRate(200); _ = raw.verifyRate(200); _ = raw.shaRate(2000); _ = raw.nodeShaRate(2000)

// MARK: 1. Interleaved rounds: each library operation next to its raw counterpart

note("rounds: \(options.rounds) × (raw sign, writer, raw verify, verifier, line parse, raw SHA-256) batches of \(B)")
var roundChain = CoreChain(keepLines: true)
roundChain.append(B - 1, keep: true)  // B lines for the verifier batches (untimed)
let roundLines = roundChain.lines
let roundKey = roundChain.key.verifierKey
var writerChain = CoreChain(keepLines: false)

struct RoundResult: Encodable {
    var rawSign: Double, writer: Double, rawVerify: Double, verifier: Double, parse: Double, encode: Double
    var rawSHA: Double, rawNodeSHA: Double
    var writerOverSign: Double { writer / rawSign }
    var verifierOverVerify: Double { verifier / rawVerify }
}

var rounds: [RoundResult] = []
for r in 0..<options.rounds {
    var rr = RoundResult(rawSign: 0, writer: 0, rawVerify: 0, verifier: 0, parse: 0, encode: 0, rawSHA: 0, rawNodeSHA: 0)
    let steps: [() -> Void] = [
        { rr.rawSign = raw.signRate(B) },
        { rr.writer = Double(B) / timed { writerChain.append(B, keep: false) } },
        { rr.rawVerify = raw.verifyRate(B) },
        {
            var ok = false
            let t = timed { ok = LedgerVerifier.verify(lineBytes: roundLines, trustedKeys: [roundKey]).isValid }
            precondition(ok, "round ledger does not verify")
            rr.verifier = Double(roundLines.count) / t
        },
        {
            var n = 0
            let t = timed { for l in roundLines { if (try? SignedEntry(line: l)) != nil { n += 1 } } }
            precondition(n == roundLines.count)
            rr.parse = Double(n) / t
        },
        {
            let e = sampleEntry.entry
            var acc = 0
            let t = timed { for _ in 0..<B { acc &+= e.canonicalBody.count } }
            sink &+= UInt64(acc)
            rr.encode = Double(B) / t
        },
        { rr.rawSHA = raw.shaRate(B * 10) },
        { rr.rawNodeSHA = raw.nodeShaRate(B * 10) },
    ]
    // Alternate the order (ABBA) so that drift does not favour one side.
    for step in (r % 2 == 0 ? steps : steps.reversed()) { step() }
    rounds.append(rr)
    note("round \(r + 1): writer/sign \(fmt(rr.writerOverSign)), verifier/verify \(fmt(rr.verifierOverVerify))")
}

// MARK: 2. Ledger core at N (no storage)

struct CoreAtN: Encodable {
    var entries: Int
    var writerPerSecond: Double
    var writerChunkRates: [Double]
    var rawSignDuringWriter: Rate
    var writerOverSign: Double
    var verifierSeconds: Double
    var verifierPerSecond: Double
    var rawVerifyAroundVerifier: Rate
    var verifierOverVerify: Double
    var merkleRootMs: Double
    var merkleNodeHashes: Int
    var rawNodeSHAMs: Double
    var merkleOverRaw: Double
    var inclusionProofMs: Double
    var inclusionProofHashes: Int
    var consistencyProofMs: Double
}

let chunkCount = min(options.chunks, N)
func chunkSizes(_ total: Int) -> [Int] {
    (0..<chunkCount).map { i in total / chunkCount + (i < total % chunkCount ? 1 : 0) }
}
let smallBatch = max(B / 4, 50)

note("core: building and signing \(N) entries with LedgerWriter in \(chunkCount) chunks")
var nChain = CoreChain(keepLines: true)
nChain.lines.reserveCapacity(N)
var writerChunkRates: [Double] = [], signDuring: [Double] = []
var writerTotal = 0.0
for size in chunkSizes(N - 1) {
    signDuring.append(raw.signRate(smallBatch))
    let t = timed { nChain.append(size, keep: true) }
    writerTotal += t
    writerChunkRates.append(Double(size) / t)
}
let allLines = nChain.lines
precondition(allLines.count == N)
let writerRate = Double(N - 1) / writerTotal

note("core: LedgerVerifier over \(N) lines")
let verifyBefore = raw.verifyRate(smallBatch)
var report: LedgerVerifier.Report!
let verifierSeconds = timed { report = LedgerVerifier.verify(lineBytes: allLines, trustedKeys: [nChain.key.verifierKey]) }
let verifyAfter = raw.verifyRate(smallBatch)
guard report.isValid, report.verifiedCount == N else { fail("core ledger does not verify: \(report.failure.map { "\($0)" } ?? "count")") }

let tree = report.tree
var root = MerkleTree.emptyRoot
let rootSeconds = timed { root = try! tree.root() }
// The same number of node hashes (n − 1 for n leaves), raw.
let nodeInputs = raw.nodeInputs
var nodeAcc: UInt64 = 0
let rawNodeSeconds = timed {
    for i in 0..<(N - 1) { SHA256.hash(data: nodeInputs[i % nodeInputs.count]).withUnsafeBytes { nodeAcc &+= UInt64($0[0]) } }
}
sink &+= nodeAcc
var proof: InclusionProof!
let proofSeconds = timed { proof = try! tree.inclusionProof(index: N / 2) }
try! proof.verify(leafHash: tree.leafHashes[N / 2], root: root)
let consistencySeconds = timed { _ = try! tree.consistencyProof(from: N / 2) }

let core = CoreAtN(
    entries: N, writerPerSecond: writerRate, writerChunkRates: writerChunkRates, rawSignDuringWriter: Rate(signDuring),
    writerOverSign: writerRate / median(signDuring),
    verifierSeconds: verifierSeconds, verifierPerSecond: Double(N) / verifierSeconds,
    rawVerifyAroundVerifier: Rate([verifyBefore, verifyAfter]),
    verifierOverVerify: (Double(N) / verifierSeconds) / ((verifyBefore + verifyAfter) / 2),
    merkleRootMs: rootSeconds * 1000, merkleNodeHashes: N - 1, rawNodeSHAMs: rawNodeSeconds * 1000,
    merkleOverRaw: rootSeconds / rawNodeSeconds,
    inclusionProofMs: proofSeconds * 1000, inclusionProofHashes: proof.hashes.count, consistencyProofMs: consistencySeconds * 1000)
note("core: writer \(fmtRate(core.writerPerSecond))/s (×\(fmt(core.writerOverSign)) raw sign), verifier \(fmtRate(core.verifierPerSecond))/s (×\(fmt(core.verifierOverVerify)) raw verify), root \(fmt(core.merkleRootMs)) ms")

// MARK: 3. Through the case store

struct StoreAtN: Encodable {
    var entries: Int
    var appendsMeasured: Int
    var appendPerSecond: Double
    var appendChunkRates: [Double]
    var appendMedianMs: Double
    var appendP99Ms: Double
    var appendMaxMs: Double
    var rawSignDuringAppends: Rate
    var appendOverSign: Double
    var rawCommitDuringAppends: Rate
    var appendOverCommit: Double
    var rawFullCommitDuringAppends: Rate
    var verifySeconds: Double
    var verifyPerSecond: Double
    var rawVerifyAroundVerify: Rate
    var verifyOverVerify: Double
    var fetchLinesMs: Double
    var parseAllEntriesMs: Double
    var checkpointMs: Double
    var proveMs: Double
    var verifyWithStoredCheckpointsSeconds: Double
    var databaseBytes: Int64
    var walBytes: Int64
}

var store: StoreAtN? = nil
if options.store {
    let caseDir = (workDir as NSString).appendingPathComponent("case")
    let cs: CaseStore
    do {
        cs = try CaseStore.create(directory: caseDir, name: "Benchmark case", agency: "Bench Lab", authority: "Warrant 2026-0042",
                                  timeZone: "UTC", examiner: .init(id: examinerID, name: "Bench Examiner"))
        try cs.recordEvent(.custodySeize, label: label,
                           details: ["where": "Evidence counter", "when": "2026-11-29T01:00:00Z", "from": "Front desk", "authority": "Warrant 2026-0042"],
                           by: examinerID)
    } catch { fail("cannot create the case store in \(caseDir): \(error)") }

    let appends = N - 2  // entry 0 (case.init) and 1 (custody.seize) exist
    note("store: \(appends) note appends (one committed transaction each) in \(chunkCount) chunks")
    var latencies = [Double]()
    latencies.reserveCapacity(appends)
    var chunkRates = [Double](), signs = [Double](), commits = [Double](), fullCommits = [Double]()
    var total = 0.0
    let clock = ContinuousClock()
    for (ci, size) in chunkSizes(appends).enumerated() {
        signs.append(raw.signRate(smallBatch))
        do {
            commits.append(try sqlite.commitRate(smallBatch))
            fullCommits.append(try sqlite.fullCommitRate(max(smallBatch / 5, 20)))
        } catch { fail("SQLite baseline: \(error)") }
        let start = clock.now
        for _ in 0..<size {
            let t0 = clock.now
            do { try cs.recordEvent(.custodyNote, label: label, details: ["text": noteText], by: examinerID) } catch {
                fail("append failed: \(error)")
            }
            latencies.append(seconds(clock.now - t0))
        }
        let t = seconds(clock.now - start)
        total += t
        chunkRates.append(Double(size) / t)
        note("store: chunk \(ci + 1)/\(chunkCount): \(fmtRate(Double(size) / t)) appends/s")
    }
    let appendRate = Double(appends) / total

    note("store: verify at \(N) entries")
    let vb = raw.verifyRate(smallBatch)
    var v: CaseVerification!
    let verifySeconds = try timed { v = try cs.verify() }
    let va = raw.verifyRate(smallBatch)
    guard v.isValid, v.verifiedEntries == N else { fail("case store does not verify: \(v.failure ?? "count \(v.verifiedEntries)")") }

    // Where the store's verify and checkpoint time goes: fetching the rows, parsing every line.
    let fetchSeconds = try timed { _ = try cs.lineRecords() }
    let parseSeconds = try timed { _ = try cs.entries() }

    note("store: checkpoint and inclusion proof at \(N) entries")
    let checkpointSeconds = try timed { _ = try cs.checkpoint() }
    var tlog: TlogProof!
    let proveSeconds = try timed { tlog = try cs.prove(seq: Int64(N / 2)) }
    precondition(tlog.index == N / 2)
    // Both stored a checkpoint; verify now also checks them.
    var v2: CaseVerification!
    let verify2Seconds = try timed { v2 = try cs.verify() }
    precondition(v2.isValid && v2.checkpoints == 2)

    func size(_ p: String) -> Int64 { ((try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? NSNumber)?.int64Value ?? 0 }
    let dbPath = (caseDir as NSString).appendingPathComponent(CaseStore.databaseName)
    store = StoreAtN(
        entries: N, appendsMeasured: appends, appendPerSecond: appendRate, appendChunkRates: chunkRates,
        appendMedianMs: median(latencies) * 1000, appendP99Ms: percentile(latencies, 0.99) * 1000,
        appendMaxMs: (latencies.max() ?? 0) * 1000,
        rawSignDuringAppends: Rate(signs), appendOverSign: appendRate / median(signs),
        rawCommitDuringAppends: Rate(commits), appendOverCommit: appendRate / median(commits),
        rawFullCommitDuringAppends: Rate(fullCommits),
        verifySeconds: verifySeconds, verifyPerSecond: Double(N) / verifySeconds, rawVerifyAroundVerify: Rate([vb, va]),
        verifyOverVerify: (Double(N) / verifySeconds) / ((vb + va) / 2),
        fetchLinesMs: fetchSeconds * 1000, parseAllEntriesMs: parseSeconds * 1000,
        checkpointMs: checkpointSeconds * 1000, proveMs: proveSeconds * 1000, verifyWithStoredCheckpointsSeconds: verify2Seconds,
        databaseBytes: size(dbPath), walBytes: size(dbPath + "-wal"))
}

// MARK: Report

struct Baselines: Encodable {
    var messageBytes: Int
    var bodyBytes: Int
    var lineBytes: Int
    var ed25519SignPerSecond: Double
    var ed25519VerifyPerSecond: Double
    var sha256PerSecond: Double
    var sha256NodePerSecond: Double
    var sqliteCommitPerSecond: Double?
    var sqliteFullCommitPerSecond: Double?
    var sqliteJournalMode: String
    var sqliteSynchronous: Int
    var sqliteFullSynchronous: Int
    /// The per-entry crypto floor: one signature + one SHA-256 (the entry hash).
    var writerFloorPerSecond: Double
    /// One verification + two SHA-256 (entry hash, Merkle leaf hash).
    var verifierFloorPerSecond: Double
}

struct RoundsSummary: Encodable {
    var rounds: [RoundResult]
    var writerOverSign: Double
    var verifierOverVerify: Double
    var parsePerSecond: Double
    var encodePerSecond: Double
}

struct Output: Encodable {
    var schema = "custody.bench.ledger/1"
    var entries: Int
    var batch: Int
    var baselines: Baselines
    var rounds: RoundsSummary
    var core: CoreAtN
    var store: StoreAtN?
    /// Each throughput ÷ the raw SHA-256 rate of entry-sized inputs.
    var ratiosToSHA256: [String: Double]
}

let sign = median(rounds.map(\.rawSign)), ver = median(rounds.map(\.rawVerify))
let sha = median(rounds.map(\.rawSHA)), nodeSha = median(rounds.map(\.rawNodeSHA))
let baselines = Baselines(
    messageBytes: messageSize, bodyBytes: bodySize, lineBytes: lineSize,
    ed25519SignPerSecond: sign, ed25519VerifyPerSecond: ver, sha256PerSecond: sha, sha256NodePerSecond: nodeSha,
    sqliteCommitPerSecond: store.map { $0.rawCommitDuringAppends.perSecond },
    sqliteFullCommitPerSecond: store.map { $0.rawFullCommitDuringAppends.perSecond },
    sqliteJournalMode: sqlite.journalMode, sqliteSynchronous: sqlite.synchronous, sqliteFullSynchronous: sqlite.fullSynchronous,
    writerFloorPerSecond: 1 / (1 / sign + 1 / sha), verifierFloorPerSecond: 1 / (1 / ver + 2 / sha))
let summary = RoundsSummary(
    rounds: rounds, writerOverSign: median(rounds.map(\.writerOverSign)), verifierOverVerify: median(rounds.map(\.verifierOverVerify)),
    parsePerSecond: median(rounds.map(\.parse)), encodePerSecond: median(rounds.map(\.encode)))
var shaRatios = ["writer": core.writerPerSecond / sha, "verifier": core.verifierPerSecond / sha]
if let st = store {
    shaRatios["storeAppend"] = st.appendPerSecond / sha
    shaRatios["storeVerify"] = st.verifyPerSecond / sha
}
let output = Output(entries: N, batch: B, baselines: baselines, rounds: summary, core: core, store: store, ratiosToSHA256: shaRatios)

if options.json {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try! enc.encode(output), as: UTF8.self))
} else {
    let syncName = [0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"][sqlite.synchronous] ?? "\(sqlite.synchronous)"
    print("Ledger benchmark at N = \(N) entries (note entries: body \(bodySize) B, signed message \(messageSize) B, line \(lineSize) B)")
    print("")
    print("Baselines (swift-crypto, same run; machine-dependent):")
    print("  Ed25519 sign    \(fmtRate(sign))/s   verify \(fmtRate(ver))/s   (\(messageSize)-byte messages)")
    print("  SHA-256         \(fmtRate(sha))/s of \(messageSize) B, \(fmtRate(nodeSha))/s of 65 B")
    if let s = store {
        print("  SQLite commit   \(fmtRate(s.rawCommitDuringAppends.perSecond))/s (1 row of \(lineSize) B per transaction, journal \(sqlite.journalMode), synchronous \(syncName)); \(fmtRate(s.rawFullCommitDuringAppends.perSecond))/s with synchronous FULL")
    }
    print("")
    print("| measurement | rate or time | ratio | to |")
    print("| --- | --- | --- | --- |")
    print("| LedgerWriter build+sign (rounds of \(B)) | \(fmtRate(median(rounds.map(\.writer))))/s | \(fmt(summary.writerOverSign)) | raw Ed25519 sign |")
    print("| LedgerWriter build+sign, \(N) entries | \(fmtRate(core.writerPerSecond))/s | \(fmt(core.writerOverSign)) | raw Ed25519 sign |")
    print("| LedgerVerifier (rounds of \(B)) | \(fmtRate(median(rounds.map(\.verifier))))/s | \(fmt(summary.verifierOverVerify)) | raw Ed25519 verify |")
    print("| LedgerVerifier over \(N) lines | \(fmtRate(core.verifierPerSecond))/s (\(fmt(core.verifierSeconds)) s) | \(fmt(core.verifierOverVerify)) | raw Ed25519 verify |")
    print("| Merkle root at \(N) | \(fmt(core.merkleRootMs)) ms | \(fmt(core.merkleOverRaw)) | \(N - 1) raw 65-B SHA-256 (\(fmt(core.rawNodeSHAMs)) ms) |")
    print("| inclusion proof at \(N) (index \(N / 2)) | \(fmt(core.inclusionProofMs)) ms | | \(core.inclusionProofHashes) hashes |")
    print("| consistency proof \(N / 2) → \(N) | \(fmt(core.consistencyProofMs)) ms | | |")
    if let s = store {
        print("| store append (own transaction each), \(s.appendsMeasured) | \(fmtRate(s.appendPerSecond))/s (median \(fmt(s.appendMedianMs, 3)) ms, p99 \(fmt(s.appendP99Ms, 3)) ms) | \(fmt(s.appendOverSign)) | raw Ed25519 sign |")
        print("| store append | | \(fmt(s.appendOverCommit)) | raw SQLite commit |")
        print("| store verify at \(N) | \(fmtRate(s.verifyPerSecond))/s (\(fmt(s.verifySeconds)) s) | \(fmt(s.verifyOverVerify)) | raw Ed25519 verify |")
        print("| store checkpoint at \(N) | \(fmt(s.checkpointMs)) ms | | |")
        print("| store prove (checkpoint + proof) at \(N) | \(fmt(s.proveMs)) ms | | |")
        print("| store verify, 2 stored checkpoints | \(fmt(s.verifyWithStoredCheckpointsSeconds)) s | | |")
    }
    print("")
    print("Crypto floor per entry: writer \(fmtRate(baselines.writerFloorPerSecond))/s (sign + SHA-256), verifier \(fmtRate(baselines.verifierFloorPerSecond))/s (verify + 2 SHA-256)")
    print("Ratio to raw SHA-256 (\(messageSize) B): " + shaRatios.sorted { $0.key < $1.key }
        .map { "\($0.key) \(String(format: "%.5f", $0.value)) (≈ \(Int((1 / $0.value).rounded())) SHA-256 per entry)" }.joined(separator: ", "))
    print("Canonical JSON: parse+validate a stored line \(fmtRate(summary.parsePerSecond))/s, encode a body \(fmtRate(summary.encodePerSecond))/s")
    if let s = store {
        print("Store: fetch all lines \(fmt(s.fetchLinesMs)) ms, parse all entries \(fmt(s.parseAllEntriesMs)) ms; append chunks \(s.appendChunkRates.map { fmtRate($0) }.joined(separator: ", "))/s")
        print("Store files: case.sqlite \(s.databaseBytes / 1024) KiB, WAL \(s.walBytes / 1024) KiB")
    }
}
