import CaseStore
import Export
import SIMCard

/// `custody sims ranges`: runs of consecutive ICCIDs among the case's SIMs (`ICCIDRuns`), each
/// with its issuer and operator, size, first and last ICCID, the serials missing inside it and
/// where its SIMs were found (docs/ANALYSIS.md, "SIM-lot ranges"; JSON schema
/// custody.sims.ranges/1).
public enum SIMRanges {
    /// The largest `--max-gap` accepted: a wider gap would join unrelated lots of one issuer.
    public static let maximumGap = 1000
    /// `--max-gap` when not given, and the gap of a bundle's ranges.csv.
    public static let defaultGap = 10

    /// `ranges.csv` of a whole-case export (`RangesTable`): the runs at `defaultGap`; no file
    /// for an export of some items (its runs would name SIMs it does not hold).
    public static let bundleFile = FileProducer(name: "SIM-lot ranges") { ctx, bundle in
        guard !ctx.plan.isSubset else { return }
        let runs = try find(in: ctx.store, maxGap: defaultGap).runs
        try bundle.write(RangesTable.path, RangesTable.csv(runs.map { r in
            [r.issuerPrefix, r.issuer, r.operator, String(r.count), r.first, r.last, String(r.missing),
             r.gaps.map { "\($0.first)–\($0.last) (\($0.count))" }.joined(separator: "\n"), String(r.luhnInvalid),
             r.places.map { ([$0.label, $0.type, String($0.count)] + $0.ports).joined(separator: " ") }.joined(separator: "\n"),
             r.sims.joined(separator: "\n")]
        }))
    }

    public struct Output: Encodable, Sendable {
        public var schema = "custody.sims.ranges/1"
        public var caseID: String
        public var maxGap: Int
        /// SIM items with an ICCID (the ones that can be in a run).
        public var simsWithICCID: Int
        /// Of those, the ones in a run.
        public var simsInRuns: Int
        public var runs: [Run]
    }

    public struct Run: Encodable, Sendable {
        /// The E.118 issuer prefix the serials count after (or the first 6 digits when unlisted).
        public var issuerPrefix: String
        /// The issuer the E.118 table names, "" when it lacks the prefix.
        public var issuer: String
        /// The operator most of the run's SIMs have (as `custody summary` gives it), "unknown" if none.
        public var `operator`: String
        public var count: Int
        public var first: String
        public var last: String
        /// Serials from first to last that the case lacks, and the missing stretches.
        public var missing: Int
        public var gaps: [ICCIDRun.Gap]
        /// Members whose last digit is not their Luhn check digit.
        public var luhnInvalid: Int
        /// Where the run's SIMs were found: containers (box, bank, lot, phone, …), most SIMs first.
        public var places: [Place]
        /// The SIM items, in ICCID order.
        public var sims: [String]
    }

    public struct Place: Encodable, Sendable {
        /// The container's label, or "" for SIMs not placed in any.
        public var label: String
        public var type: String
        public var count: Int
        /// For a box or bank: the ports that held the run's SIMs, in label order.
        public var ports: [String]
    }

    public static func find(in store: CaseStore, maxGap: Int) throws(WorkbenchError) -> Output {
        guard (0...maximumGap).contains(maxGap) else {
            throw WorkbenchError("--max-gap \(maxGap): give 0 (strictly consecutive) to \(maximumGap) missing serials")
        }
        let (statuses, places) = try inCase { () throws(CaseStoreError) in (try store.simStatuses(), try store.simPlaces()) }
        var sims = [(status: SIMStatus, iccid: ICCID)]()
        for s in statuses { if let digits = s.iccid, let iccid = try? ICCID(digits: digits) { sims.append((s, iccid)) } }
        let runs = ICCIDRuns.find(sims.map(\.iccid), maxGap: maxGap).map { run in
            let members = run.members.map { sims[$0].status }
            var operators = [String: Int]()
            for m in members where m.operatorName != "unknown" { operators[m.operatorName, default: 0] += 1 }
            var byContainer = [String: (type: String, count: Int, ports: Set<String>)]()
            for m in members {
                let place = places[m.label]
                let container = place?.container ?? ""
                var entry = byContainer[container, default: (place?.containerType ?? "", 0, [])]
                entry.count += 1
                if let port = place?.port { entry.ports.insert(port) }
                byContainer[container] = entry
            }
            return Run(issuerPrefix: run.prefix, issuer: run.issuer?.issuer ?? "",
                       operator: operators.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? "unknown",
                       count: run.count, first: run.first, last: run.last, missing: run.missing, gaps: run.gaps,
                       luhnInvalid: run.luhnInvalid,
                       places: byContainer.map { Place(label: $0.key, type: $0.value.type, count: $0.value.count, ports: $0.value.ports.sorted()) }
                           .sorted { $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label },
                       sims: members.map(\.label))
        }
        return Output(caseID: store.caseID, maxGap: maxGap, simsWithICCID: sims.count, simsInRuns: runs.reduce(0) { $0 + $1.count }, runs: runs)
    }
}
