import Ledger

/// The frame of a stored ledger line (LEDGER.md §4) read without parsing the body:
/// `{"entry":` + body + `,"hash":"` + 64 hex + `","sig":"` + 88 base64 + `"}`.
/// Used where the body's bytes, the stored hash or a few top-level fields are all that is
/// needed; `SignedEntry(line:)` remains the full parse and `LedgerVerifier` the full check.
struct StoredLine {
    static let prefix: [UInt8] = Array("{\"entry\":".utf8)
    static let hashKey: [UInt8] = Array(",\"hash\":\"".utf8)
    static let sigKey: [UInt8] = Array("\",\"sig\":\"".utf8)
    static let end: [UInt8] = Array("\"}".utf8)
    /// 172 bytes after the body.
    static let suffixLength = hashKey.count + 64 + sigKey.count + 88 + end.count

    /// The body bytes, exactly as stored (indices are the line's).
    let body: ArraySlice<UInt8>
    /// The hash stored in the line.
    let hash: SHA256Hash

    /// Nil unless `line` has the stored-line frame and a 64-lowercase-hex hash.
    init?(_ line: [UInt8]) {
        let p = StoredLine.prefix.count, s = StoredLine.suffixLength
        guard line.count > p + s, line.starts(with: StoredLine.prefix) else { return nil }
        var i = line.count - s
        func take(_ expected: [UInt8]) -> Bool {
            guard line[i..<(i + expected.count)].elementsEqual(expected) else { return false }
            i += expected.count
            return true
        }
        guard take(StoredLine.hashKey) else { return nil }
        guard let hash = SHA256Hash(hex: String(decoding: line[i..<(i + 64)], as: UTF8.self)) else { return nil }
        i += 64
        guard take(StoredLine.sigKey) else { return nil }
        i += 88
        guard take(StoredLine.end) else { return nil }
        self.body = line[p..<(line.count - s)]
        self.hash = hash
    }

    /// RFC 6962 leaf hash of the entry: SHA-256(0x00 || body).
    var leafHash: SHA256Hash { MerkleTree.leafHash(body) }

    // Top-level fields of a canonical body, found by position. The members are sorted
    // (`action`, `examiner`, `payload`, `prev`, `seq`, `station`, `subjects`, `time`), and in
    // canonical JSON a `"` inside a string is always written `\"`, so the byte sequence
    // `,"station":"` can occur after the payload only as the top-level member: its last
    // occurrence is the top-level `station`, followed by `subjects` and the fixed-length `time`.

    static let actionKey: [UInt8] = Array("{\"action\":\"".utf8)
    static let seqKey: [UInt8] = Array(",\"seq\":".utf8)
    static let stationKey: [UInt8] = Array(",\"station\":\"".utf8)
    static let subjectsKey: [UInt8] = Array("\",\"subjects\":".utf8)
    static let timeKey: [UInt8] = Array(",\"time\":\"".utf8)
    /// `,"time":"` + 24 characters + `"}`.
    static let timeLength = timeKey.count + 24 + 2

    /// Index in the line of the top-level `,"station":"`.
    private var stationIndex: Int? {
        let k = StoredLine.stationKey
        var i = body.endIndex - StoredLine.timeLength - k.count
        while i >= body.startIndex {
            if body[i] == k[0] && body[i..<(i + k.count)].elementsEqual(k) { return i }
            i -= 1
        }
        return nil
    }

    /// The top-level `seq` (nil when the body is not laid out as a canonical entry body).
    var bodySequence: Int64? {
        guard let st = stationIndex else { return nil }
        var i = st
        while i > body.startIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(body[i - 1]) { i -= 1 }
        let digits = body[i..<st]
        let k = StoredLine.seqKey
        guard !digits.isEmpty, digits.count <= 16, i - k.count >= body.startIndex,
              body[(i - k.count)..<i].elementsEqual(k) else { return nil }
        if digits.count > 1 && digits.first == UInt8(ascii: "0") { return nil }
        return Int64(String(decoding: digits, as: UTF8.self))
    }

    /// The top-level `action` (nil when not laid out as a canonical entry body).
    var action: LedgerAction? {
        let k = StoredLine.actionKey
        guard body.count > k.count, body.prefix(k.count).elementsEqual(k) else { return nil }
        let start = body.startIndex + k.count
        guard let close = body[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        let a = LedgerAction(String(decoding: body[start..<close], as: UTF8.self))
        return a.isWellFormed ? a : nil
    }

    /// The top-level `subjects` (nil when not laid out as a canonical entry body).
    var subjects: [String]? {
        guard let st = stationIndex else { return nil }
        let open = st + StoredLine.stationKey.count + 8
        let close = body.endIndex - StoredLine.timeLength
        let sk = StoredLine.subjectsKey
        guard open + sk.count <= close, body[open..<(open + sk.count)].elementsEqual(sk),
              body[close..<(close + StoredLine.timeKey.count)].elementsEqual(StoredLine.timeKey),
              let array = (try? CanonicalJSON(parsing: body[(open + sk.count)..<close]))?.arrayValue else { return nil }
        var out = [String]()
        out.reserveCapacity(array.count)
        for v in array {
            guard let s = v.stringValue else { return nil }
            out.append(s)
        }
        return out
    }
}
