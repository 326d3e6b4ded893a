import ByteText

/// What an entry records. An open set: any lowercase dotted name is valid; these are the
/// ones the ledger itself gives meaning to (`case.init`, `examiner.add`, `station.add`,
/// `station.revoke`) or that the tools write.
public struct LedgerAction: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// First entry: binds case id, station keys, examiner roster.
    public static let caseInit: LedgerAction = "case.init"
    /// Adds an examiner to the roster from the next entry on (payload `id`).
    public static let examinerAdd: LedgerAction = "examiner.add"
    /// Adds a station key from the next entry on (payload `key`: verifier key string).
    public static let stationAdd: LedgerAction = "station.add"
    /// Revokes a station key from the next entry on (payload `station`: 8-hex key ID).
    public static let stationRevoke: LedgerAction = "station.revoke"
    public static let simAcquire: LedgerAction = "sim.acquire"
    public static let simReread: LedgerAction = "sim.reread"
    public static let custodySeize: LedgerAction = "custody.seize"
    public static let custodyReceive: LedgerAction = "custody.receive"
    public static let custodyTransfer: LedgerAction = "custody.transfer"
    public static let custodyCheckOut: LedgerAction = "custody.checkout"
    public static let custodyCheckIn: LedgerAction = "custody.checkin"
    public static let custodySeal: LedgerAction = "custody.seal"
    public static let custodyUnseal: LedgerAction = "custody.unseal"
    public static let custodyPhotograph: LedgerAction = "custody.photograph"
    /// The scan of an entry's signed paper record, kept with the item (`custody event attach`).
    public static let custodyAttach: LedgerAction = "custody.attach"
    public static let custodyNote: LedgerAction = "custody.note"
    public static let custodyCorrection: LedgerAction = "custody.correction"
    /// The execution of an approved disposal or return request (`custody dispose execute`).
    public static let custodyDispose: LedgerAction = "custody.dispose"
    /// A disposal or return requested (`custody dispose request`), and its approval by a
    /// supervisor who is not the requester (`custody dispose approve`).
    public static let custodyDisposeRequest: LedgerAction = "custody.dispose.request"
    public static let custodyDisposeApprove: LedgerAction = "custody.dispose.approve"
    /// A shelf audit: its start (the location), each scanned code, its finish with the result.
    public static let custodyAuditStart: LedgerAction = "custody.audit.start"
    public static let custodyAuditScan: LedgerAction = "custody.audit.scan"
    public static let custodyAuditFinish: LedgerAction = "custody.audit.finish"
    /// A record (biên bản) of an entry printed to PDF (`custody form`): its kind, entry and the PDF's SHA-256.
    public static let formPrint: LedgerAction = "form.print"
    public static let checkpoint: LedgerAction = "ledger.checkpoint"

    /// Lowercase ASCII letters, digits, `_`, `-`, in dot-separated non-empty parts, ≤ 64 bytes.
    public var isWellFormed: Bool {
        let u = Array(rawValue.utf8)
        guard !u.isEmpty, u.count <= 64, u.first != UInt8(ascii: "."), u.last != UInt8(ascii: ".") else { return false }
        var prevDot = false
        for c in u {
            let dot = c == UInt8(ascii: ".")
            if dot && prevDot { return false }
            prevDot = dot
            let ok = dot || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
            if !ok { return false }
        }
        return true
    }
}

extension Unicode.Scalar {
    /// A control character as docs/LEDGER.md defines it: Unicode general category Cc, i.e.
    /// U+0000–U+001F, U+007F and U+0080–U+009F (refused in examiner ids and key names, and,
    /// but for tab and line breaks, in any text entering a case).
    public var isLedgerControl: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }
}

/// One unsigned ledger entry: the decoded form of its canonical body.
public struct LedgerEntry: Hashable, Sendable {
    /// 0-based position in the ledger.
    public var sequence: Int64
    public var time: LedgerTime
    /// Examiner id (must be in the roster when verified).
    public var examiner: String
    /// Key ID of the station key that signs this entry.
    public var station: KeyID
    public var action: LedgerAction
    /// Item ids this entry is about, in the writer's order.
    public var subjects: [String]
    /// Action-specific data (hashes, names, ...).
    public var payload: [String: CanonicalJSON]
    /// Hash of the previous entry; `SHA256Hash.zero` for entry 0.
    public var previousHash: SHA256Hash

    /// Hashed and signed bytes are `domainPrefix || canonical body`.
    public static let domainPrefix: [UInt8] = Array("custody-ledger-entry-v1\n".utf8)

    public init(sequence: Int64, time: LedgerTime, examiner: String, station: KeyID, action: LedgerAction,
                subjects: [String], payload: [String: CanonicalJSON], previousHash: SHA256Hash) {
        self.sequence = sequence
        self.time = time
        self.examiner = examiner
        self.station = station
        self.action = action
        self.subjects = subjects
        self.payload = payload
        self.previousHash = previousHash
    }

    static let fieldNames: Set<String> = ["action", "examiner", "payload", "prev", "seq", "station", "subjects", "time"]

    /// The body as a JSON object.
    public var json: CanonicalJSON {
        .object([
            "action": .string(action.rawValue),
            "examiner": .string(examiner),
            "payload": .object(payload),
            "prev": .string(previousHash.hex),
            "seq": .integer(sequence),
            "station": .string(station.hex),
            "subjects": .array(subjects.map { .string($0) }),
            "time": .string(time.description),
        ])
    }

    /// The canonical body bytes (see docs/LEDGER.md).
    public var canonicalBody: [UInt8] { json.canonicalBytes }

    /// Field rules that do not depend on other entries.
    func validate() throws(EntryError) {
        guard sequence >= 0, sequence <= CanonicalJSON.maxInteger else { throw .invalidField("seq", "must be 0…2^53−1") }
        guard !examiner.isEmpty, !examiner.unicodeScalars.contains(where: \.isLedgerControl) else {
            throw .invalidField("examiner", "must be non-empty without control characters")
        }
        guard action.isWellFormed else { throw .invalidField("action", "\"\(action)\" is not a lowercase dotted name") }
        guard !subjects.contains(where: \.isEmpty) else { throw .invalidField("subjects", "empty item id") }
    }

    /// Decodes and validates a body; the bytes must be canonical.
    public init(body: some Collection<UInt8>) throws(EntryError) {
        let json: CanonicalJSON
        do { json = try CanonicalJSON(parsingCanonical: body) } catch { throw .body(error) }
        guard let o = json.objectValue else { throw .invalidField("entry", "body is not a JSON object") }
        for k in o.keys where !LedgerEntry.fieldNames.contains(k) { throw .unexpectedField(k) }
        func field(_ k: String) throws(EntryError) -> CanonicalJSON {
            guard let v = o[k] else { throw .missingField(k) }
            return v
        }
        func string(_ k: String) throws(EntryError) -> String {
            guard let s = try field(k).stringValue else { throw .invalidField(k, "must be a string") }
            return s
        }
        guard let seq = try field("seq").integerValue else { throw .invalidField("seq", "must be an integer") }
        guard let time = LedgerTime(try string("time")) else { throw .invalidField("time", "must be YYYY-MM-DDTHH:MM:SS.mmmZ") }
        guard let station = KeyID(hex: try string("station")) else { throw .invalidField("station", "must be 8 lowercase hex digits") }
        guard let prev = SHA256Hash(hex: try string("prev")) else { throw .invalidField("prev", "must be 64 lowercase hex digits") }
        guard let subjectValues = try field("subjects").arrayValue else { throw .invalidField("subjects", "must be an array") }
        var subjects = [String]()
        for s in subjectValues {
            guard let str = s.stringValue else { throw .invalidField("subjects", "must hold strings only") }
            subjects.append(str)
        }
        guard let payload = try field("payload").objectValue else { throw .invalidField("payload", "must be an object") }
        self.init(sequence: seq, time: time, examiner: try string("examiner"), station: station,
                  action: LedgerAction(try string("action")), subjects: subjects, payload: payload, previousHash: prev)
        try validate()
    }
}

/// Why an entry line or body cannot be read.
public enum EntryError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedLine(String)
    case body(CanonicalJSONError)
    case missingField(String)
    case unexpectedField(String)
    case invalidField(String, String)

    public var description: String {
        switch self {
        case .malformedLine(let r): "malformed line: \(r)"
        case .body(let e): "entry body: \(e)"
        case .missingField(let f): "entry body lacks \"\(f)\""
        case .unexpectedField(let f): "entry body has unknown field \"\(f)\""
        case .invalidField(let f, let r): "entry field \"\(f)\": \(r)"
        }
    }
}

/// An entry as stored: one line of `ledger.jsonl`,
/// `{"entry":<canonical body>,"hash":"<64 hex>","sig":"<88 base64>"}` (no newline inside).
/// `body` is the substring of the stored line, never a re-serialisation.
public struct SignedEntry: Hashable, Sendable {
    public let entry: LedgerEntry
    /// The canonical body bytes, exactly as stored in the line.
    public let body: [UInt8]
    /// The hash stored in the line (compare with `computedHash`).
    public let hash: SHA256Hash
    /// The Ed25519 signature stored in the line (64 bytes).
    public let signature: [UInt8]

    static let linePrefix: [UInt8] = Array("{\"entry\":".utf8)
    static let hashKey: [UInt8] = Array(",\"hash\":\"".utf8)
    static let sigKey: [UInt8] = Array("\",\"sig\":\"".utf8)
    static let lineEnd: [UInt8] = Array("\"}".utf8)
    /// Bytes after the body: `,"hash":"` 64 hex `","sig":"` 88 base64 `"}`.
    static let suffixLength = hashKey.count + 64 + sigKey.count + 88 + lineEnd.count

    /// Wraps a freshly signed entry (used by `LedgerWriter`).
    init(entry: LedgerEntry, body: [UInt8], hash: SHA256Hash, signature: [UInt8]) {
        self.entry = entry
        self.body = body
        self.hash = hash
        self.signature = signature
    }

    /// Parses one stored line (without its newline). Does not check hash or signature.
    public init(line: some Collection<UInt8>) throws(EntryError) {
        let u = Array(line)
        let p = SignedEntry.linePrefix.count, s = SignedEntry.suffixLength
        guard u.count > p + s else { throw .malformedLine("too short") }
        guard u.starts(with: SignedEntry.linePrefix) else { throw .malformedLine("does not start with {\"entry\":") }
        var i = u.count - s
        func take(_ expected: [UInt8], _ what: String) throws(EntryError) {
            guard u[i..<(i + expected.count)].elementsEqual(expected) else { throw .malformedLine("expected \(what) at byte \(i)") }
            i += expected.count
        }
        try take(SignedEntry.hashKey, "\",\"hash\":\"")
        guard let hash = SHA256Hash(hex: String(decoding: u[i..<(i + 64)], as: UTF8.self)) else {
            throw .malformedLine("hash is not 64 lowercase hex digits")
        }
        i += 64
        try take(SignedEntry.sigKey, "\",\"sig\":\"")
        guard let sig = Base64.decode(String(decoding: u[i..<(i + 88)], as: UTF8.self)), sig.count == 64 else {
            throw .malformedLine("sig is not the canonical base64 of 64 bytes")
        }
        i += 88
        try take(SignedEntry.lineEnd, "\"}")
        let body = Array(u[p..<(u.count - s)])
        self.entry = try LedgerEntry(body: body)
        self.body = body
        self.hash = hash
        self.signature = sig
    }

    public init(line: String) throws(EntryError) { try self.init(line: Array(line.utf8)) }

    /// The stored line, without newline.
    public var lineBytes: [UInt8] {
        SignedEntry.linePrefix + body + SignedEntry.hashKey + Array(hash.hex.utf8) + SignedEntry.sigKey
            + Array(Base64.encode(signature).utf8) + SignedEntry.lineEnd
    }

    public var line: String { String(decoding: lineBytes, as: UTF8.self) }

    /// `domainPrefix || body`: the bytes hashed and signed.
    public var signedMessage: [UInt8] { LedgerEntry.domainPrefix + body }

    /// SHA-256(domainPrefix || body), recomputed from the stored body.
    public var computedHash: SHA256Hash { SHA256Hash.of(LedgerEntry.domainPrefix, body) }

    /// RFC 6962 leaf hash of this entry: SHA-256(0x00 || body).
    public var leafHash: SHA256Hash { MerkleTree.leafHash(body) }
}
