import ArgumentParser
import Workbench

struct SIMs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sims",
        abstract: "Look at the case's SIMs together.",
        subcommands: [SIMRangesCommand.self]
    )
}

struct SIMRangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranges",
        abstract: "Runs of consecutive ICCIDs among the case's SIMs: the lots they were cut from.",
        discussion: """
            Per ICCID issuer prefix, the serials (the digits after the prefix, without the Luhn check digit) in order; \
            SIMs at most --max-gap serials apart share a run. Each run of 2 or more: issuer, operator, count, first and \
            last ICCID, the missing serials inside it, and the boxes, lots or phones its SIMs were found in \
            (docs/ANALYSIS.md, "SIM-lot ranges").
            """)
    @OptionGroup var selection: CaseSelection
    @Option(help: "Missing serials allowed between neighbours of a run (0 = strictly consecutive).") var maxGap = SIMRanges.defaultGap
    @Flag(help: "Print JSON (schema custody.sims.ranges/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let out = try SIMRanges.find(in: store, maxGap: maxGap)
            if json { try printJSON(out); return }
            print("\(out.runs.count) run\(out.runs.count == 1 ? "" : "s") of consecutive ICCIDs (max gap \(out.maxGap)): \(out.simsInRuns) of \(out.simsWithICCID) SIMs with an ICCID")
            for run in out.runs {
                let issuer = run.issuer.isEmpty ? "issuer \(run.issuerPrefix)" : "\(run.issuer) (\(run.issuerPrefix))"
                print("\(run.first) – \(run.last)\t\(run.count) SIMs, \(run.missing) missing\t\(issuer), operator \(run.operator)")
                for gap in run.gaps { print("  missing \(gap.count == 1 ? gap.first : "\(gap.first) – \(gap.last)") (\(gap.count))") }
                print("  found in " + run.places.map { "\($0.label.isEmpty ? "no container" : $0.label) \($0.count)" }.joined(separator: ", "))
            }
        }
    }
}
