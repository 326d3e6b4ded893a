import Export
import Foundation
import Ledger

/// Re-makes a bundle's ledger lines, checkpoint and proofs the way someone holding a station
/// key would: each changed line validly hashed and signed, a tree of the export's size with the
/// lines at their positions (made-up leaves in the gaps of an excerpt), the checkpoint signed,
/// one fresh proof per line in proofs.jsonl, MANIFEST.sha256 rewritten. The sealed files are left as exported.
struct BundleForger {
    let editor: BundleEditor
    /// ledger.jsonl's lines (without newlines) and the position each one claims.
    var lines: [[UInt8]]
    var positions: [Int]

    init(_ editor: BundleEditor) throws {
        self.editor = editor
        let jsonl = [UInt8](try editor.data(BundleLayout.ledger))
        lines = jsonl.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        positions = try lines.map { Int(try SignedEntry(line: $0).entry.sequence) }
    }

    var root: String { editor.root }

    /// Line `i`'s body (LEDGER.md §4 frame: after `{"entry":`, before the 172-byte suffix).
    func body(_ i: Int) -> String { String(decoding: lines[i][9..<(lines[i].count - 172)], as: UTF8.self) }

    /// The stored line of `body` signed by `key` (any bytes: the body need not be valid).
    static func line(body: String, key: StationKey) -> [UInt8] {
        let message = LedgerEntry.domainPrefix + Array(body.utf8)
        let sig = Data(key.sign(message)).base64EncodedString()
        return Array("{\"entry\":\(body),\"hash\":\"\(SHA256Hash.of(message).hex)\",\"sig\":\"\(sig)\"}".utf8)
    }

    /// Replaces line `i` by `body` (edited from the current one), re-signed.
    mutating func edit(_ i: Int, key: StationKey, _ change: (String) -> String) {
        let new = change(body(i))
        precondition(new != body(i), "the edit changed nothing")
        lines[i] = BundleForger.line(body: new, key: key)
    }

    /// Inserts a line claiming position `position`, keeping the lines in position order.
    mutating func insert(body: String, at position: Int, key: StationKey) {
        let i = positions.firstIndex { $0 > position } ?? positions.count
        lines.insert(BundleForger.line(body: body, key: key), at: i)
        positions.insert(position, at: i)
    }

    /// Writes ledger.jsonl, a checkpoint over a tree of `size` leaves (the export's by default)
    /// signed by `checkpointKey`, and one proof per line; then rewrites MANIFEST.sha256.
    func write(checkpointKey: StationKey, origin: String, size: Int? = nil) throws {
        let n = size ?? (positions.last! + 1)
        var leaves = (0..<n).map { MerkleTree.leafHash(Array("made-up leaf \($0)".utf8)) }
        for (i, p) in positions.enumerated() { leaves[p] = MerkleTree.leafHash(lines[i][9..<(lines[i].count - 172)]) }
        let tree = MerkleTree(leafHashes: leaves)
        let checkpoint = try Checkpoint(origin: origin, size: n, root: try tree.root())
        let note = try checkpoint.signedNote(keys: [checkpointKey]).serialized
        try editor.write(BundleLayout.ledger, Data(lines.flatMap { $0 + [0x0A] }))
        try editor.write(BundleLayout.checkpoint, note)
        try editor.writeProofs(try positions.map { p in (p, try tree.inclusionProof(index: p).hashes) })
        try editor.reseal()
    }
}

extension ExportFixture {
    /// The case's own station key (`case/station.key`), which signs every entry of the fixture.
    func caseKey() throws -> StationKey {
        try StationKey(parsing: String(decoding: try Data(contentsOf: URL(fileURLWithPath: directory + "/case/station.key")), as: UTF8.self))
    }
}

/// Scripts/verify-bundle.py, the independent verifier, run on a bundle.
enum PythonVerifier {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/Scripts/verify-bundle.py"

    /// Exit status and standard output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [script] + arguments
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Writes `keys` to a key file beside `bundle` and returns its path.
    static func keyFile(_ keys: [VerifierKey], beside bundle: String) throws -> String {
        let path = bundle + ".pub"
        try Data(keys.map { $0.description + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
