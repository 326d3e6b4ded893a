import CaseStore
import Foundation
import SIMCard
import Testing
import Wording
@testable import Export

/// The summary report (report.pdf of a whole-case export): counts from `CaseStore.reportStatistics()`
/// checked against the case, and the page in both languages.
@Suite struct CourtReportSummaryTests {
    func summary(_ c: ReportCase, _ language: Language) throws -> String {
        var facts = ReportCase.verification
        facts.stationKeys = [c.store.caseRecord.stationKey]
        return try CourtReport.summary(store: c.store, language: language, tool: ReportCase.tool, verification: facts,
                                       time: Date(timeIntervalSince1970: 1_790_000_000))
    }

    @Test func theStatisticsCountTheCaseByStateDeviceDayAndSMS() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let s = try c.store.reportStatistics()
        #expect(s.states.counts == [.read: 2, .pinLocked: 1])
        #expect(s.itemTypes.values.reduce(0, +) == (try c.store.items()).count)
        #expect(s.operators.values.map(\.total).reduce(0, +) == 3)
        #expect(s.issuerPrefixes == ["898401": 3])
        #expect(s.readsWithoutICCID == 1)
        // Devices in tree order, SIMs counted through ports and slots to their box.
        #expect(s.devices.map(\.label) == ["SZ-1", "LOT-1", "PH-1", "SB-01"])
        let byLabel = Dictionary(uniqueKeysWithValues: s.devices.map { ($0.label, $0) })
        #expect(byLabel["SB-01"]?.sims.counts == [.read: 1, .pinLocked: 1])
        #expect(byLabel["LOT-1"]?.sims.counts == [.read: 1])
        #expect(byLabel["PH-1"]?.sims.total == 0)
        #expect(byLabel["SZ-1"]?.depth == 0 && byLabel["SB-01"]?.depth == 1)
        let boxActions = byLabel["SB-01"]!.entries.map(\.action.rawValue)
        for action in ["custody.transfer", "custody.seal", "custody.photograph"] { #expect(boxActions.contains(action), "\(boxActions)") }
        #expect(byLabel["SB-01"]!.entries.map(\.seq) == byLabel["SB-01"]!.entries.map(\.seq).sorted())
        // Reads: three complete, one stopped before the ICCID, all today (UTC).
        #expect(s.readsPerDay.values.map(\.complete).reduce(0, +) == 3)
        #expect(s.readsPerDay.values.map(\.incomplete).reduce(0, +) == 1)
        // SMS: the full read of SIM-A, counted from its stored summary.
        let full = try #require(try c.store.acquisitions(scope: .full).first)
        struct Stored: Decodable { var summary: AcquisitionSummary }
        let stored = try JSONDecoder().decode(Stored.self, from: full.record).summary
        #expect(stored.smsDeletedResidue == 1)
        let expected = ReportStatistics.SMSCounts(simsRead: 1, used: stored.smsUsed, residue: stored.smsDeletedResidue)
        #expect(s.sms == expected)
        #expect(byLabel["SB-01"]?.sms == expected)
    }

    @Test func theSummaryShowsCountsChartsAndOneRowPerDeviceWithoutTheItemLevelInventory() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let html = try summary(c, .en)
        #expect(!html.contains("⟦"))
        for text in ["Chuyên án SIM rác", "Nguyễn Văn A", "Statistics", "Custody chain per seized system", "SMS found", "How to verify this bundle",
                     "SIMs per operator and state", "Reads per day (UTC)", "SIMs per ICCID issuer prefix"] {
            #expect(html.contains(text), "missing \(text)")
        }
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 == 5)
        // The box's row: 2 SIMs, 1 read, 1 PIN-locked; its entries by number and action.
        #expect(html.contains("<tr><td>SB-01</td><td>SIM box</td><td>SZ-1</td><td>2</td><td>1</td><td>1</td><td>0</td><td>0</td>"))
        #expect(html.contains("<tr><td>LOT-1</td><td>SIM lot</td><td>SZ-1</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td>"))
        #expect(html.contains("custody.seal S-0042"), "the seal number with its entry")
        #expect(html.contains("<tr><td>SB-01</td><td>1</td>"), "the SMS found in the box")
        #expect(html.contains("<tr><td>898401</td><td>3</td></tr>"))
        #expect(html.contains("<code>inventory.csv</code>, column <code>operator, state</code>"))
        #expect(html.contains("1 read without an ICCID is listed in report.html."))
        // Item-level detail stays in report.html: no SIM's ICCID, no SMS text, no exhibit marks.
        #expect(!html.contains(ReportCase.fullReadICCID))
        #expect(!html.contains("Vay tiền nhanh"))
        #expect(!html.contains("data-exhibit"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
    }

    @Test func theVietnameseSummaryIsInVietnamese() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let html = try summary(c, .vi)
        #expect(!html.contains("⟦"))
        #expect(html.contains("<html lang=\"vi\">"))
        for text in ["Thống kê", "Sổ theo dõi vật chứng theo hệ thống bị thu giữ", "Số SIM theo nhà mạng và trạng thái", "Nguồn số liệu:"] {
            #expect(html.contains(text), "missing \(text)")
        }
        #expect(!html.contains("Statistics") && !html.contains("Custody chain per seized system"))
    }
}
