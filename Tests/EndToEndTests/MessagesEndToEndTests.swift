import Foundation
import Testing

extension EndToEnd {
/// `messages import`, `campaigns` and `indicators` through the binary, on the demo's simulated
/// phone database (Evidence/messages, built with sqlite3) and SIM-box sender log.
@Suite struct MessagesEndToEndTests {
    struct Pointer: Decodable, Hashable { var item: String; var source: String; var entry: Int; var row: String }
    struct Campaigns: Decodable {
        var schema: String
        var messages: Int
        var campaigns: [Campaign]
        struct Campaign: Decodable {
            var number: Int
            var size: Int
            var category: String
            var categoryWords: [String]
            var senders: [String]
            var sims: [String]
            var ports: [String]
            var boxes: [String]
            var phones: [String]
            var members: [Pointer]
        }
    }
    struct Indicators: Decodable {
        var schema: String
        var indicators: [Indicator]
        struct Indicator: Decodable { var kind: String; var value: String; var count: Int; var campaigns: [Int]; var messages: [Pointer] }
    }
    struct Entry: Decodable { var seq: Int; var action: String; var payload: [String: Payload] }
    enum Payload: Decodable, Equatable {
        case text(String), number(Int)
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
        }
    }

    @Test func aPhoneAndASenderLogGiveCampaignsAndIndicatorsWithCitablePointers() throws {
        let rig = try Rig.running()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-messages-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1"]
        func custody(_ args: [String], status: Int32 = 0) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }
        _ = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17",
                         "--time-zone", "Asia/Ho_Chi_Minh", "--examiner", "sup1", "--examiner-name", "Nguyen Van A"])
        _ = try custody(["device", "import", Rig.packageRoot + "/Evidence/seizure/demo-catalog.csv"])

        let phone = dir + "-mmssms.db"
        defer { try? FileManager.default.removeItem(atPath: phone) }
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [phone, ".read \(Rig.packageRoot)/Evidence/messages/PH-01-mmssms.sql"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: phone))

        let imported = try JSONDecoder().decode(Entry.self, from: Data(custody(["messages", "import", phone, "--item", "PH-01", "--json"]).stdout.utf8))
        #expect(imported.action == "messages.import")
        #expect(imported.payload["format"] == .text("android") && imported.payload["rows"] == .number(60))
        #expect(try Data(contentsOf: URL(fileURLWithPath: phone)) == bytes)
        let log = Rig.packageRoot + "/Evidence/messages/SB-01-sender-log.csv"
        let logEntry = try JSONDecoder().decode(Entry.self, from: Data(custody(["messages", "import", log, "--item", "SB-01", "--json"]).stdout.utf8))
        #expect(logEntry.payload["format"] == .text("csv") && logEntry.payload["rows"] == .number(80))
        let again = try custody(["messages", "import", log, "--item", "PH-01"], status: 1)
        #expect(again.stderr.contains("was already imported by entry \(logEntry.seq)"))
        #expect(again.stderr.split(separator: "\n").count == 1)

        let campaigns = try JSONDecoder().decode(Campaigns.self, from: Data(custody(["campaigns", "--json"]).stdout.utf8))
        #expect(campaigns.schema == "custody.campaigns/1" && campaigns.messages == 140)
        let categories = Set(campaigns.campaigns.map(\.category))
        #expect(categories.isSubset(of: ["gambling", "loan", "fake_documents", "phishing", "other"]))
        #expect(categories.isSuperset(of: ["gambling", "loan", "fake_documents", "phishing"]))
        let gambling = try #require(campaigns.campaigns.first { $0.category == "gambling" })
        #expect(!gambling.categoryWords.isEmpty)
        // The gambling template went out of the box's ports and reached the phone.
        #expect(gambling.boxes == ["SB-01"] && gambling.phones == ["PH-01"])
        #expect(gambling.ports.allSatisfy { $0.hasPrefix("SB-01/P") } && gambling.sims.contains("SIM-03"))
        #expect(Set(gambling.members.map(\.item)) == ["PH-01", "SB-01"] && gambling.members.count == gambling.size)
        #expect(gambling.members.allSatisfy { [imported.seq, logEntry.seq].contains($0.entry) && Int($0.row) != nil })
        // Chats are no campaign's members.
        let members = Set(campaigns.campaigns.flatMap(\.members))
        #expect(!members.contains(Pointer(item: "PH-01", source: "android", entry: imported.seq, row: "2")), "\"Dạ vâng ạ\" is a chat")

        let csv = dir + "-indicators.csv"
        defer { try? FileManager.default.removeItem(atPath: csv) }
        let indicators = try JSONDecoder().decode(Indicators.self, from: Data(custody(["indicators", "--json", "--csv", csv]).stdout.utf8))
        #expect(indicators.schema == "custody.indicators/1")
        let domain = try #require(indicators.indicators.first { $0.kind == "domain" && $0.value == "nohu88.vip" })
        #expect(domain.campaigns == [gambling.number] && domain.count >= domain.messages.count)
        #expect(indicators.indicators.filter { $0.kind == "phone" }.allSatisfy { $0.value.hasPrefix("+84") && $0.value.count == 12 })
        // The bundle carries the three tables, sealed, and both verifiers accept it.
        let bundle = dir + "-bundle"
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        _ = try custody(["export", "--out", bundle])
        for file in ["messages.csv", "campaigns.csv", "indicators.csv"] {
            #expect(try String(contentsOfFile: bundle + "/MANIFEST.sha256", encoding: .utf8).contains("  \(file)\n"))
        }
        #expect(try custody(["verify", bundle]).stdout.contains("messages 140, SIM-lot ranges 1"))
        // The catalog's SIM-04 and SIM-12 are one lot (8984042017000001017, …025): ranges.csv names both.
        #expect(try String(contentsOfFile: bundle + "/ranges.csv", encoding: .utf8).contains("\"SIM-04\nSIM-12\""))
        let python = try Rig.verifyBundleScript([bundle])
        #expect(python.status == 0, "\(python.stdout)")
        let written = try Data(contentsOf: URL(fileURLWithPath: csv))
        #expect(written.starts(with: Data("\u{FEFF}kind,value,bank,shortener,count,campaigns,messages\r\n".utf8)))
    }
}
}
