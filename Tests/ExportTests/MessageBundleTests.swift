import CaseStore
import Foundation
import Ledger
import SIMCard
import Testing
@testable import Export
import Wording

extension BundleForgeryTests {
    /// A sender log of PHONE-1 with a campaign of four near-identical messages and one chat.
    static func importSenderLog(_ f: ExportFixture) throws {
        let log = f.directory + "/sender.csv"
        var lines = ["time,direction,from,to,text,status,port"]
        for (i, amount) in ["100k", "200k", "300k", "500k"].enumerated() {
            lines.append("2026-03-02T08:0\(i):00+07:00,out,0961000001,091200000\(i),\"Nổ hũ đổi thưởng cực đã, nạp lần đầu tặng \(amount), rút tiền 5 phút tại https://nohu88.vip/km\",delivered,1")
        }
        lines.append("2026-03-02T09:00:00+07:00,in,0912000009,0961000001,Anh ơi tối nay mấy giờ về ăn cơm?,received,1")
        try Data(lines.joined(separator: "\r\n").utf8).write(to: URL(fileURLWithPath: log))
        try f.store.importMessages(file: log, item: "PHONE-1", format: nil, by: "tech1")
    }

    @Test func messageTablesAreSealedAndARemovedMessageOrAnInventedMemberIsRejected() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let key = try f.caseKey()
        try Self.importSenderLog(f)
        _ = try f.export("b")
        let bundle = f.bundle("b")
        let editor = BundleEditor(root: bundle)
        #expect(editor.problem(key: [key.verifierKey]) == nil)
        #expect(try PythonVerifier.run([bundle, try PythonVerifier.keyFile([key.verifierKey], beside: bundle)]).status == 0)
        let messages = try CSVText.records(editor.data(BundleLayout.messages))
        #expect(messages.count == 6 && messages[1].fields[1...4] == ["PHONE-1", "csv", messages[1].fields[3], "1"])
        let campaigns = try CSVText.records(editor.data(BundleLayout.campaigns))
        #expect(campaigns.count == 2 && campaigns[1].fields[1] == "4" && campaigns[1].fields[2] == "gambling")
        let indicators = try CSVText.records(editor.data(BundleLayout.indicators))
        #expect(indicators.contains { $0.fields[0] == "domain" && $0.fields[1] == "nohu88.vip" && $0.fields[5] == "1" })

        // One message left out of messages.csv: fewer rows than the import entry records.
        let entry = messages[1].fields[3]
        let removed = try Self.resealed(bundle, fixture: f, key: key) { b in
            let text = try b.text(BundleLayout.messages)
            let lines = text.components(separatedBy: "\r\n")
            try b.write(BundleLayout.messages, (lines.prefix(5) + lines.dropFirst(6)).joined(separator: "\r\n"))
        }
        try expectBothReject(removed, swift: "holds 4 messages of entry \(entry), which imported 5",
                             python: "messages.csv: 4 messages of entry \(entry), which imported 5", key: key.verifierKey, "removed message")

        // A campaign member no message row holds.
        let invented = try Self.resealed(bundle, fixture: f, key: key) { b in
            let text = try b.text(BundleLayout.campaigns)
            try b.write(BundleLayout.campaigns, text.replacingOccurrences(of: "PHONE-1/csv/\(entry)/4", with: "PHONE-1/csv/\(entry)/40"))
        }
        #expect(BundleEditor(root: invented).problem(key: [key.verifierKey])?.reason.contains("names message PHONE-1/csv/\(entry)/40, which is not a row of messages.csv") == true)
    }
}

@Suite struct CampaignReportTests {
    @Test(arguments: [Language.vi, .en])
    func theSummaryReportListsTheCampaignsWithTheirCharts(_ language: Language) throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let empty = try CourtReport.summary(store: f.store, language: language, tool: ToolIdentity(name: "custody", version: "test", build: ""),
                                            verification: ReportVerificationFacts(ledgerEntries: 7, ledgerRoot: "", ledgerSize: 7, stationKeys: []), time: Date())
        #expect(!empty.contains("id=\"campaigns\""), "no messages, no section")
        try BundleForgeryTests.importSenderLog(f)
        let size = try f.store.lineRecords().count
        let html = try CourtReport.summary(store: f.store, language: language, tool: ToolIdentity(name: "custody", version: "test", build: ""),
                                           verification: ReportVerificationFacts(ledgerEntries: size, ledgerRoot: "", ledgerSize: size, stationKeys: []), time: Date())
        let catalog = ReportWording(language, timeZone: "Asia/Ho_Chi_Minh").catalog
        #expect(html.contains("id=\"campaigns\""))
        #expect(html.contains("<td>#1</td><td>\(catalog.text("report.campaigns.gambling"))</td>"))
        #expect(html.contains(catalog.text("report.campaigns.per-day")) && html.contains(catalog.text("report.campaigns.by-device")))
        #expect(html.contains("<code>messages.csv</code>") && html.contains("PHONE-1"))
        // Messages brought in after the ledger size the report describes are not counted.
        let before = try CourtReport.summary(store: f.store, language: language, tool: ToolIdentity(name: "custody", version: "test", build: ""),
                                             verification: ReportVerificationFacts(ledgerEntries: size - 1, ledgerRoot: "", ledgerSize: size - 1, stationKeys: []), time: Date())
        #expect(before.contains("id=\"campaigns\"") && !before.contains("<td>#1</td><td>\(catalog.text("report.campaigns.gambling"))</td>"))
    }
}
