import Foundation
import SIMCard

/// `ranges.csv` (docs/VERIFYING.md §2.6): one row per run of consecutive ICCIDs among the
/// case's SIMs, as `custody sims ranges --json` gives it (docs/ANALYSIS.md, "SIM-lot ranges");
/// lists inside a cell one per line. Written by whole-case exports made through Workbench
/// (`BundleExport`), which computes the runs.
public enum RangesTable {
    public static let path = "ranges.csv"
    public static let header = ["issuerPrefix", "issuer", "operator", "count", "first", "last", "missing", "gaps", "luhnInvalid", "places", "sims"]

    /// The file for rows given in `header` order.
    public static func csv(_ rows: [[String]]) -> Data {
        Data((["\u{FEFF}" + CSVText.record(header)] + rows.map(CSVText.record)).joined().utf8)
    }
}

extension FileChecker {
    /// ranges.csv, when present: a whole-case export's, every SIM of a run a row of
    /// inventory.csv and `count` the number of its SIMs.
    public static let ranges = FileChecker(name: "SIM-lot ranges", owns: { $0 == RangesTable.path }) { ctx throws(BundleProblem) in
        guard ctx.files[RangesTable.path] != nil else { return 0 }
        guard ctx.scope == "all" else { throw BundleProblem(RangesTable.path, "is in an export of some items: only whole-case exports hold it") }
        let items = try exportedItems(ctx)
        let rows = try csvRecords(ctx, RangesTable.path, header: RangesTable.header).dropFirst()
        for r in rows {
            let sims = CSVText.value(ofCell: r.fields[10]).split(separator: "\n").map(String.init)
            if let stranger = sims.first(where: { !items.contains($0) }) {
                throw BundleProblem(RangesTable.path, line: r.line, "lists SIM \(stranger), which is not a row of inventory.csv")
            }
            guard String(sims.count) == r.fields[3] else {
                throw BundleProblem(RangesTable.path, line: r.line, "count \(r.fields[3]) but \(sims.count) SIMs")
            }
        }
        return rows.count
    }
}
