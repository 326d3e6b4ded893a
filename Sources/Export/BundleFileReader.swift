import ByteText
import Crypto
import Foundation
import Ledger

/// Reads one file of a bundle in pieces, for the verifier: its SHA-256 without holding it, or
/// its lines one at a time. A bundle's largest files (case.jsonld, ledger.jsonl, proofs.jsonl)
/// are hundreds of MB at ten times the seizure.
struct BundleFileReader {
    static let pieceSize = 1 << 20
    let path: String
    let name: String

    init(root: String, _ name: String) {
        self.path = (root as NSString).appendingPathComponent(name)
        self.name = name
    }

    /// The file's pieces, one at a time (`next`), in order. Read as arrays of bytes, not `Data`:
    /// searching `Data` for newlines checks exclusive access to its storage at every byte.
    struct Pieces: ~Copyable {
        let descriptor: Int32
        let name: String

        /// The next piece, nil at the end of the file.
        func next() throws(BundleProblem) -> [UInt8]? {
            var failure: Int32 = 0
            let piece = [UInt8](unsafeUninitializedCapacity: BundleFileReader.pieceSize) { buffer, count in
                repeat { count = read(descriptor, buffer.baseAddress, buffer.count) } while count < 0 && errno == EINTR
                if count < 0 { failure = errno; count = 0 }
            }
            guard failure == 0 else { throw BundleProblem(name, "cannot be read: \(String(cString: strerror(failure)))") }
            return piece.isEmpty ? nil : piece
        }

        deinit { close(descriptor) }
    }

    func pieces() throws(BundleProblem) -> Pieces {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw BundleProblem(name, "cannot be read: \(String(cString: strerror(errno)))") }
        return Pieces(descriptor: descriptor, name: name)
    }

    /// Calls `body` with each piece of the file, in order.
    func forEachPiece(_ body: ([UInt8]) throws(BundleProblem) -> Void) throws(BundleProblem) {
        let pieces = try pieces()
        while let piece = try pieces.next() { try body(piece) }
    }

    /// Lowercase hex SHA-256 of the file.
    func sha256() throws(BundleProblem) -> String {
        var hash = SHA256()
        try forEachPiece { piece throws(BundleProblem) in hash.update(data: piece) }
        return Hex.lowercase(hash.finalize())
    }

    /// The last line (without its newline) and how many lines the file has, read without
    /// holding more than a piece and a line. The file must end with a newline and hold a line.
    func lastLine() throws(BundleProblem) -> (line: [UInt8], count: Int) {
        var count = 0
        var current = [UInt8](), last = [UInt8]()
        try forEachPiece { piece throws(BundleProblem) in
            piece.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                var start = bytes.startIndex
                while let newline = bytes[start...].firstIndex(of: 0x0A) {
                    count += 1
                    current.append(contentsOf: bytes[start..<newline])
                    swap(&last, &current)
                    current.removeAll(keepingCapacity: true)
                    start = newline + 1
                }
                current.append(contentsOf: bytes[start...])
            }
        }
        guard current.isEmpty else { throw BundleProblem(name, line: count + 1, "has no newline at its end (an incomplete copy?)") }
        guard count > 0 else { throw BundleProblem(name, "is empty") }
        return (last, count)
    }

    /// Calls `body` with each line (without its newline), its number from 1 and its byte offset.
    /// The file must end with a newline.
    func forEachLine(_ body: (_ line: [UInt8], _ number: Int, _ offset: Int) throws(BundleProblem) -> Void) throws(BundleProblem) {
        try forEachLine(batch: 1, batchContext: {}, prepare: { _, line, _ in line }, body)
    }

    /// `forEachLine`, with the work on each line that needs nothing of the lines before it
    /// (`prepare`) done on every core, `batch` lines at a time (`concurrentMap`); `body` then
    /// takes each line's prepared value in order, with its number and offset. `batchContext`
    /// is asked before each batch for what `prepare` may use of the lines taken so far. A batch
    /// holds at least the lines of one piece. (A loop, not `forEachPiece`: a closure's captured
    /// variables cost an exclusivity check at every use, a tenth of the verifier's time.)
    func forEachLine<Context, Prepared>(batch: Int = LedgerVerifier.PreparedLine.batch, batchContext: () -> Context,
                                        prepare: (Context, _ line: [UInt8], _ number: Int) -> Prepared,
                                        _ body: (Prepared, _ number: Int, _ offset: Int) throws(BundleProblem) -> Void) throws(BundleProblem) {
        var lines = [(line: [UInt8], number: Int, offset: Int)]()
        lines.reserveCapacity(batch)
        var carry = [UInt8](), number = 0, offset = 0, more = true
        let pieces = try pieces()
        while more {
            // A batch of lines, or what is left of the file.
            while lines.count < batch, let piece = try pieces.next() {
                var start = piece.startIndex
                while let newline = piece[start...].firstIndex(of: 0x0A) {
                    carry.append(contentsOf: piece[start..<newline])
                    number += 1
                    lines.append((carry, number, offset))
                    offset += carry.count + 1
                    carry.removeAll(keepingCapacity: true)
                    start = piece.index(after: newline)
                }
                carry.append(contentsOf: piece[start...])
            }
            more = lines.count >= batch
            let context = batchContext()
            let prepared = lines.concurrentMap { prepare(context, $0.line, $0.number) }
            for (value, line) in zip(prepared, lines) { try body(value, line.number, line.offset) }
            lines.removeAll(keepingCapacity: true)
        }
        guard carry.isEmpty else { throw BundleProblem(name, line: number + 1, "has no newline at its end (an incomplete copy?)") }
    }
}
