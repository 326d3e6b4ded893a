import CaseStore
import Foundation
import Testing
import Wording
@testable import Export

/// The court report and the operator letter in each language: every word from the catalogs (no
/// missing-key marker), the page's language, numbers and dates in the language's conventions,
/// while the evidence (UTC times, hashes, identifiers, entry numbers) stays as recorded.
@Suite struct CourtReportLanguageTests {
    /// 7,100 ledger entries: a number with a thousands separator in the verification section.
    static let largeLedger = ReportVerificationFacts(ledgerEntries: 7100, ledgerRoot: ReportCase.verification.ledgerRoot,
                                                     ledgerSize: 7100, stationKeys: [])

    @Test func theVietnameseReportIsInVietnamese() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let html = try c.html(language: .vi, verification: Self.largeLedger)
        #expect(!html.contains("⟦"), "a catalog key is missing: \(Self.markers(html))")
        #expect(html.contains("<html lang=\"vi\">"))
        #expect(html == html.precomposedStringWithCanonicalMapping, "the page is NFC")
        for heading in ["Báo cáo chuỗi quản lý vật chứng và kết quả kiểm tra SIM", "Vụ án và căn cứ tiến hành", "Cán bộ thực hiện",
                        "Phương pháp", "Tổng hợp", "Vật chứng", "Tin nhắn SMS tìm thấy trên SIM", "Cách kiểm tra bộ hồ sơ này"] {
            #expect(html.contains(heading), "missing heading \(heading)")
        }
        #expect(html.contains("<th>Số mục trong sổ</th><td>7.100</td>"), "7,100 with the dot separator")
        #expect(html.contains("của 7.100 mục đầu tiên"))
        // The report's time in words in the case's time zone (Asia/Ho_Chi_Minh), beside the UTC original.
        #expect(html.contains("2026-09-21T14:13:20.000Z<br><span class=\"local\">21 giờ 13 phút, ngày 21 tháng 09 năm 2026</span>"), "\(Self.around("giờ", in: html))")
        #expect(html.firstMatch(of: /ngày \d{2} tháng \d{2} năm \d{4}/) != nil)
        // Counted sentences, states, types and roles from the catalog.
        #expect(html.contains("1 mục đưa đối tượng vào LOT-1 được liệt kê cùng các đối tượng đó ở bên dưới."))
        #expect(html.contains("<tr><td>đã đọc</td><td>2</td></tr>"))
        #expect(html.contains("<tr><td>bị khóa PIN</td><td>1</td></tr>"))
        #expect(html.contains("<span class=\"type\">thiết bị SIM box</span>"))
        #expect(html.contains("cán bộ kỹ thuật"))
        #expect(html.contains("Số sê-ri <b>GOIP-778</b>"), "identifier names from the common words")
        // The evidence as recorded: the ledger's actions, the SMS text, the hashes.
        #expect(html.contains("custody.seal"))
        #expect(html.contains("Vay tiền nhanh &lt;b&gt;lãi suất 0%&lt;/b&gt;"))
        for (_, hashes) in try c.expectedHashes() {
            for hash in hashes { #expect(html.contains(hash)) }
        }
        #expect(!html.contains("Chain of custody") && !html.contains("How to verify"), "no English heading left")
    }

    @Test func theEnglishReportKeepsItsWordsAndTakesEnglishConventions() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let html = try c.html(language: .en, verification: Self.largeLedger)
        #expect(!html.contains("⟦"), "a catalog key is missing: \(Self.markers(html))")
        #expect(html.contains("<html lang=\"en\">"))
        #expect(html.contains("<h1>Chain of custody and SIM examination report</h1>"))
        #expect(html.contains("<th>Ledger entries</th><td>7,100</td>"))
        #expect(html.contains("of the first 7,100 entries"))
        #expect(html.contains("21:13, 21 September 2026"))
        #expect(html.contains("<span class=\"type\">SIM box</span>"))
        #expect(!html.contains("ngày"))
    }

    /// Every text the report's templates and Swift side name is in both catalogs: a report
    /// rendered in each language has no marker, and the two differ in every heading.
    @Test func everyLanguageRendersWithoutMarkersAndTheirHeadingsDiffer() throws {
        let c = try ReportCase()
        defer { c.remove() }
        var headings = [Language: [String]]()
        for language in Language.allCases {
            for items: Set<String>? in [nil, ["LOT-1", "SB-01/P2"]] {
                let html = try c.html(items: items, language: language)
                #expect(!html.contains("⟦"), "\(language): \(Self.markers(html))")
            }
            headings[language] = try c.html(language: language).matches(of: /<h2[^>]*>([^<]+)<\/h2>/).map { String($0.output.1) }
        }
        #expect(headings[.vi]!.count == headings[.en]!.count && headings[.vi]!.count >= 7)
        for (vi, en) in zip(headings[.vi]!, headings[.en]!) { #expect(vi != en) }
    }

    @Test func theOperatorLetterIsARequestForSubscriberInformation() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let sims = [OperatorLetter.SIM(iccid: ReportCase.fullReadICCID, imsi: "452011234523456", msisdn: ["84912345678"], label: "SIM-A"),
                    OperatorLetter.SIM(iccid: ReportCase.lockedICCID, imsi: "", msisdn: [], label: "SIM-B")]
        let date = Date(timeIntervalSince1970: 1_796_542_205)
        let vi = OperatorLetter.html(case: c.store.caseRecord, operatorName: "MobiFone", language: .vi, date: date, sims: sims)
        #expect(!vi.contains("⟦"), "\(Self.markers(vi))")
        #expect(vi.contains("<html lang=\"vi\">"))
        for text in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "<h1>Đề nghị cung cấp thông tin thuê bao</h1>",
                     "Kính gửi: <b>MobiFone</b>", "ngày 06 tháng 12 năm 2026", "Căn cứ Điều 88 Bộ luật Tố tụng hình sự năm 2015",
                     "C03 – Bộ Công an đề nghị MobiFone cung cấp thông tin thuê bao của 2 SIM", "Chuyên án SIM rác",
                     "<code>\(ReportCase.fullReadICCID)</code>", "<code>452011234523456</code>", "84912345678", "SIM-B", "THỦ TRƯỞNG ĐƠN VỊ"] {
            #expect(vi.contains(text), "missing \(text)")
        }
        #expect(vi.components(separatedBy: "<tr><td class=\"n\">").count == 3, "one row per SIM")
        let en = OperatorLetter.html(case: c.store.caseRecord, operatorName: "MobiFone", language: .en, date: date, sims: Array(sims.prefix(1)))
        #expect(!en.contains("⟦") && en.contains("<html lang=\"en\">"))
        #expect(en.contains("requests MobiFone to provide the subscriber information of the 1 SIM card listed below"))
        #expect(en.contains("6 December 2026"))
    }

    static func markers(_ html: String) -> [String] {
        html.matches(of: /⟦[^⟧]*⟧/).map { String($0.output) }
    }

    /// The page around the first `text`, for a failure message.
    static func around(_ text: String, in html: String) -> String {
        guard let range = html.range(of: text) else { return "(\(text) not found)" }
        let start = html.index(range.lowerBound, offsetBy: -80, limitedBy: html.startIndex) ?? html.startIndex
        let end = html.index(range.upperBound, offsetBy: 80, limitedBy: html.endIndex) ?? html.endIndex
        return String(html[start..<end])
    }
}
