import CaseStore
import Foundation
import Ledger
import Mustache
import Testing
@testable import Export

@Suite struct CourtReportTests {
    @Test func theReportShowsTheCaseExhibitsHashesSMSAndHowToVerify() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let html = try c.html()
        let record = c.store.caseRecord

        for text in [record.name, record.agency, record.authority, record.timeZone, record.id,
                     "Custody 0.1.0", "test-build-7f3a", "Nguyễn Văn A", "Trần Thị B", "Lê Văn C", "technician", "clerk"] {
            #expect(html.contains(try MustacheTemplate(string: "{{.}}").render(text)), "missing \(text)")
        }
        // Exhibits, the SIM's position in its box, its identifiers.
        for label in ["SZ-1", "SB-01", "PH-1", "LOT-1", "SIM-A", "SIM-B", "SIM-\(ReportCase.lotICCID)"] {
            #expect(html.contains("data-exhibit=\"\(label)\""), "missing exhibit \(label)")
        }
        #expect(html.contains(">P1/S1</span>"))
        #expect(html.contains(ReportCase.fullReadICCID))
        #expect(html.contains("S-0042"), "the seal from the custody chain")
        #expect(html.contains("1 entry that places an item into LOT-1 is listed with that item below."))
        // Every hash, shown as text and not only in the attributes.
        for (_, hashes) in try c.expectedHashes() {
            for hash in hashes { #expect(html.components(separatedBy: hash).count >= 3, "hash \(hash) not shown") }
        }
        // Summary: 3 SIMs, one of each state but "not yet read"; the read without an ICCID.
        #expect(html.contains("<tr><td>read</td><td>2</td></tr>"))
        #expect(html.contains("<tr><td>PIN-locked</td><td>1</td></tr>"))
        #expect(html.contains("<tr><td>not yet read</td><td>0</td></tr>"))
        #expect(html.contains("reads without an ICCID"))
        #expect(html.contains("card removed during the read"))

        // SMS: text, escaped; the deleted message flagged; the bidi override made visible.
        #expect(html.contains("Vay tiền nhanh &lt;b&gt;lãi suất 0%&lt;/b&gt; &amp; &quot;ưu đãi&quot; tại vaynhanh247.vn"))
        #expect(!html.contains("<b>lãi"))
        #expect(html.contains("<tr class=\"residue\"><td>2</td>"))
        #expect(html.contains(ReportCase.residueText))
        #expect(html.contains("<span class=\"ctl\">U+202E</span>gnaht<span class=\"ctl\">U+202C</span>"))
        #expect(!html.unicodeScalars.contains("\u{202E}"))

        // How to verify.
        #expect(html.contains("sha256sum -c MANIFEST.sha256"))
        #expect(html.contains("custody verify BUNDLE"))
        #expect(html.contains("docs/VERIFYING.md"))
        #expect(html.contains(ReportCase.verification.ledgerRoot))
        #expect(html.contains("of the first \(ReportCase.verification.ledgerSize) entries"))
        let keyID = try VerifierKey(parsing: record.stationKey).keyID.hex
        #expect(html.contains("key id <b>\(keyID)</b>"))
    }

    /// An export's report is made from its plan (the snapshot's items and SIM states, the
    /// entries of every item, the reads without an ICCID) instead of reading the ledger again:
    /// the same report as the one read from the store, for the whole case and for `--items`.
    @Test(arguments: [[], ["SB-01"], ["LOT-1"]]) func theReportFromAnExportsPlanIsTheReportFromTheStore(_ selected: [String]) throws {
        let c = try ReportCase()
        defer { c.remove() }
        let plan = try ExportPlan(store: c.store, snapshot: try c.store.snapshot(), selected: selected, redactPins: false)
        let time = Date(timeIntervalSince1970: 1_790_000_000)
        let fromPlan = try ReportContent(plan: plan, store: c.store)
        let fromStore = try ReportContent(store: c.store, items: plan.isSubset ? Set(plan.itemLabels) : nil)
        #expect(fromPlan.chains == fromStore.chains)
        #expect(fromPlan.readsWithoutICCID.map(\.lineBytes) == fromStore.readsWithoutICCID.map(\.lineBytes))
        #expect(fromPlan.readsWithoutICCID.count == (selected.isEmpty ? 1 : 0))
        #expect(fromPlan.ledgerEntries == fromStore.ledgerEntries)
        let html = { (content: ReportContent) in
            try CourtReport.document(content, language: .vi, tool: ReportCase.tool, verification: ReportCase.verification, time: time).html
        }
        #expect(try html(fromPlan) == html(fromStore))
    }

    @Test func theReportLoadsNothingFromOutside() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let html = try c.html()
        #expect(!html.contains("http://") && !html.contains("https://"))
        for tag in ["<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url("] {
            #expect(!html.localizedCaseInsensitiveContains(tag), "\(tag) in the report")
        }
        // The only references are to the page itself.
        var scanner = TagScanner(Array(html.utf8))
        var references = 0
        while let tag = try scanner.nextStartTag() {
            for name in ["src", "href", "action", "poster", "srcset"] {
                guard let value = tag.attributes[name] else { continue }
                references += 1
                #expect(value.hasPrefix("#"), "<\(tag.name) \(name)=\"\(value)\">")
            }
        }
        #expect(references >= 1)
        #expect(html.contains("default-src 'none'"), "a Content-Security-Policy forbids any load")
    }

    @Test func exhibitHashesGivesBackEveryExhibitWithItsHashes() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let html = try c.html()
        #expect(try CourtReport.exhibitHashes(html: html) == c.expectedHashes())
    }

    @Test func aReportWithinThePartSizeIsOnePartTheReportItself() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let report = try c.document()
        #expect(report.parts(maxBytes: CourtReport.pdfPartBytes) == [report.html])
        #expect(report.html == (try c.html()))
    }

    /// Cut at every place it may be cut, the parts are whole documents that together show every
    /// exhibit and every piece of the body in order, a SIM box's table continued across parts.
    @Test func partsAreWholeDocumentsThatTogetherShowTheWholeReport() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let report = try c.document()
        let parts = report.parts(maxBytes: 1)
        #expect(parts.count >= 8, "\(parts.count) parts")
        let head = String(report.html[..<report.html.range(of: "<body>\n")!.upperBound])
        var shown = [String: Set<String>]()
        var body = ""
        for part in parts {
            #expect(part.hasPrefix(head), "every part has the page's head, its style included")
            #expect(part.hasSuffix("</body>\n</html>\n"))
            for (open, close) in [("<section", "</section>"), ("<table", "</table>"), ("<tbody", "</tbody>")] {
                #expect(part.components(separatedBy: open).count == part.components(separatedBy: close).count, "\(open) not closed in \(part)")
            }
            shown.merge(try CourtReport.exhibitHashes(html: part)) { $0.union($1) }
            body += part.dropFirst(head.count).dropLast("</body>\n</html>\n".count)
        }
        #expect(shown == (try c.expectedHashes()))
        let continued = "<section class=\"exhibit\">\n<table class=\"sims\"><caption>2 SIMs in SB-01 (continued)</caption>\n"
        #expect(parts.contains { $0.contains(continued) })
        // Without the closing and reopening of the continued table, the parts are the body in order.
        let reopened = "</table>\n</section>\n" + continued + "<thead><tr><th>Position</th><th>Exhibit</th><th>ICCID</th><th>IMSI</th><th>Operator</th><th>State</th></tr></thead>\n"
        #expect(body.replacingOccurrences(of: reopened, with: "") == String(report.html.dropFirst(head.count).dropLast("</body>\n</html>\n".count)))
        // Larger parts: fewer of them.
        let fewer = report.parts(maxBytes: report.html.utf8.count / 3)
        #expect(fewer.count >= 3 && fewer.count < parts.count)
    }

    @Test func aSubsetHoldsTheSelectedExhibitsAndWhatIsInsideThem() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let html = try c.html(items: ["LOT-1", "SB-01/P2"])
        let lotSIM = "SIM-\(ReportCase.lotICCID)"
        let shown = try CourtReport.exhibitHashes(html: html)
        let expected = try c.expectedHashes()
        let selected: Set<String> = ["LOT-1", lotSIM, "SB-01/P2", "SB-01/P2/S1", "SB-01/P2/S2", "SIM-B"]
        #expect(Set(shown.keys) == selected)
        for label in selected { #expect(shown[label] == expected[label]) }
        #expect(!html.contains("SIM-A") && !html.contains(ReportCase.spamText.prefix(10)))
        #expect(html.contains("exhibits <b>LOT-1</b>, <b>SB-01/P2</b>"))
        #expect(html.contains("<tr class=\"total\"><td>all SIMs</td><td>2</td></tr>"))
        #expect(!html.contains("reads without an ICCID"), "reads without an ICCID belong to the whole case only")

        #expect(throws: CaseStoreError.unknownItem("NO-SUCH")) { try c.html(items: ["LOT-1", "NO-SUCH"]) }
        #expect(throws: CaseStoreError.self) { try c.html(items: []) }
    }

    @Test func exhibitHashesReadsHandEditedMarkupAndRefusesBrokenMarks() throws {
        let marker = "<meta content=\"custody.report/1\" name='custody-report-format'>"
        let a = String(repeating: "a", count: 64), b = String(repeating: "b", count: 64)
        let page = """
            <!DOCTYPE html><html><head>\(marker)<style>td > b { color: red }</style></head><body>
            <!-- <tr data-exhibit="IN-A-COMMENT"> -->
            <section class=x data-sha256="\(a)  \(b)" DATA-EXHIBIT="Hộp &amp; &#x53;IM &lt;1&gt;">
            <tr data-exhibit=PLAIN><td>1 < 2</td></tr>
            </section></body></html>
            """
        #expect(try CourtReport.exhibitHashes(html: page) == ["Hộp & SIM <1>": [a, b], "PLAIN": []])

        func refusal(_ html: String) -> String? {
            do { _ = try CourtReport.exhibitHashes(html: html); return nil } catch { return "\(error)" }
        }
        #expect(refusal("<html><tr data-exhibit=\"X\"></tr></html>")?.contains("not a Custody court report") == true)
        #expect(refusal("\(marker)<tr data-exhibit=\"X\" data-sha256=\"\(a.uppercased())\">")?.contains("not 64 lowercase hex digits") == true)
        #expect(refusal("\(marker)<tr data-exhibit=\"X\" data-sha256=\"\(a.dropLast())\">")?.contains("exhibit X") == true)
        #expect(refusal("\(marker)\n<td data-sha256=\"\(a)\">")?.contains("outside an exhibit (line 2)") == true)
        #expect(refusal("\(marker)<tr data-exhibit=\"X")?.contains("unterminated") == true)
        #expect(refusal("<meta name=\"custody-report-format\" content=\"custody.report/9\">")?.contains("custody.report/9") == true)
    }

    /// The template engine escapes; free text from cards and examiners also has its invisible characters marked.
    @Test func freeTextIsEscapedAndInvisibleCharactersShown() {
        func free(_ text: String) -> String { ReportTemplates.shared.render(ReportView.FreeText(text), "free") }
        #expect(free("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;")
        #expect(free("a\u{0}b\u{7F}c\u{2067}d\te\nf") == "a<span class=\"ctl\">U+0000</span>b<span class=\"ctl\">U+007F</span>c<span class=\"ctl\">U+2067</span>d\te\nf")
        #expect(free("Tiếng Việt <3") == "Tiếng Việt &lt;3")
    }

    /// The engine escapes whole characters: a quote with a combining mark on it is one character
    /// that is not a quote to it. An exhibit's label in its attribute is escaped all the same.
    @Test func aQuoteWithACombiningMarkInALabelStaysInsideItsAttribute() throws {
        let label = "Q\"\u{301} data-exhibit=\"X\"\u{301}'\u{301}<\u{301}&\u{301}"
        let mark = ReportTemplates.shared.render(ReportView.Mark(exhibit: AttributeText(label), sha256: nil), "mark")
        #expect(mark == " data-exhibit=\"Q&quot;\u{301} data-exhibit=&quot;X&quot;\u{301}&#39;\u{301}&lt;\u{301}&amp;\u{301}\"")
        let c = try ReportCase()
        defer { c.remove() }
        try c.store.addDevice(DeviceSpec(label: label, type: .device(.phone), parent: "SZ-1"), by: "clerk1")
        let exhibits = try CourtReport.exhibitHashes(html: try c.html())
        #expect(exhibits[label] == [])
        #expect(exhibits["X"] == nil)
    }

    /// The views' values (the full report's and the summary's) give the templates their members
    /// by name instead of the engine's reflection (CourtReportView.swift); a member left out would
    /// print as nothing.
    @Test func everyViewValueGivesTheTemplatesAllItsMembers() throws {
        let c = try ReportCase()
        defer { c.remove() }
        let content = try ReportContent(store: c.store, items: nil)
        let view = ReportView(content: content, language: .en, tool: ReportCase.tool,
                              verification: ReportCase.verification, time: Date(timeIntervalSince1970: 1_790_000_000))
        var types = Set<String>()
        func check(_ value: Any) {
            let mirror = Mirror(reflecting: value)
            let type = String(reflecting: Swift.type(of: value))
            if type.hasPrefix("Export.") {
                types.insert(type)
                guard let parent = value as? MustacheParent else {
                    Issue.record("\(type) does not give its members by name")
                    return
                }
                for case let (name?, member) in mirror.children {
                    let memberMirror = Mirror(reflecting: member)
                    let isNil = memberMirror.displayStyle == .optional && memberMirror.children.isEmpty
                    #expect((parent.child(named: name) == nil) == isNil, "\(type).\(name)")
                }
            }
            for member in mirror.children { check(member.value) }
        }
        check(view)
        // The sections the renderer asks the builder for, a few at a time.
        let builder = ReportViewBuilder(content: content, wording: ReportWording(.en, timeZone: content.caseRecord.timeZone))
        try builder.forEachExhibit { check($0) }
        try builder.forEachSMSRead { check($0) }
        #expect(types.count >= 30, "\(types.sorted())")
        types = []
        check(SummaryView(statistics: try c.store.reportStatistics(), caseRecord: c.store.caseRecord, examiners: try c.store.examiners(),
                          language: .en, tool: ReportCase.tool, verification: ReportCase.verification, time: Date(timeIntervalSince1970: 1_790_000_000)))
        #expect(types.contains("Export.ReportChart") && types.contains("Export.SummaryView.DeviceRow"), "\(types.sorted())")
    }
}

/// The report's escaping (`ReportHTML`) is the engine's HTML escaping, byte for byte, and
/// escapes a quote that carries a combining mark, which the engine leaves.
@Suite struct ReportHTMLTests {
    @Test func theReportsEscapingIsTheEnginesAndSaferWithCombiningMarks() throws {
        struct Value { let x: String }
        let engine = try MustacheTemplate(string: "{{x}}")
        for text in ["", "plain", "Tiếng Việt", "<a href='x'>&\"", "&&<<>>\"\"''", "🙂 <b> 🙂", "a\u{0}b", String(repeating: "x<", count: 500)] {
            #expect(ReportHTML().escapeText(text) == engine.render(["x": text]), "\(text)")
        }
        let quoteWithMark = "\u{22}\u{301}"
        let engineLeaves = engine.render(["x": quoteWithMark])
        #expect(engineLeaves == quoteWithMark, "the engine leaves a quote with a combining mark")
        let marked = ["\u{22}", "<", "'", "&", ">"].map { $0 + "\u{301}" }.joined()
        let escaped = ReportHTML().escapeText(marked)
        #expect(escaped == "&quot;\u{301}&lt;\u{301}&#39;\u{301}&amp;\u{301}&gt;\u{301}")
        let bridged = NSString(string: "<ü>") as String
        #expect(ReportHTML().escapeText(bridged) == "&lt;ü&gt;")
    }

    /// Every report template is parsed with the report's escaping: a value in a template
    /// escapes a quote with a combining mark.
    @Test func theReportTemplatesEscapeWithIt() {
        let rendered = ReportTemplates.shared.render(ReportView.FreeText("\u{22}\u{301}<"), "free")
        #expect(rendered == "&quot;\u{301}&lt;")
    }
}
