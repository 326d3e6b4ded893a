import BenchmarkSupport
import Crypto
import Foundation
import GRDB

/// Keeps results alive so the optimiser cannot drop the work.
nonisolated(unsafe) var sink: UInt64 = 0

/// The baselines: swift-crypto's Ed25519 and SHA-256 used directly on inputs the size of a
/// ledger message, with nothing around them.
final class RawCrypto {
    let key = Curve25519.Signing.PrivateKey()
    let publicKey: Curve25519.Signing.PublicKey
    /// Distinct messages of `messageSize` bytes, with their signatures.
    let messages: [[UInt8]]
    let signatures: [Data]
    /// Distinct 65-byte inputs: an RFC 6962 node hash input (0x01 || left || right).
    let nodeInputs: [[UInt8]]
    let messageSize: Int

    init(messageSize: Int, count: Int = 256) {
        self.messageSize = messageSize
        publicKey = key.publicKey
        var filler = Filler(seed: 0x5eed_1ed6_e000_0001)
        let msgs = (0..<count).map { _ in filler.bytes(messageSize) }
        let k = key
        messages = msgs
        signatures = msgs.map { try! k.signature(for: $0) }
        nodeInputs = (0..<count).map { _ in [0x01] + filler.bytes(64) }
    }

    /// Ed25519 signatures per second over `n` messages.
    func signRate(_ n: Int) -> Double {
        var acc: UInt64 = 0
        let t = timed {
            for i in 0..<n {
                let s = try! key.signature(for: messages[i % messages.count])
                acc &+= UInt64(s[s.startIndex])
            }
        }
        sink &+= acc
        return Double(n) / t
    }

    /// Ed25519 verifications per second (all valid).
    func verifyRate(_ n: Int) -> Double {
        var ok = 0
        let t = timed {
            for i in 0..<n {
                let j = i % messages.count
                if publicKey.isValidSignature(signatures[j], for: messages[j]) { ok += 1 }
            }
        }
        precondition(ok == n, "raw verification failed")
        return Double(n) / t
    }

    /// SHA-256 one-shot hashes per second of `messageSize`-byte inputs.
    func shaRate(_ n: Int) -> Double {
        var acc: UInt64 = 0
        let t = timed {
            for i in 0..<n {
                let d = SHA256.hash(data: messages[i % messages.count])
                d.withUnsafeBytes { acc &+= UInt64($0[0]) }
            }
        }
        sink &+= acc
        return Double(n) / t
    }

    /// SHA-256 hashes per second of 65-byte (Merkle node) inputs.
    func nodeShaRate(_ n: Int) -> Double {
        var acc: UInt64 = 0
        let t = timed {
            for i in 0..<n {
                let d = SHA256.hash(data: nodeInputs[i % nodeInputs.count])
                d.withUnsafeBytes { acc &+= UInt64($0[0]) }
            }
        }
        sink &+= acc
        return Double(n) / t
    }
}

/// The SQLite baseline: one row of a ledger line's size inserted per `BEGIN IMMEDIATE`
/// transaction through a GRDB `DatabasePool` configured like the case store's (WAL; GRDB sets
/// `synchronous = NORMAL` on the writer), nothing else in the transaction. A second pool on its
/// own file has `synchronous = FULL` (fsync of the WAL at every commit), to show what durable
/// commits would cost.
final class RawSQLite {
    let pool: DatabasePool
    let fullPool: DatabasePool
    let row: Data
    var seq: Int64 = 0
    var fullSeq: Int64 = 0
    let synchronous: Int
    let fullSynchronous: Int
    let journalMode: String

    init(directory: String, rowSize: Int) throws {
        var config = Configuration()
        config.busyMode = .timeout(5)
        pool = try DatabasePool(path: (directory as NSString).appendingPathComponent("raw-normal.sqlite"), configuration: config)
        fullPool = try DatabasePool(path: (directory as NSString).appendingPathComponent("raw-full.sqlite"), configuration: config)
        for p in [pool, fullPool] {
            try p.write { db in try db.execute(sql: "CREATE TABLE t (seq INTEGER PRIMARY KEY, line BLOB NOT NULL)") }
        }
        try fullPool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        synchronous = try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        fullSynchronous = try fullPool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        journalMode = try pool.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?" }
        var filler = Filler(seed: 0xdb)
        row = Data(filler.bytes(rowSize))
    }

    private static func commits(_ pool: DatabasePool, _ n: Int, _ seq: inout Int64, _ row: Data) throws -> Double {
        var s = seq
        let t = try timed {
            for _ in 0..<n {
                s += 1
                let value = s
                try pool.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        try db.execute(sql: "INSERT INTO t (seq, line) VALUES (?, ?)", arguments: [value, row])
                        return .commit
                    }
                }
            }
        }
        seq = s
        return Double(n) / t
    }

    /// Committed single-row transactions per second, synchronous = NORMAL (as the case store).
    func commitRate(_ n: Int) throws -> Double { try RawSQLite.commits(pool, n, &seq, row) }

    /// The same with synchronous = FULL.
    func fullCommitRate(_ n: Int) throws -> Double { try RawSQLite.commits(fullPool, n, &fullSeq, row) }
}
