import CaseStore
import Foundation
import Ledger
import Mustache
import Wording

extension CourtReport {
    /// The summary report printed to report.pdf (docs/REPORT.md "The summary report"): the case,
    /// the examiners and the method as in report.html, then counts and charts, the custody chain
    /// of each seized system with one row per device in it, the SMS found per device, and how
    /// to verify. Counted by `CaseStore.reportStatistics()`: its size follows the number of
    /// devices and days, not of SIMs, and every figure names the bundle CSV it comes from.
    public static func summary(store: CaseStore, language: Language, tool: ToolIdentity,
                               verification: ReportVerificationFacts, time: Date) throws(CaseStoreError) -> String {
        let statistics = try store.reportStatistics()
        var view = SummaryView(statistics: statistics, caseRecord: store.caseRecord, examiners: try store.examiners(),
                               language: language, tool: tool, verification: verification, time: time)
        if try store.messageCount() > 0 {
            view.campaigns = SummaryView.CampaignSection(try MessageAnalysis(store: store, selection: MessageSelection(below: Int64(verification.ledgerSize))),
                                                         wording: ReportWording(language, timeZone: store.caseRecord.timeZone), language: language)
        }
        return ReportTemplates.shared.render(view, "summary-page")
    }
}

/// What summary-page.mustache shows. The front sections and "How to verify" are the full
/// report's (`ReportView.Front`, `ReportView.VerificationView`), under the same names.
struct SummaryView {
    typealias V = ReportView
    let format = CourtReport.format
    let lang: String
    let t: [String: Any]
    let front: V.Front
    // The full report's summary table, under the names its partial `summary` reads.
    let typeCounts: [V.CountRow]
    let shownItemCount: String
    let stateCounts: [V.CountRow]
    let simCount: String
    let operatorCounts: [V.CountRow]
    /// "N reads without an ICCID are listed in report.html.", when there are any.
    let readsWithoutICCID: String?
    let charts: [ReportChart]
    let systems: [SystemSection]
    let sms: SMSTable
    /// The spam campaigns among the case's messages; nil when the case holds no message.
    var campaigns: CampaignSection?
    let verification: V.VerificationView

    /// The campaigns table and its two charts (docs/REPORT.md, "Spam campaigns").
    struct CampaignSection {
        struct Row { let number: String; let category: String; let words: String; let size: String; let first: String; let last: String; let through: String; let example: String }
        let rows: [Row]
        let charts: [ReportChart]
        let none: Bool

        /// Campaigns a chart shows as series (the largest; every campaign is a row of the table).
        static let chartedCampaigns = 8

        init(_ analysis: MessageAnalysis, wording: ReportWording, language: Language) {
            let catalog = wording.catalog
            let outputs = analysis.campaignsOutput.campaigns
            func category(_ raw: String) -> String {
                switch raw {
                case "gambling": catalog.text("report.campaigns.gambling")
                case "loan": catalog.text("report.campaigns.loan")
                case "fake_documents": catalog.text("report.campaigns.fake_documents")
                case "phishing": catalog.text("report.campaigns.phishing")
                default: catalog.text("report.campaigns.other")
                }
            }
            rows = outputs.map { c in
                Row(number: "#\(c.number)", category: category(c.category), words: c.categoryWords.joined(separator: ", "), size: wording.number(c.size),
                    first: c.firstTime ?? "", last: c.lastTime ?? "", through: (c.boxes + c.phones).joined(separator: ", "), example: c.representativeText)
            }
            none = outputs.isEmpty
            let charted = Array(outputs.prefix(Self.chartedCampaigns))
            let series = charted.map { "#\($0.number) \(category($0.category))" }
            var charts = [ReportChart]()
            let perDay = analysis.membersPerDay
            let days = Set(charted.flatMap { perDay[$0.number]?.keys.map { $0 } ?? [] }).sorted()
            if !days.isEmpty {
                charts.append(ReportChart(title: catalog.text("report.campaigns.per-day"), categoryName: catalog.text("report.campaigns.day"),
                                          valueName: catalog.text("report.campaigns.size"), series: series,
                                          categories: days.map { day in .init(label: day, values: charted.map { perDay[$0.number]?[day] ?? 0 }) },
                                          source: .init(file: BundleLayout.messages, column: "time"), orientation: .vertical, language: language))
            }
            let perDevice = analysis.membersPerBoxOrPhone
            let devices = Set(charted.flatMap { perDevice[$0.number]?.keys.map { $0 } ?? [] }).sorted { $0.compare($1, options: .numeric) == .orderedAscending }
            if !devices.isEmpty {
                charts.append(ReportChart(title: catalog.text("report.campaigns.by-device"), categoryName: catalog.text("report.campaigns.device"),
                                          valueName: catalog.text("report.campaigns.size"), series: series,
                                          categories: devices.map { d in .init(label: d, values: charted.map { perDevice[$0.number]?[d] ?? 0 }) },
                                          source: .init(file: BundleLayout.campaigns, column: "boxes, phones, members"), orientation: .horizontal, language: language))
            }
            self.charts = charts
        }
    }

    /// A seizure or system with its own custody entries and its devices, one row each.
    struct SystemSection {
        let label: String
        let type: String
        let hasEntries: Bool
        let entries: [EntryRow]
        let hasDevices: Bool
        let devices: [DeviceRow]
    }
    struct EntryRow { let seq: Int64; let time: V.TimeView; let examiner: String; let action: String; let seal: String? }
    struct DeviceRow {
        let label: String
        let type: String
        let parent: String
        let sims: String
        let read: String
        let pinLocked: String
        let unreadable: String
        let notRead: String
        /// "#12 custody.seal S-0042, #40 custody.transfer": entry numbers, actions and seal numbers, in ledger order.
        let entries: String
    }
    struct SMSTable { let summary: String; let rows: [SMSRow]; let total: SMSRow }
    struct SMSRow { let label: String; let simsRead: String; let used: String; let residue: String }

    /// Devices a chart of SIMs per device shows: those holding the most (the table of each system has them all).
    static let chartedDevices = 30

    init(statistics s: ReportStatistics, caseRecord: CaseRecord, examiners: [ExaminerRecord], language: Language,
         tool: ToolIdentity, verification: ReportVerificationFacts, time: Date) {
        let wording = ReportWording(language, timeZone: caseRecord.timeZone)
        let catalog = wording.catalog
        let items = s.itemTypes.values.reduce(0, +)
        lang = language.rawValue
        t = catalog.templateWords()
        front = V.Front(caseRecord: caseRecord, examiners: examiners, wording: wording, tool: tool, time: time, requested: nil,
                        coverage: wording.coverage(items: items, selected: false))
        typeCounts = s.itemTypes.keys.sorted { $0.rawValue < $1.rawValue }.map { V.CountRow(name: wording.typeName($0), count: wording.number(s.itemTypes[$0]!)) }
        shownItemCount = wording.number(items)
        stateCounts = SIMStatus.State.allCases.map { V.CountRow(name: wording.stateName($0), count: wording.number(s.states[$0])) }
        simCount = wording.number(s.states.total)
        operatorCounts = s.operators.keys.sorted().map { V.CountRow(name: $0, count: wording.number(s.operators[$0]!.total)) }
        readsWithoutICCID = s.readsWithoutICCID == 0 ? nil : catalog.count("report.statistics.reads-without-iccid", s.readsWithoutICCID)

        let states = SIMStatus.State.allCases
        let stateNames = states.map(wording.stateName)
        func byState(_ counts: ReportStatistics.StateCounts) -> [Int] { states.map { counts[$0] } }
        let inventoryState = ReportChart.Source(file: BundleLayout.inventory, column: "state")
        var charts = [ReportChart]()
        charts.append(ReportChart(title: catalog.text("report.statistics.states"), categoryName: catalog.text("report.statistics.state"),
                                  valueName: catalog.text("report.summary.sims"), series: [catalog.text("report.summary.sims")],
                                  categories: states.map { .init(label: wording.stateName($0), values: [s.states[$0]]) },
                                  source: inventoryState, orientation: .horizontal, language: language))
        charts.append(ReportChart(title: catalog.text("report.statistics.operators"), categoryName: catalog.text("report.summary.operator"),
                                  valueName: catalog.text("report.summary.sims"), series: stateNames,
                                  categories: s.operators.keys.sorted().map { .init(label: $0, values: byState(s.operators[$0]!)) },
                                  source: .init(file: BundleLayout.inventory, column: "operator, state"), orientation: .horizontal, language: language))
        let holders = s.devices.filter { $0.sims.total > 0 }
        let charted = holders.sorted { $0.sims.total != $1.sims.total ? $0.sims.total > $1.sims.total : $0.label.compare($1.label, options: .numeric) == .orderedAscending }
            .prefix(Self.chartedDevices)
        if !charted.isEmpty {
            charts.append(ReportChart(title: holders.count > charted.count ? catalog.count("report.statistics.devices-most", charted.count) : catalog.text("report.statistics.devices"),
                                      categoryName: catalog.text("report.statistics.device"), valueName: catalog.text("report.summary.sims"), series: stateNames,
                                      categories: charted.map { .init(label: $0.label, values: byState($0.sims)) },
                                      source: .init(file: BundleLayout.inventory, column: "parent, state"), orientation: .horizontal, language: language))
        }
        if !s.readsPerDay.isEmpty {
            charts.append(ReportChart(title: catalog.text("report.statistics.reads-per-day"), categoryName: catalog.text("report.statistics.day"),
                                      valueName: catalog.text("report.statistics.reads"),
                                      series: [catalog.text("report.statistics.complete"), catalog.text("report.statistics.incomplete")],
                                      categories: s.readsPerDay.keys.sorted().map { .init(label: $0, values: [s.readsPerDay[$0]!.complete, s.readsPerDay[$0]!.incomplete]) },
                                      source: .init(file: BundleLayout.custody, column: "time, action"), orientation: .vertical, language: language))
        }
        if s.states.total > 0 {
            charts.append(ReportChart(title: catalog.text("report.statistics.issuers"), categoryName: catalog.text("report.statistics.issuer-prefix"),
                                      valueName: catalog.text("report.summary.sims"), series: [catalog.text("report.summary.sims")],
                                      categories: s.issuerPrefixes.keys.sorted().map { .init(label: $0.isEmpty ? catalog.text("report.statistics.no-iccid") : $0, values: [s.issuerPrefixes[$0]!]) },
                                      source: .init(file: BundleLayout.inventory, column: "iccid"), orientation: .horizontal, language: language))
        }
        self.charts = charts

        // Sections: each seizure and system (and any root); every other device is a row of the section above it.
        var systems = [SystemSection]()
        var current: (device: ReportStatistics.Device, rows: [DeviceRow])?
        func close() {
            guard let (device, rows) = current else { return }
            systems.append(SystemSection(label: device.label, type: wording.typeName(device.type), hasEntries: !device.entries.isEmpty, entries: device.entries.map { e in
                EntryRow(seq: e.seq, time: V.TimeView(utc: e.time.description, local: wording.localTime(e.time.date)), examiner: e.examiner,
                         action: e.action.rawValue, seal: e.seal)
            }, hasDevices: !rows.isEmpty, devices: rows))
        }
        for device in s.devices {
            if device.depth == 0 || device.type.deviceType == .seizure || device.type.deviceType == .system {
                close()
                current = (device, [])
            } else {
                current?.rows.append(DeviceRow(label: device.label, type: wording.typeName(device.type), parent: device.parent ?? "",
                                               sims: wording.number(device.sims.total), read: wording.number(device.sims[.read]),
                                               pinLocked: wording.number(device.sims[.pinLocked]), unreadable: wording.number(device.sims[.unreadable]),
                                               notRead: wording.number(device.sims[.notRead]),
                                               entries: device.entries.map { ["#\($0.seq)", $0.action.rawValue, $0.seal].compactMap { $0 }.joined(separator: " ") }
                                                   .joined(separator: ", ")))
            }
        }
        close()
        self.systems = systems

        sms = SMSTable(summary: wording.smsSummary(simsRead: s.sms.simsRead, used: s.sms.used, residue: s.sms.residue),
                       rows: s.devices.filter { $0.sms.simsRead > 0 }.map {
                           SMSRow(label: $0.label, simsRead: wording.number($0.sms.simsRead), used: wording.number($0.sms.used), residue: wording.number($0.sms.residue))
                       },
                       total: SMSRow(label: "", simsRead: wording.number(s.sms.simsRead), used: wording.number(s.sms.used), residue: wording.number(s.sms.residue)))
        self.verification = V.VerificationView(verification, wording: wording)
    }
}

// The summary's values give the templates their members by name, as the full report's do
// (CourtReportView.swift); CourtReportTests checks that none is left out.
extension SummaryView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "format": format; case "lang": lang; case "t": t; case "front": front
        case "typeCounts": typeCounts; case "shownItemCount": shownItemCount; case "stateCounts": stateCounts
        case "simCount": simCount; case "operatorCounts": operatorCounts; case "readsWithoutICCID": readsWithoutICCID
        case "charts": charts; case "systems": systems; case "sms": sms; case "campaigns": campaigns; case "verification": verification
        default: front.child(named: name)
        }
    }
}
extension SummaryView.SystemSection: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label; case "type": type; case "hasEntries": hasEntries; case "entries": entries
        case "hasDevices": hasDevices; case "devices": devices
        default: nil
        }
    }
}
extension SummaryView.EntryRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "seq": seq; case "time": time; case "examiner": examiner; case "action": action; case "seal": seal; default: nil }
    }
}
extension SummaryView.DeviceRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label; case "type": type; case "parent": parent; case "sims": sims; case "read": read
        case "pinLocked": pinLocked; case "unreadable": unreadable; case "notRead": notRead; case "entries": entries
        default: nil
        }
    }
}
extension SummaryView.SMSTable: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "summary": summary; case "rows": rows; case "total": total; default: nil }
    }
}
extension SummaryView.SMSRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "label": label; case "simsRead": simsRead; case "used": used; case "residue": residue; default: nil }
    }
}
extension SummaryView.CampaignSection: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "rows": rows; case "charts": charts; case "none": none; default: nil }
    }
}
extension SummaryView.CampaignSection.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "number": number; case "category": category; case "words": words; case "size": size; case "first": first
        case "last": last; case "through": through; case "example": example
        default: nil
        }
    }
}
