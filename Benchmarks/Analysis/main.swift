// analysis-bench: campaign clustering of generated messages (Benchmarks/SeizureGen/Messages) against
// the Python datasketch MinHashLSH on the same masked forms and shingles, in the same run; quality
// against the generator's ground truth. See docs/BENCHMARKS.md, "Issue 18: campaign analysis".
import Analysis
import BenchmarkSupport
import Foundation
import SeizureMessages

let usage = """
    usage: analysis-bench --messages N [--seed S] --dir DIR --python PYTHON [--json]
           analysis-bench campaigns TEXTS OUT      (child: findCampaigns on every message)
           analysis-bench groups FORMS OUT         (child: the clustering step on masked forms)
    """

/// One text a line (the generator writes none with a line break).
func readLines(_ path: String) -> [String] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

func write(_ lines: [String], _ path: String) {
    do { try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8) } catch {
        fail("cannot write \(path): \(error.localizedDescription)")
    }
}

var reader = OptionReader(Array(CommandLine.arguments.dropFirst()), usage: usage)
let first = reader.next()
if first == "campaigns" {
    let texts = readLines(reader.value("TEXTS"))
    let out = reader.value("OUT")
    let messages = texts.enumerated().map { AnalysedMessage(id: $0.offset, text: $0.element) }
    var campaignOf = [Int](repeating: 0, count: texts.count)
    for campaign in findCampaigns(messages) { for id in campaign.memberIDs { campaignOf[id] = campaign.number } }
    write(campaignOf.map(String.init), out)
    exit(0)
}
if first == "groups" {
    let forms = readLines(reader.value("FORMS"))
    let out = reader.value("OUT")
    write(nearDuplicateGroups(maskedTexts: forms).map(String.init), out)
    exit(0)
}

var count: Int?
var seed: UInt64 = 18
var dir: String?
var python: String?
var json = false
var argument = first
while let a = argument {
    switch a {
    case "--messages": count = reader.count(a, minimum: 1)
    case "--seed": seed = reader.seed(a)
    case "--dir": dir = reader.value(a)
    case "--python": python = reader.value(a)
    case "--json": json = true
    default: reader.unknown(a)
    }
    argument = reader.next()
}
guard let count, let dir, let python else { fail("--messages, --dir and --python are required\n\(usage)") }
let me = CommandLine.arguments[0]
let parameters = CampaignParameters()

note("generating \(count) messages (seed \(seed))")
let generated = SeizureMessages(count: count, seed: seed).messages
let textsPath = dir + "/texts.txt"
write(generated.map(\.text), textsPath)

note("normalising")
var uniqueForms = [String]()
let normaliseSeconds = timed {
    var seen = Set<String>()
    for message in generated {
        let masked = normalise(message.text).masked
        if seen.insert(masked).inserted { uniqueForms.append(masked) }
    }
}
let formsPath = dir + "/forms.txt"
write(uniqueForms, formsPath)

note("findCampaigns on \(count) messages")
let campaignsPath = dir + "/campaigns.txt"
let campaignsRun = spawnChecked(me, ["campaigns", textsPath, campaignsPath], stderrPath: dir + "/campaigns.err")
note("the clustering step on \(uniqueForms.count) masked forms: Analysis")
let swiftGroupsPath = dir + "/groups-swift.txt"
let swiftRun = spawnChecked(me, ["groups", formsPath, swiftGroupsPath], stderrPath: dir + "/groups-swift.err")
note("the clustering step on \(uniqueForms.count) masked forms: datasketch")
let pythonGroupsPath = dir + "/groups-datasketch.txt"
let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("datasketch_groups.py").path
let pythonRun = spawnChecked(python, [script, formsPath, pythonGroupsPath, "--shingle-size", String(parameters.shingleSize),
                                      "--bands", String(parameters.bands), "--rows", String(parameters.rows),
                                      "--threshold", String(parameters.similarityThreshold), "--minimum-shingles", String(parameters.minimumShingles),
                                      "--seed", String(parameters.seed)], stderrPath: dir + "/groups-datasketch.err")

/// B-cubed precision and recall (Bagga and Baldwin 1998) of `clusters` against `truth`, over the items `counted`.
func bCubed(_ clusters: [String], _ truth: [String], counted: (Int) -> Bool) -> (precision: Double, recall: Double) {
    var clusterSize = [String: Int](), truthSize = [String: Int](), both = [String: Int]()
    for i in clusters.indices {
        clusterSize[clusters[i], default: 0] += 1
        truthSize[truth[i], default: 0] += 1
        both[clusters[i] + "\u{0}" + truth[i], default: 0] += 1
    }
    var precision = 0.0, recall = 0.0, n = 0
    for i in clusters.indices where counted(i) {
        let shared = Double(both[clusters[i] + "\u{0}" + truth[i]]!)
        precision += shared / Double(clusterSize[clusters[i]]!)
        recall += shared / Double(truthSize[truth[i]]!)
        n += 1
    }
    return (precision / Double(max(n, 1)), recall / Double(max(n, 1)))
}

let campaignOf = readLines(campaignsPath)
guard campaignOf.count == count else { fail("campaigns wrote \(campaignOf.count) lines for \(count) messages") }
let clusters = campaignOf.enumerated().map { $0.element == "0" ? "single-\($0.offset)" : "campaign-\($0.element)" }
let truth = generated.map(\.truth)
let quality = bCubed(clusters, truth) { !truth[$0].hasPrefix("chat") }
let isChat = truth.map { $0.hasPrefix("chat") }
var spamCampaigns = Set<String>()
for i in 0..<count where truth[i].hasPrefix("spam") && campaignOf[i] != "0" { spamCampaigns.insert(campaignOf[i]) }
let chats = isChat.filter { $0 }.count
let chatsInCampaigns = (0..<count).filter { isChat[$0] && campaignOf[$0] != "0" }.count
let chatsInSpamCampaigns = (0..<count).filter { isChat[$0] && spamCampaigns.contains(campaignOf[$0]) }.count
let swiftGroups = readLines(swiftGroupsPath), pythonGroups = readLines(pythonGroupsPath)
guard swiftGroups.count == uniqueForms.count, pythonGroups.count == uniqueForms.count else { fail("a groups file does not have one line a form") }
let agreement = bCubed(swiftGroups.enumerated().map { $0.element == "-1" ? "s\($0.offset)" : $0.element },
                       pythonGroups.enumerated().map { $0.element == "-1" ? "s\($0.offset)" : $0.element }) { _ in true }

struct Report: Encodable {
    var messages: Int
    var uniqueMaskedForms: Int
    var parameters: CampaignParameters
    var normaliseSeconds: Double
    var findCampaigns: Run
    var clusteringAnalysis: Run
    var clusteringDatasketch: Run
    var speedup: Double
    var bCubedPrecision: Double
    var bCubedRecall: Double
    var chats: Int
    var chatsInCampaigns: Int
    var chatsInSpamCampaigns: Int
    var agreementWithDatasketchPrecision: Double
    var agreementWithDatasketchRecall: Double
    var load: String
}
let report = Report(messages: count, uniqueMaskedForms: uniqueForms.count, parameters: parameters, normaliseSeconds: normaliseSeconds,
                    findCampaigns: Run(campaignsRun, stderrPath: dir + "/campaigns.err"),
                    clusteringAnalysis: Run(swiftRun, stderrPath: dir + "/groups-swift.err"),
                    clusteringDatasketch: Run(pythonRun, stderrPath: dir + "/groups-datasketch.err"),
                    speedup: pythonRun.seconds / swiftRun.seconds, bCubedPrecision: quality.precision, bCubedRecall: quality.recall,
                    chats: chats, chatsInCampaigns: chatsInCampaigns, chatsInSpamCampaigns: chatsInSpamCampaigns,
                    agreementWithDatasketchPrecision: agreement.precision, agreementWithDatasketchRecall: agreement.recall,
                    load: ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " "))
if json {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(report), as: UTF8.self))
} else {
    func mib(_ bytes: Int64) -> String { fmt(Double(bytes) / 1_048_576, 0) + " MiB" }
    print("messages \(count), unique masked forms \(uniqueForms.count), load \(report.load)")
    print("normalise (in the bench process)        \(fmt(normaliseSeconds)) s")
    print("findCampaigns, every message            \(fmt(campaignsRun.seconds)) s, peak \(mib(campaignsRun.peakRSSBytes))")
    print("clustering step, Analysis               \(fmt(swiftRun.seconds)) s, peak \(mib(swiftRun.peakRSSBytes))")
    print("clustering step, datasketch MinHashLSH  \(fmt(pythonRun.seconds)) s, peak \(mib(pythonRun.peakRSSBytes))")
    print("speed-up                                \(fmt(report.speedup, 1))x")
    print("B-cubed on spam and notices             precision \(fmt(quality.precision, 4)), recall \(fmt(quality.recall, 4))")
    print("chats in campaigns                      \(chatsInCampaigns) of \(chats), in spam campaigns \(chatsInSpamCampaigns)")
    print("groups vs datasketch (B-cubed)          precision \(fmt(agreement.precision, 4)), recall \(fmt(agreement.recall, 4))")
}
