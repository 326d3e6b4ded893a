import Foundation
import Mustache
import Testing
import Wording
@testable import Export

@Suite struct ReportChartTests {
    /// The partial as a page shows it: the catalog's words come from the page around the chart.
    struct ChartPage: MustacheParent {
        let chart: ReportChart
        let t: [String: Any]
        func child(named name: String) -> Any? { name == "t" ? t : chart.child(named: name) }
    }

    func render(_ chart: ReportChart, _ language: Language) -> String {
        ReportTemplates.shared.render(ChartPage(chart: chart, t: Catalog.of(language).templateWords()), "chart")
    }

    func numbers(_ pattern: String, in html: String) -> [Double] {
        let regex = try! Regex(pattern)
        return html.matches(of: regex).compactMap { match in (match.output[1].substring).flatMap { Double($0) } }
    }

    @Test func aHorizontalChartDrawsOneBarPerCategoryToScaleAndPrintsItsNumbersAndSource() {
        let chart = ReportChart(title: "SIMs per operator", categoryName: "Operator", valueName: "SIMs", series: ["SIMs"],
                                categories: [.init(label: "Viettel <b>&", values: [7_100]), .init(label: "Vinaphone", values: [3_550]),
                                             .init(label: "none", values: [0])],
                                source: .init(file: "inventory.csv", column: "operator"), orientation: .horizontal, language: .en)
        let html = render(chart, .en)
        #expect(html.contains(">Viettel &lt;b&gt;&amp;</text>"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("<td>Viettel &lt;b&gt;&amp;</td><td>7,100</td>"))
        #expect(html.contains("<td>Vinaphone</td><td>3,550</td>"))
        #expect(html.contains("<td>none</td><td>0</td>"))
        #expect(html.contains("<tr class=\"total\"><td>Total</td><td>10,650</td>"))
        #expect(html.contains("<code>inventory.csv</code>, column <code>operator</code>"))
        // Two bars (zero draws none), the second half as long as the first: 7,100 on an axis to 8,000.
        let widths = numbers("<rect class=\"series-0\" x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"([0-9.]+)\"", in: html)
        #expect(widths.count == 2)
        #expect(abs(widths[0] / widths[1] - 2) < 0.01)
        #expect(html.contains(">8,000</text>"))
        #expect(!html.contains("legend"))
    }

    @Test func aStackedVerticalChartHasALegendAndAColumnPerSeriesInVietnamese() {
        let chart = ReportChart(title: "Lượt đọc mỗi ngày", categoryName: "Ngày", valueName: "Lượt đọc", series: ["mở", "khóa PIN"],
                                categories: [.init(label: "2026-12-01", values: [1_200, 300]), .init(label: "2026-12-02", values: [0, 40])],
                                source: .init(file: "acquisitions.csv", column: "time"), orientation: .vertical, language: .vi)
        let html = render(chart, .vi)
        #expect(html.contains("<th>Ngày</th><th>mở</th><th>khóa PIN</th><th>Lượt đọc</th>"))
        #expect(html.contains("<td>2026-12-01</td><td>1.200</td><td>300</td><td>1.500</td>"))
        #expect(html.contains("<tr class=\"total\"><td>Tổng cộng</td><td>1.200</td><td>340</td><td>1.540</td>"))
        #expect(html.contains("Nguồn số liệu: <code>acquisitions.csv</code>, cột <code>time</code>"))
        #expect(html.contains(">khóa PIN</text>"))
        #expect(html.contains("transform=\"rotate(-45 "))
        #expect(html.components(separatedBy: "<rect class=\"series-1\"").count - 1 == 3, "two bars and the legend's swatch")
        // The second series sits on top of the first: its bar ends where the first one starts.
        let ys = numbers("<rect class=\"series-[01]\" x=\"[0-9.]+\" y=\"([0-9.]+)\"", in: html)
        let heights = numbers("<rect class=\"series-[01]\" x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"[0-9.]+\" height=\"([0-9.]+)\"", in: html)
        #expect(abs(ys[1] + heights[1] - ys[0]) < 0.15)
        #expect(abs(heights[0] / heights[1] - 4) < 0.01)
    }

    @Test func theAxisEndsAtARoundNumberInAtMostFiveSteps() {
        #expect(AxisScale(maximum: 7_100).ticks == [0, 2_000, 4_000, 6_000, 8_000])
        #expect(AxisScale(maximum: 3).ticks == [0, 1, 2, 3])
        #expect(AxisScale(maximum: 10).ticks == [0, 2, 4, 6, 8, 10])
        #expect(AxisScale(maximum: 71_000).maximum == 80_000)
        #expect(AxisScale(maximum: 0).ticks == [0, 1])
    }
}
