/// Who may sign and act, as established by the entries read so far.
struct LedgerState: Sendable {
    var caseID: String?
    /// Active station keys by key ID.
    var stations: [KeyID: VerifierKey] = [:]
    /// Every key ever bound (checkpoints may be signed by any of them).
    var everBound: [VerifierKey] = []
    var examiners: Set<String> = []

    static func stationKey(_ v: CanonicalJSON?) -> VerifierKey? {
        guard let s = v?.stringValue else { return nil }
        return try? VerifierKey(parsing: s)
    }

    /// Form problems of the payloads the ledger gives meaning to (nil when fine).
    static func payloadProblem(_ e: LedgerEntry) -> String? {
        switch e.action {
        case .stationAdd:
            return stationKey(e.payload["key"]) == nil ? "station.add: payload \"key\" must be a verifier key string" : nil
        case .stationRevoke:
            guard let s = e.payload["station"]?.stringValue, KeyID(hex: s) != nil else {
                return "station.revoke: payload \"station\" must be an 8-hex key ID"
            }
            return nil
        case .examinerAdd:
            guard let id = e.payload["id"]?.stringValue, !id.isEmpty else { return "examiner.add: payload \"id\" must be a non-empty string" }
            return nil
        default:
            return nil
        }
    }

    /// Binds the genesis entry's case, stations and roster; nil when acceptable.
    mutating func admitGenesis(_ e: LedgerEntry) -> VerificationFailure? {
        func bad(_ r: String) -> VerificationFailure { .invalidGenesis(r) }
        guard e.action == .caseInit else { return bad("first entry is \(e.action), not case.init") }
        guard e.previousHash == .zero else { return bad("previous hash must be 32 zero bytes") }
        guard let c = e.payload["case"]?.objectValue, let id = c["id"]?.stringValue, !id.isEmpty else {
            return bad("payload lacks case.id")
        }
        guard let list = e.payload["stations"]?.arrayValue, !list.isEmpty else { return bad("payload lacks stations") }
        var stations = [KeyID: VerifierKey]()
        for s in list {
            guard let k = LedgerState.stationKey(s) else { return bad("stations holds something that is not a verifier key") }
            guard stations.updateValue(k, forKey: k.keyID) == nil else { return bad("two stations share key ID \(k.keyID)") }
        }
        guard let roster = e.payload["examiners"]?.arrayValue else { return bad("payload lacks examiners") }
        var examiners = Set<String>()
        for x in roster {
            guard let xid = x["id"]?.stringValue, !xid.isEmpty else { return bad("examiners entry without an id") }
            examiners.insert(xid)
        }
        guard examiners.contains(e.examiner) else { return bad("examiner \(e.examiner) is not in the roster it declares") }
        caseID = id
        self.stations = stations
        everBound = list.compactMap(LedgerState.stationKey)
        self.examiners = examiners
        return nil
    }

    /// Applies an entry after its signature checked; nil when acceptable.
    mutating func apply(_ e: LedgerEntry) -> VerificationFailure? {
        let seq = e.sequence
        if e.action == .caseInit { return .invalidAction(seq, "case.init is only allowed as entry 0") }
        guard examiners.contains(e.examiner) else { return .unknownExaminer(seq, e.examiner) }
        if let p = LedgerState.payloadProblem(e) { return .invalidAction(seq, p) }
        switch e.action {
        case .stationAdd:
            let k = LedgerState.stationKey(e.payload["key"])!
            if let old = stations[k.keyID], old != k { return .invalidAction(seq, "station.add: key ID \(k.keyID) already used by another key") }
            if everBound.contains(where: { $0.keyID == k.keyID && $0 != k }) {
                return .invalidAction(seq, "station.add: key ID \(k.keyID) already used by another key")
            }
            stations[k.keyID] = k
            if !everBound.contains(k) { everBound.append(k) }
        case .stationRevoke:
            let id = KeyID(hex: e.payload["station"]!.stringValue!)!
            guard stations.removeValue(forKey: id) != nil else { return .invalidAction(seq, "station.revoke: \(id) is not an active station") }
        case .examinerAdd:
            examiners.insert(e.payload["id"]!.stringValue!)
        default:
            break
        }
        return nil
    }
}

/// Checks a whole ledger offline.
public enum LedgerVerifier {
    /// What verification found. `failure` is the first problem, nil when everything holds.
    public struct Report: Sendable {
        public let failure: VerificationFailure?
        /// Entries that passed every check, from entry 0 (all of them when valid).
        public let verifiedCount: Int
        public let caseID: String?
        /// Merkle tree over the verified entries.
        public let tree: MerkleTree
        /// Hash of the last verified entry.
        public let lastHash: SHA256Hash?
        /// Station keys active after the last verified entry.
        public let activeStations: [VerifierKey]
        /// Every station key the verified entries bound (entry 0's and each `station.add`), in
        /// order: the keys a checkpoint of this ledger may be signed by besides the trusted ones.
        public let boundKeys: [VerifierKey]
        public let examiners: Set<String>
        /// The earlier checkpoint, once it has been verified against the ledger.
        public let checkpoint: Checkpoint?

        public var isValid: Bool { failure == nil }
        /// Merkle root over the verified entries.
        public var root: SHA256Hash { (try? tree.root()) ?? MerkleTree.emptyRoot }
    }

    /// Verifies a `ledger.jsonl` file: every line ends with a newline.
    public static func verify(jsonl: some Collection<UInt8>, trustedKeys: [VerifierKey],
                              checkpoint: String? = nil, origin: String? = nil) -> Report {
        let u = Array(jsonl)
        var lines = u.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        var trailing: VerificationFailure? = nil
        if lines.last?.isEmpty == true {
            lines.removeLast()
        } else if !u.isEmpty {
            trailing = .malformedEntry(line: lines.count, .malformedLine("last line has no newline (incomplete write?)"))
        }
        return verify(lineBytes: lines, trustedKeys: trustedKeys, checkpoint: checkpoint, origin: origin, trailingProblem: trailing)
    }

    /// Verifies stored lines (without newlines).
    public static func verify(lines: [String], trustedKeys: [VerifierKey],
                              checkpoint: String? = nil, origin: String? = nil) -> Report {
        verify(lineBytes: lines.map { Array($0.utf8) }, trustedKeys: trustedKeys, checkpoint: checkpoint, origin: origin)
    }

    /// Verifies stored lines given as bytes (without newlines).
    public static func verify(lineBytes: [[UInt8]], trustedKeys: [VerifierKey],
                              checkpoint: String? = nil, origin: String? = nil) -> Report {
        verify(lineBytes: lineBytes, trustedKeys: trustedKeys, checkpoint: checkpoint, origin: origin, trailingProblem: nil)
    }

    static func verify(lineBytes: [[UInt8]], trustedKeys: [VerifierKey], checkpoint: String?, origin: String?,
                       trailingProblem: VerificationFailure?) -> Report {
        var stream = Stream(trustedKeys: trustedKeys)
        for line in lineBytes where stream.take(line) == nil { break }
        if stream.failure == nil, let trailingProblem { return report(stream, trailingProblem) }
        return verify(stream, checkpoint: checkpoint, origin: origin)
    }

    /// The report of a whole ledger whose lines `stream` took (every one of them): its failure,
    /// else an empty ledger's, else the checkpoint's (`checkpoint`, signed by a trusted key or
    /// any key the ledger binds, must be of the ledger's first entries).
    public static func verify(_ stream: Stream, checkpoint: String? = nil, origin: String? = nil) -> Report {
        if let failure = stream.failure { return report(stream, failure) }
        if stream.count == 0 { return report(stream, .emptyLedger) }
        guard let checkpoint else { return report(stream, nil) }
        let cp: Checkpoint
        do {
            var keys = stream.trustedKeys
            for k in stream.boundKeys where !keys.contains(k) { keys.append(k) }
            cp = try Checkpoint.open(checkpoint, trustedKeys: keys, origin: origin)
        } catch { return report(stream, .checkpoint(error)) }
        guard cp.size <= stream.tree.size else { return report(stream, .truncated(entries: stream.tree.size, checkpointSize: cp.size)) }
        let root = try! stream.tree.root(size: cp.size)
        guard root == cp.root else { return report(stream, .checkpointRootMismatch(size: cp.size, checkpoint: cp.root, ledger: root)) }
        return report(stream, nil, checkpoint: cp)
    }

    static func report(_ stream: Stream, _ failure: VerificationFailure?, checkpoint: Checkpoint? = nil) -> Report {
        Report(failure: failure, verifiedCount: stream.tree.size, caseID: stream.caseID, tree: stream.tree, lastHash: stream.previous?.hash,
               activeStations: stream.activeStations, boundKeys: stream.boundKeys, examiners: stream.state.examiners, checkpoint: checkpoint)
    }

    /// Verifies a ledger, or an excerpt of one (`verify(excerpt:trustedKeys:)`), one line at a
    /// time, holding no line: what `verify(lineBytes:)` and `verify(excerpt:)` do, for a caller
    /// that reads the lines as they come (`custody verify` of a bundle whose ledger.jsonl is
    /// hundreds of MB).
    public struct Stream: Sendable {
        /// Whether the lines are a whole ledger (entries 0…n−1, each linked to the one before)
        /// or an excerpt (increasing sequence numbers; links checked between consecutive ones).
        public let isExcerpt: Bool
        let trustedKeys: [VerifierKey]
        var state = LedgerState()
        /// The Merkle tree over the verified entries (a whole ledger only).
        public private(set) var tree = MerkleTree()
        /// The last entry that passed.
        public private(set) var previous: SignedEntry? = nil
        /// Entries that passed.
        public private(set) var count = 0
        /// The first problem; once set, no further line is taken.
        public private(set) var failure: VerificationFailure? = nil

        public init(trustedKeys: [VerifierKey], excerpt: Bool = false) {
            self.trustedKeys = trustedKeys
            isExcerpt = excerpt
        }

        public var caseID: String? { state.caseID }
        /// Station keys active after the last entry that passed.
        public var activeStations: [VerifierKey] { state.stations.values.sorted { $0.description < $1.description } }
        /// Every station key the entries bound (entry 0's and each `station.add`), in order.
        public var boundKeys: [VerifierKey] { state.everBound }

        /// The keys a line prepared now would be checked with: every key the entries bound so
        /// far by its key ID, and the trusted keys (entry 0 is signed by one of them).
        public var keysByID: [KeyID: VerifierKey] {
            Dictionary((trustedKeys + state.everBound).map { ($0.keyID, $0) }, uniquingKeysWith: { _, later in later })
        }

        /// Checks the next line (without its newline): the entry when it passes, else nil with `failure` set.
        public mutating func take(_ line: [UInt8]) -> SignedEntry? {
            take(PreparedLine(line, keys: [:]))
        }

        /// Checks the next line, prepared by `PreparedLine` (on any thread): what `take(_:)` does.
        public mutating func take(_ line: PreparedLine) -> SignedEntry? {
            guard failure == nil else { return nil }
            if let problem = check(line) {
                failure = problem
                return nil
            }
            return previous
        }

        private mutating func check(_ line: PreparedLine) -> VerificationFailure? {
            let se: SignedEntry, computed: SHA256Hash
            switch line.parsed {
            case .success(let parsed): (se, computed) = parsed
            case .failure(let error): return .malformedEntry(line: count + 1, error)
            }
            let e = se.entry
            if isExcerpt {
                if let previous {
                    guard e.sequence > previous.entry.sequence else { return .sequenceGap(found: e.sequence, after: previous.entry.sequence) }
                } else if e.sequence != 0 {
                    return .sequenceGap(found: e.sequence, after: nil)
                }
            } else if e.sequence != Int64(count) {
                return .sequenceGap(found: e.sequence, after: previous?.entry.sequence)
            }
            guard computed == se.hash else { return .hashMismatch(e.sequence, stored: se.hash, computed: computed) }
            if let previous {
                if e.previousHash != previous.hash, !isExcerpt || e.sequence == previous.entry.sequence + 1 {
                    return .brokenLink(e.sequence, found: e.previousHash, expected: previous.hash)
                }
                guard let key = state.stations[e.station] else { return .unknownStation(e.sequence, e.station) }
                guard line.signatureHolds(se, with: key) else { return .badSignature(e.sequence, key.description) }
                if let f = state.apply(e) { return f }
            } else {
                var genesis = LedgerState()
                if let f = genesis.admitGenesis(e) { return f }
                guard let key = genesis.stations[e.station] else { return .invalidGenesis("signed by \(e.station), not one of its stations") }
                guard trustedKeys.contains(key) else { return .untrustedGenesis(key.description) }
                guard line.signatureHolds(se, with: key) else { return .badSignature(e.sequence, key.description) }
                state = genesis
            }
            if !isExcerpt { tree.append(leafHash: se.leafHash) }
            previous = se
            count += 1
            return nil
        }
    }
}

extension LedgerVerifier {
    /// One line's checks that need nothing of the lines before it, made on any thread before
    /// `Stream.take(_:)` takes the line in order: the line parsed, its hash recomputed and its
    /// signature checked with the key its station's key ID stood for when it was prepared
    /// (`Stream.keysByID`). They are nearly all of a line's cost (SHA-256 and Ed25519), so a
    /// verifier prepares lines on every core. `take` uses a prepared verdict only for the very
    /// key the ledger's state names at that line, and checks the signature itself otherwise: a
    /// line prepared with too few keys, or wrong ones, is verified exactly as an unprepared one.
    public struct PreparedLine: Sendable {
        /// How many lines a verifier prepares at a time: enough to keep every core busy, few
        /// enough to hold (a few MB).
        public static let batch = 2048

        /// The entry and the hash its bytes give, or why the line is not an entry.
        let parsed: Result<(entry: SignedEntry, computedHash: SHA256Hash), EntryError>
        let checked: (key: VerifierKey, valid: Bool)?

        public init(_ line: [UInt8], keys: [KeyID: VerifierKey]) {
            do throws(EntryError) {
                let entry = try SignedEntry(line: line)
                parsed = .success((entry, entry.computedHash))
                checked = keys[entry.entry.station].map { key in (key, key.isValidSignature(entry.signature, for: entry.signedMessage)) }
            } catch {
                parsed = .failure(error)
                checked = nil
            }
        }

        /// The line's entry, when it is one (whether or not it verifies).
        public var entry: SignedEntry? { try? parsed.get().entry }

        func signatureHolds(_ entry: SignedEntry, with key: VerifierKey) -> Bool {
            if let checked, checked.key == key { return checked.valid }
            return key.isValidSignature(entry.signature, for: entry.signedMessage)
        }
    }

    /// What `verify(excerpt:trustedKeys:)` found.
    public struct ExcerptReport: Sendable {
        public let failure: VerificationFailure?
        /// The entries that passed, in order.
        public let entries: [SignedEntry]
        public let caseID: String?
        /// Every station key the excerpt binds (entry 0's and each `station.add`), in order.
        public let boundKeys: [VerifierKey]
        /// Station keys active after the last entry that passed.
        public let activeStations: [VerifierKey]

        public var isValid: Bool { failure == nil }
    }

    /// Verifies an excerpt of a ledger: entry 0 and some later entries in increasing sequence
    /// order, with gaps (an export of some items). Each line is checked as in `verify` (form,
    /// hash, signature by an active station, roster, `case.init`/`station.*`/`examiner.add`
    /// rules) except that the previous-hash link is checked only between consecutive sequence
    /// numbers: an entry after a gap is tied to the ledger by its inclusion proof instead. The
    /// key and roster state is built from the entries present, so an excerpt must hold every
    /// `station.add`, `station.revoke` and `examiner.add` before its last entry.
    public static func verify(excerpt lineBytes: [[UInt8]], trustedKeys: [VerifierKey]) -> ExcerptReport {
        var stream = Stream(trustedKeys: trustedKeys, excerpt: true)
        var entries = [SignedEntry]()
        func report(_ f: VerificationFailure?) -> ExcerptReport {
            ExcerptReport(failure: f, entries: entries, caseID: stream.caseID, boundKeys: stream.boundKeys, activeStations: stream.activeStations)
        }
        if lineBytes.isEmpty { return report(.emptyLedger) }
        for line in lineBytes {
            guard let entry = stream.take(line) else { return report(stream.failure) }
            entries.append(entry)
        }
        return report(nil)
    }
}

/// The first thing wrong with a ledger.
public enum VerificationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyLedger
    /// A line (1-based) that is not a well-formed entry.
    case malformedEntry(line: Int, EntryError)
    case sequenceGap(found: Int64, after: Int64?)
    case hashMismatch(Int64, stored: SHA256Hash, computed: SHA256Hash)
    case brokenLink(Int64, found: SHA256Hash, expected: SHA256Hash)
    case unknownStation(Int64, KeyID)
    case badSignature(Int64, String)
    case invalidGenesis(String)
    case untrustedGenesis(String)
    case unknownExaminer(Int64, String)
    case invalidAction(Int64, String)
    case checkpoint(CheckpointError)
    case truncated(entries: Int, checkpointSize: Int)
    case checkpointRootMismatch(size: Int, checkpoint: SHA256Hash, ledger: SHA256Hash)

    public var description: String {
        switch self {
        case .emptyLedger: "ledger is empty"
        case .malformedEntry(let l, let e): "line \(l): \(e)"
        case .sequenceGap(let f, let a):
            if let a { "sequence gap: \(f) follows \(a)" } else { "sequence gap: ledger starts at \(f), not 0" }
        case .hashMismatch(let s, let st, let c): "entry \(s): hash mismatch (stored \(st.hex), computed \(c.hex))"
        case .brokenLink(let s, let f, let e): "entry \(s): previous-hash link broken (prev \(f.hex), entry \(s - 1) is \(e.hex))"
        case .unknownStation(let s, let k): "entry \(s): station key \(k.hex) is not an active station key"
        case .badSignature(let s, let k): "entry \(s): signature does not verify with station key \(k)"
        case .invalidGenesis(let r): "entry 0: \(r)"
        case .untrustedGenesis(let k): "entry 0: signed by station key \(k), which is not a trusted key"
        case .unknownExaminer(let s, let x): "entry \(s): examiner \(x) is not in the roster"
        case .invalidAction(let s, let r): "entry \(s): \(r)"
        case .checkpoint(let e): "\(e)"
        case .truncated(let n, let c): "ledger has \(n) entries but checkpoint says \(c): truncated"
        case .checkpointRootMismatch(let s, let c, let l): "checkpoint root mismatch at size \(s) (checkpoint \(c.base64), ledger \(l.base64))"
        }
    }
}
