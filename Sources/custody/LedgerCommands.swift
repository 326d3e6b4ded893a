import ArgumentParser
import CaseStore
import Foundation
import Ledger
import Workbench

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Verify the case's ledger; issue checkpoints and proofs (docs/LEDGER.md).",
        subcommands: [LedgerVerify.self, LedgerCheckpoint.self, LedgerProve.self, LedgerConsistency.self]
    )
}

/// `--trusted-key FILE`: verifier keys to trust instead of the case's station.pub.
struct TrustSelection: ParsableArguments {
    @Option(help: ArgumentHelp("File with the verifier key(s) to trust (default: station.pub beside the case).", valueName: "FILE"))
    var trustedKey: String?

    func keys() throws -> [VerifierKey]? {
        guard let trustedKey else { return nil }
        guard let text = try? String(contentsOfFile: trustedKey, encoding: .utf8) else {
            throw CustodyFailure("cannot read --trusted-key \(trustedKey): check the path")
        }
        return try inCase { () throws(CaseStoreError) in try CaseStore.parseKeys(text, source: trustedKey) }
    }
}

func readTextFile(_ path: String, what: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw CustodyFailure("cannot read \(what) \(path): check the path") }
    return String(decoding: data, as: UTF8.self)
}

func writeOrPrint(_ text: String, to out: String?, what: String) throws {
    // A document (checkpoint, proof) goes out byte for byte, not through the escaping `print`.
    guard let out else { Swift.print(text, terminator: ""); return }
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: [.atomic]) } catch {
        throw CustodyFailure("cannot write \(what) to \(out): \(error.localizedDescription); check the folder and free space")
    }
    printError("\(what) written to \(out)")
}

struct LedgerVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every hash, link, signature and the Merkle root; check stored and given checkpoints and that the registry agrees with the ledger.",
        discussion: "Exit 0 only when everything holds; otherwise prints the first bad entry and why, exit 1."
    )
    @OptionGroup var selection: CaseSelection
    @Option(help: ArgumentHelp("An earlier signed checkpoint the ledger must extend.", valueName: "FILE")) var checkpoint: String?
    @OptionGroup var trust: TrustSelection
    @Flag(help: "Print JSON (schema custody.ledger.verify/1).") var json = false

    struct Output: Encodable {
        var schema = "custody.ledger.verify/1"
        var valid: Bool
        var caseID: String?
        var storedEntries: Int
        var verifiedEntries: Int
        var root: String
        var examiners: Int
        var items: Int
        var acquisitions: Int
        var photos: Int
        var stations: Int
        var storedCheckpoints: Int
        var checkpointSize: Int?
        var failure: String?
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let note = try checkpoint.map { try readTextFile($0, what: "checkpoint") }
            let keys = try trust.keys()
            let r = try inCase { () throws(CaseStoreError) in try store.verify(checkpointNote: note, trustedKeys: keys) }
            if json {
                try printJSON(Output(valid: r.isValid, caseID: r.caseID, storedEntries: r.storedEntries, verifiedEntries: r.verifiedEntries,
                                     root: r.root.base64, examiners: r.examiners, items: r.items, acquisitions: r.acquisitions,
                                     photos: r.photos, stations: r.stations, storedCheckpoints: r.checkpoints, checkpointSize: r.externalCheckpoint?.size,
                                     failure: r.failure))
            } else if r.isValid {
                print("ledger OK: \(r.verifiedEntries) entries verified (hashes, links, signatures, roster), root \(r.root.base64)")
                print("registry agrees: \(r.examiners) examiners, \(r.items) items, \(r.acquisitions) acquisitions, \(r.photos) photos, \(r.stations) stations; \(r.checkpoints) stored checkpoints consistent")
                if let cp = r.externalCheckpoint { print("checkpoint \(checkpoint!) (size \(cp.size)) is consistent with the ledger") }
            }
            if let failure = r.failure {
                throw CustodyFailure("ledger verification FAILED (\(r.verifiedEntries) of \(r.storedEntries) entries good): \(failure)")
            }
        }
    }
}

struct LedgerCheckpoint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign a C2SP checkpoint of the whole ledger (origin custody.case/<case id>); it is also kept in the case."
    )
    @OptionGroup var selection: CaseSelection
    @Option(help: ArgumentHelp("Write the checkpoint here instead of printing it.", valueName: "FILE")) var out: String?

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let (_, note, _, _) = try inCase { () throws(CaseStoreError) in try store.checkpoint() }
            try writeOrPrint(note.serialized, to: out, what: "checkpoint")
        }
    }
}

struct LedgerProve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Write a C2SP tlog-proof that entry SEQ is in the ledger (with a fresh signed checkpoint)."
    )
    @Argument(help: "Entry sequence number.") var seq: Int64
    @OptionGroup var selection: CaseSelection
    @Option(help: ArgumentHelp("Write the proof here instead of printing it.", valueName: "FILE")) var out: String?

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let proof = try inCase { () throws(CaseStoreError) in try store.prove(seq: seq) }
            try writeOrPrint(proof.serialized, to: out, what: "proof of entry \(seq)")
        }
    }
}

struct LedgerConsistency: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency",
        abstract: "Check that an earlier checkpoint is a prefix of the current ledger (RFC 9162 consistency proof)."
    )
    @OptionGroup var selection: CaseSelection
    @Option(help: ArgumentHelp("The earlier signed checkpoint.", valueName: "FILE")) var old: String
    @OptionGroup var trust: TrustSelection
    @Flag(help: "Print JSON (schema custody.ledger.consistency/1).") var json = false

    struct Output: Encodable {
        var schema = "custody.ledger.consistency/1"
        var consistent = true
        var oldSize: Int
        var oldRoot: String
        var size: Int
        var root: String
        var proof: [String]
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let note = try readTextFile(old, what: "checkpoint")
            let keys = try trust.keys()
            let c = try inCase { () throws(CaseStoreError) in try store.consistency(oldNote: note, trustedKeys: keys) }
            if json {
                try printJSON(Output(oldSize: c.old.size, oldRoot: c.old.root.base64, size: c.size, root: c.root.base64,
                                     proof: c.proof.hashes.map(\.base64)))
            } else {
                print("consistent: the checkpoint of \(c.old.size) entries (root \(c.old.root.base64)) is a prefix of the ledger of \(c.size) entries (root \(c.root.base64))")
            }
        }
    }
}
