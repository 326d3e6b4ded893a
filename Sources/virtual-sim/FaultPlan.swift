import SeededRandom
import SIMCard

/// One way a faulty or hostile card misbehaves (docs/CARD-PROFILES.md "Fault mode").
enum Misbehaviour: String, CaseIterable, Sendable {
    /// GET RESPONSE (or any successful answer) says 61xx / 9Fxx: more data, forever.
    case endlessMoreData
    /// Reads and GET RESPONSE answer 6Cxx (UICC) / 67xx (classic) with a length that changes.
    case lengthPingPong
    /// READ BINARY / READ RECORD answer 9000 with no data.
    case emptySuccess
    /// Answers carry more bytes than asked.
    case longerData
    /// Answers carry fewer bytes than asked.
    case shorterData
    /// The status word becomes a warning: 9240, 920x, 62xx, 63xx.
    case warningStatus
    /// A file header (FCP, classic GET RESPONSE) becomes random bytes.
    case garbledHeader
    /// A file header is cut short.
    case truncatedHeader
    /// A file header gives 65535 bytes.
    case absurdFileSize
    /// A record file's header gives 255 records (FCP) or 1-byte records (classic).
    case absurdRecords
    /// A record file's header gives 0 records.
    case zeroRecords
    /// Any two status bytes with random data.
    case randomStatus
    /// From one APDU on, no answer at all.
    case mute
    /// The card is pulled at one APDU.
    case removed
    /// Answers come 20 to 200 ms late.
    case slow
}

/// A seeded set of misbehaviours armed on the card (`fuzz SEED` on the control socket): one
/// to three rules, each starting at an APDU and applying to each later APDU with a chance; or
/// one named misbehaviour on every APDU (`misbehave NAME`).
/// The card still processes every APDU (its PIN counters stay honest); the rules then bend
/// the answer. Deterministic: the same seed and the same commands give the same answers.
/// `@unchecked Sendable`: created on the control thread and handed over under `SimState`'s
/// lock; from then on only the vpcd loop thread uses it.
final class FaultPlan: @unchecked Sendable, CustomStringConvertible {
    struct Rule: CustomStringConvertible {
        var misbehaviour: Misbehaviour
        /// Index (from 0, counted from arming) of the first APDU the rule applies to.
        var start: Int
        /// Applies to one APDU in `oneIn` (1: every APDU).
        var oneIn: Int

        var description: String {
            switch misbehaviour {
            case .mute, .removed: "\(misbehaviour.rawValue) at APDU \(start)"
            default: "\(misbehaviour.rawValue) from APDU \(start), \(oneIn == 1 ? "every APDU" : "1 in \(oneIn)")"
            }
        }
    }

    /// What the vpcd loop does with one APDU.
    enum Reply {
        case answer(Outcome, delayMilliseconds: Int, bent: [Misbehaviour])
        case mute
        case remove
    }

    /// nil for a plan of one named misbehaviour.
    let seed: UInt64?
    let rules: [Rule]
    private var random: SplitMix64
    private var index = 0

    init(seed: UInt64) {
        self.seed = seed
        var random = SplitMix64(seed: seed)
        let count = Int.random(in: 1...3, using: &random)
        rules = (0..<count).map { _ in
            Rule(misbehaviour: Misbehaviour.allCases.randomElement(using: &random)!,
                 start: [0, 1, 2, 5, 10, 20, 40, 80, 160].randomElement(using: &random)! + Int.random(in: 0..<4, using: &random),
                 oneIn: [1, 1, 2, 4, 10].randomElement(using: &random)!)
        }
        self.random = random
    }

    /// `misbehaviour` on every APDU from the first (mute and removed: at the first).
    init(only misbehaviour: Misbehaviour) {
        seed = nil
        rules = [Rule(misbehaviour: misbehaviour, start: 0, oneIn: 1)]
        random = SplitMix64(seed: 0)
    }

    var description: String { (seed.map { "seed \($0): " } ?? "") + rules.map(\.description).joined(separator: "; ") }

    func respond(to frame: [UInt8], card: Card) -> Reply {
        defer { index += 1 }
        if rules.contains(where: { $0.misbehaviour == .removed && $0.start == index }) { return .remove }
        if rules.contains(where: { $0.misbehaviour == .mute && index >= $0.start }) { return .mute }
        var outcome = card.process(frame)
        let command = try? CommandAPDU(parsing: frame[...])
        var delay = 0
        var bent: [Misbehaviour] = []
        for rule in rules where index >= rule.start && Int.random(in: 0..<rule.oneIn, using: &random) == 0 {
            if rule.misbehaviour == .slow {
                delay += Int.random(in: 20...200, using: &random)
                bent.append(.slow)
            } else if bend(&outcome.response, by: rule.misbehaviour, command: command) {
                bent.append(rule.misbehaviour)
            }
        }
        return .answer(outcome, delayMilliseconds: delay, bent: bent)
    }

    /// Changes `response` as `misbehaviour` does; false when it does not apply to `command`.
    private func bend(_ response: inout ResponseAPDU, by misbehaviour: Misbehaviour, command: CommandAPDU?) -> Bool {
        let instruction = command?.instruction
        let classic = command?.cla == CardDialect.classicSIM.classByte
        let isRead = instruction == .readBinary || instruction == .readRecord
        let carriesHeader = (instruction == .getResponse || instruction == .select) && !response.data.isEmpty
        switch misbehaviour {
        case .endlessMoreData:
            guard instruction == .getResponse || response.status.isSuccess else { return false }
            response = ResponseAPDU(data: bytes(Int.random(in: 0...16, using: &random)),
                                    status: .responseBytesAvailable(Int.random(in: 1...255, using: &random), classic: classic))
        case .lengthPingPong:
            guard isRead || instruction == .getResponse else { return false }
            let length = Int.random(in: 1...255, using: &random)
            response = ResponseAPDU(data: [], status: classic ? .incorrectP3(length) : .correctLength(length))
        case .emptySuccess:
            guard isRead else { return false }
            response = ResponseAPDU(data: [], status: .ok)
        case .longerData:
            guard isRead || carriesHeader else { return false }
            response.data += bytes(Int.random(in: 1...64, using: &random))
        case .shorterData:
            guard !response.data.isEmpty else { return false }
            response.data.removeLast(Int.random(in: 1...response.data.count, using: &random))
        case .warningStatus:
            let warnings: [UInt16] = [0x9240, 0x9201, 0x6281, 0x6282, 0x6283, 0x6300, 0x6381]
            response.status = StatusWord(warnings.randomElement(using: &random)!)
        case .garbledHeader:
            guard carriesHeader else { return false }
            response.data = bytes(response.data.count)
        case .truncatedHeader:
            guard carriesHeader else { return false }
            response.data = Array(response.data.prefix(Int.random(in: 0..<response.data.count, using: &random)))
        case .absurdFileSize:
            guard carriesHeader else { return false }
            return Self.patchHeader(&response.data, classic: classic, fcpTag: 0x80, fcp: { $0 = [0xFF, 0xFF] },
                                    classicHeader: { $0[2] = 0xFF; $0[3] = 0xFF })
        case .absurdRecords:
            guard carriesHeader else { return false }
            return Self.patchHeader(&response.data, classic: classic, fcpTag: 0x82, fcp: { if $0.count >= 5 { $0[4] = 0xFF } },
                                    classicHeader: { if $0.count > 14, $0[14] != 0 { $0[14] = 0x01 } })
        case .zeroRecords:
            guard carriesHeader else { return false }
            return Self.patchHeader(&response.data, classic: classic, fcpTag: 0x82, fcp: { if $0.count >= 5 { $0[4] = 0x00 } },
                                    classicHeader: { if $0.count > 14, $0[14] != 0 { $0[2] = 0; $0[3] = 0 } })
        case .randomStatus:
            response = ResponseAPDU(data: bytes(Int.random(in: 0...8, using: &random)),
                                    status: StatusWord(UInt16.random(in: 0...0xFFFF, using: &random)))
        case .mute, .removed, .slow:
            return false
        }
        return true
    }

    private func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...0xFF, using: &random) } }

    /// Rewrites one object of an FCP (tag 62 template; `fcp` edits the value of `fcpTag`) or the
    /// bytes of a classic GET RESPONSE header (`classicHeader`, given at least 15 bytes).
    private static func patchHeader(_ data: inout [UInt8], classic: Bool, fcpTag: UInt32,
                                    fcp: (inout [UInt8]) -> Void, classicHeader: (inout [UInt8]) -> Void) -> Bool {
        if classic {
            guard data.count >= 15 else { return false }
            classicHeader(&data)
            return true
        }
        guard let outer = try? TLV.parseAll(data[...]), outer.count == 1, outer[0].tag == 0x62,
              var objects = try? TLV.parseAll(outer[0].value[...]),
              let position = objects.firstIndex(where: { $0.tag == fcpTag }) else { return false }
        fcp(&objects[position].value)
        data = TLV(tag: 0x62, value: objects.flatMap(\.encoded)).encoded
        return true
    }
}
