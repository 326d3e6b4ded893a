/// Builds signed entries. Pure: the caller stores them (in the same transaction as the
/// change they record) and hands back the previous entry for the next call.
public enum LedgerWriter {
    /// The first entry, `case.init`. Its payload binds the case and who may sign and act:
    /// `{"case": {"id": caseID, …caseFields}, "examiners": [{"id": …, …}, …],
    ///   "stations": ["<verifier key>", …]}`.
    /// `key` must be one of `stations`; `examiner` must be in `examiners`.
    public static func genesis(
        caseID: String,
        caseFields: [String: CanonicalJSON] = [:],
        examiners: [[String: CanonicalJSON]],
        stations: [VerifierKey],
        examiner: String,
        subjects: [String] = [],
        time: LedgerTime,
        key: StationKey
    ) throws(LedgerWriteError) -> SignedEntry {
        guard !caseID.isEmpty else { throw .invalidPayload("case id must be non-empty") }
        var caseObject = caseFields
        caseObject["id"] = .string(caseID)
        let payload: [String: CanonicalJSON] = [
            "case": .object(caseObject),
            "examiners": .array(examiners.map { .object($0) }),
            "stations": .array(stations.map { .string($0.description) }),
        ]
        let entry = LedgerEntry(sequence: 0, time: time, examiner: examiner, station: key.keyID, action: .caseInit,
                                subjects: subjects, payload: payload, previousHash: .zero)
        // The genesis must be acceptable to the verifier's own rules.
        var state = LedgerState()
        if let failure = state.admitGenesis(entry) { throw .rejected(failure.description) }
        guard state.stations[key.keyID] == key.verifierKey else { throw .rejected("signing key is not among the bound stations") }
        return try sign(entry, key: key)
    }

    /// The entry after `previous`. `station.add`, `station.revoke` and `examiner.add` payloads
    /// are checked for form here; whether the signer and examiner are active is the caller's
    /// state (the verifier checks it).
    public static func next(
        after previous: SignedEntry,
        time: LedgerTime,
        examiner: String,
        action: LedgerAction,
        subjects: [String] = [],
        payload: [String: CanonicalJSON] = [:],
        key: StationKey
    ) throws(LedgerWriteError) -> SignedEntry {
        try next(afterSequence: previous.entry.sequence, hash: previous.hash, time: time, examiner: examiner,
                 action: action, subjects: subjects, payload: payload, key: key)
    }

    /// `next(after:…)` for a caller that knows only the previous entry's sequence number and
    /// hash (a store reading its chain head without parsing the whole line).
    public static func next(
        afterSequence previousSequence: Int64,
        hash previousHash: SHA256Hash,
        time: LedgerTime,
        examiner: String,
        action: LedgerAction,
        subjects: [String] = [],
        payload: [String: CanonicalJSON] = [:],
        key: StationKey
    ) throws(LedgerWriteError) -> SignedEntry {
        guard action != .caseInit else { throw .invalidPayload("case.init is only the first entry") }
        let entry = LedgerEntry(sequence: previousSequence + 1, time: time, examiner: examiner, station: key.keyID,
                                action: action, subjects: subjects, payload: payload, previousHash: previousHash)
        if let reason = LedgerState.payloadProblem(entry) { throw .invalidPayload(reason) }
        return try sign(entry, key: key)
    }

    /// Signs any entry whose `station` is `key`'s ID: canonical body, hash, signature.
    public static func sign(_ entry: LedgerEntry, key: StationKey) throws(LedgerWriteError) -> SignedEntry {
        guard entry.station == key.keyID else { throw .invalidPayload("entry names station \(entry.station) but key is \(key.keyID)") }
        do { try entry.validate() } catch { throw .invalidEntry(error) }
        let body = entry.canonicalBody
        let message = LedgerEntry.domainPrefix + body
        return SignedEntry(entry: entry, body: body, hash: SHA256Hash.of(message), signature: key.sign(message))
    }

    /// A signed checkpoint for the ledger whose entries' leaf hashes make `tree`.
    public static func checkpoint(origin: String, tree: MerkleTree, keys: [StationKey]) throws(CheckpointError) -> (Checkpoint, SignedNote) {
        let root: SHA256Hash
        do { root = try tree.root() } catch { throw .malformedBody("\(error)") }
        let cp = try Checkpoint(origin: origin, size: tree.size, root: root)
        return (cp, try cp.signedNote(keys: keys))
    }
}

/// Why an entry cannot be written.
public enum LedgerWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidEntry(EntryError)
    case invalidPayload(String)
    case rejected(String)

    public var description: String {
        switch self {
        case .invalidEntry(let e): "cannot write entry: \(e)"
        case .invalidPayload(let r): "cannot write entry: \(r)"
        case .rejected(let r): "cannot write entry: \(r)"
        }
    }
}
