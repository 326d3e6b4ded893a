import Ledger

func hex(_ s: String) -> [UInt8] {
    let t = s.filter { !$0.isWhitespace }
    var out = [UInt8]()
    var i = t.startIndex
    while i < t.endIndex {
        let j = t.index(i, offsetBy: 2)
        out.append(UInt8(t[i..<j], radix: 16)!)
        i = j
    }
    return out
}

func h(_ s: String) -> SHA256Hash { SHA256Hash(hex: s)! }

/// A fixed ledger for tamper tests: `count` entries by station 1, with one examiner.add,
/// acquisitions, transfers and seals.
struct Fixture {
    static let station1 = try! StationKey(name: "lab.example/custody/station-1", seed: Array(0..<32))
    static let station2 = try! StationKey(name: "lab.example/custody/station-2", seed: Array(32..<64))
    static let intruder = try! StationKey(name: "lab.example/custody/station-1", seed: [UInt8](repeating: 0xEE, count: 32))
    static let origin = "custody.local/case/2026-0042"
    static let t0: Int64 = 1_795_914_872_000  // 2026-11-29T01:14:32.000Z

    static func time(_ i: Int) -> LedgerTime { LedgerTime(millisecondsSince1970: t0 + Int64(i) * 61_250) }

    static func build(count: Int = 20) -> [SignedEntry] {
        var entries = [try! LedgerWriter.genesis(
            caseID: "2026-0042", caseFields: ["name": .string("Operation Tern"), "agency": .string("Example Police")],
            examiners: [["id": .string("E1"), "name": .string("A. Examiner"), "role": .string("technician")]],
            stations: [station1.verifierKey], examiner: "E1", time: time(0), key: station1)]
        for i in 1..<count {
            let (action, payload): (LedgerAction, [String: CanonicalJSON]) = switch i {
            case 1: (.examinerAdd, ["id": .string("E2"), "name": .string("B. Clerk"), "role": .string("clerk")])
            case let n where n % 3 == 0:
                (.simAcquire, ["content_sha256": .string(SHA256Hash.of([UInt8(n)]).hex),
                               "transcript_sha256": .string(SHA256Hash.of([UInt8(n), 1]).hex), "files": .integer(Int64(n * 7))])
            case let n where n % 3 == 1: (.custodyTransfer, ["released_by": .string("E1"), "received_by": .string("E2"), "purpose": .string("analysis")])
            default: (.custodySeal, ["seal": .string("S-\(1000 + i)"), "photo_sha256": .string(SHA256Hash.of([UInt8(i), 2]).hex)])
            }
            entries.append(try! LedgerWriter.next(after: entries.last!, time: time(i), examiner: i % 2 == 0 ? "E1" : (i == 1 ? "E1" : "E2"),
                                                  action: action, subjects: ["item-\(i % 5)"], payload: payload, key: station1))
        }
        return entries
    }

    static func checkpoint(_ entries: [SignedEntry], size: Int? = nil, key: StationKey = station1) -> String {
        let n = size ?? entries.count
        let tree = MerkleTree(leafHashes: entries.prefix(n).map(\.leafHash))
        return try! LedgerWriter.checkpoint(origin: origin, tree: tree, keys: [key]).1.serialized
    }
}
