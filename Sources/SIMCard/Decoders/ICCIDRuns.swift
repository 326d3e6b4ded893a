/// A run of consecutive ICCIDs: SIMs cut from one lot (issue 18, "SIM-lot provenance"; the
/// dealers' pre-activated lots of CONTEXT.md). Pure: `ICCIDRuns.find` sees digits only.
public struct ICCIDRun: Sendable, Hashable {
    /// Serials missing inside the run: ICCIDs the lot held that the case does not.
    public struct Gap: Sendable, Hashable, Codable {
        /// The first and last missing ICCIDs, each with its Luhn check digit.
        public var first: String
        public var last: String
        public var count: Int

        public init(first: String, last: String, count: Int) { self.first = first; self.last = last; self.count = count }
    }

    /// The issuer prefix the serials count after (E.118, or the first
    /// `IssuerDirectory.unlistedPrefixLength` digits when the table lacks the issuer).
    public var prefix: String
    /// The issuer from the E.118 table, nil when it lacks the prefix.
    public var issuer: SIMIssuer?
    /// Digits of each ICCID in the run (19 or 20, say): ICCIDs of different lengths never share a run.
    public var digitCount: Int
    /// Positions of the run's ICCIDs in the list given to `find`, in serial order.
    public var members: [Int]
    /// The lowest and highest ICCID of the run, as read.
    public var first: String
    public var last: String
    public var gaps: [Gap]
    /// Members whose last digit is not the Luhn check digit of the others (recorded, not excluded).
    public var luhnInvalid: Int

    public var count: Int { members.count }
    /// Serials from first to last that the case lacks.
    public var missing: Int { gaps.reduce(0) { $0 + $1.count } }
}

public enum ICCIDRuns {
    /// The runs among `iccids`: per issuer prefix and length, the serials (the digits after the
    /// prefix, without the check digit) sorted; neighbours at most `maxGap` serials apart share
    /// a run. Runs of fewer than `minimumSize` ICCIDs are left out. Largest runs first, then by
    /// first ICCID. The same serial twice (two cards, different check digits) counts twice.
    public static func find(_ iccids: [ICCID], issuers: IssuerDirectory = .shared, maxGap: Int = 0, minimumSize: Int = 2) -> [ICCIDRun] {
        struct Card { var index: Int; var digits: String; var serial: UInt64 }
        struct Group: Hashable { var prefix: String; var digitCount: Int }
        var groups = [Group: [Card]]()
        var issuerOf = [String: SIMIssuer]()
        for (index, iccid) in iccids.enumerated() {
            let issuer = issuers.issuer(for: iccid)
            let prefix = issuer?.prefix ?? String(iccid.digits.prefix(IssuerDirectory.unlistedPrefixLength))
            if let issuer { issuerOf[prefix] = issuer }
            let body = iccid.digits.dropLast()
            // 18 to 20 digits minus a prefix of at least 2 and the check digit: at most 17 digits.
            guard body.count > prefix.count, let serial = UInt64(body.dropFirst(prefix.count)) else { continue }
            groups[Group(prefix: prefix, digitCount: iccid.digits.count), default: []].append(Card(index: index, digits: iccid.digits, serial: serial))
        }
        var runs = [ICCIDRun]()
        for (group, cards) in groups {
            let sorted = cards.sorted { $0.serial != $1.serial ? $0.serial < $1.serial : $0.digits < $1.digits }
            let serialWidth = group.digitCount - 1 - group.prefix.count
            func iccid(_ serial: UInt64) -> String {
                let digits = String(serial)
                let body = group.prefix + String(repeating: "0", count: max(0, serialWidth - digits.count)) + digits
                return body + String(Luhn.checkDigit(of: body))
            }
            var start = 0
            for end in 1...sorted.count {
                if end < sorted.count, sorted[end].serial - sorted[end - 1].serial <= UInt64(maxGap) + 1 { continue }
                let part = sorted[start..<end]
                start = end
                guard part.count >= max(1, minimumSize) else { continue }
                var gaps = [ICCIDRun.Gap]()
                for (a, b) in zip(part.dropLast(), part.dropFirst()) where b.serial - a.serial > 1 {
                    gaps.append(.init(first: iccid(a.serial + 1), last: iccid(b.serial - 1), count: Int(b.serial - a.serial - 1)))
                }
                runs.append(ICCIDRun(prefix: group.prefix, issuer: issuerOf[group.prefix], digitCount: group.digitCount,
                                     members: part.map(\.index), first: part.first!.digits, last: part.last!.digits, gaps: gaps,
                                     luhnInvalid: part.filter { !Luhn.isValid($0.digits) }.count))
            }
        }
        return runs.sorted { $0.count != $1.count ? $0.count > $1.count : $0.first < $1.first }
    }
}
