import Foundation
import Mustache
import Wording

/// A bar chart for the report's documents, drawn as inline SVG by the partial `chart`
/// (Resources/report/chart.mustache): no script, no markup in Swift, every label escaped by the
/// template engine, the report's fonts (DejaVu Sans, from style.css). The numbers are text as
/// well as bars: printed at each bar and in a table under the chart, so that `pdftotext` and a
/// reader who cannot see the picture get every figure, and a footnote names the bundle CSV file
/// and column each figure is counted from (docs/REPORT.md "Charts").
///
/// A template shows a chart with `{{#chart}}{{>chart}}{{/chart}}`; the partial reads the report
/// catalog's words as `t` from the page around it. Bars are stacked when there are several series.
public struct ReportChart: Sendable {
    public enum Orientation: Sendable {
        /// One row per category, bars growing to the right: long labels, many categories.
        case horizontal
        /// One column per category, bars growing up: a time line (reads per day).
        case vertical
    }

    /// One bar: what it counts and one value per series, stacked in series order.
    public struct Category: Sendable {
        public var label: String
        public var values: [Int]
        public init(label: String, values: [Int]) {
            self.label = label
            self.values = values
        }
    }

    /// Where the chart's figures come from: a file of the bundle and the column counted there.
    public struct Source: Sendable {
        public var file: String
        public var column: String
        public init(file: String, column: String) {
            self.file = file
            self.column = column
        }
    }

    // What the partial prints, given to it by name (`child(named:)`, below).
    let title: String
    let categoryName: String
    let valueName: String
    let source: Source
    let width: String
    let height: String
    let bars: [Bar]
    let labels: [Text]
    let values: [Text]
    let grid: [Tick]
    let axis: Line
    let legend: [LegendEntry]
    let hasSeriesColumns: Bool
    let seriesNames: [String]
    let rows: [Row]
    let total: Row

    struct Bar { let x: String; let y: String; let width: String; let height: String; let series: Int; let tooltip: String }
    struct Text { let x: String; let y: String; let text: String; let anchor: String; let rotated: Bool }
    struct Line { let x1: String; let y1: String; let x2: String; let y2: String }
    struct Tick { let line: Line; let label: Text }
    struct LegendEntry { let x: String; let y: String; let textX: String; let textY: String; let series: Int; let name: String }
    struct Row { let label: String; let cells: [String]; let total: String }

    /// Colours the style sheet defines for series (`.series-0` …); later series reuse them.
    static let seriesColours = 8

    /// A chart of `categories` in their order. `series` names the stacked parts of each bar
    /// (one name: a plain bar chart, no legend); `categoryName` heads the table's first column
    /// and `valueName` its total (e.g. "Operator", "SIMs"). Numbers are written in `language`.
    public init(title: String, categoryName: String, valueName: String, series: [String], categories: [Category],
                source: Source, orientation: Orientation, language: Language) {
        let catalog = Catalog.of(language)
        self.title = title
        self.categoryName = categoryName
        self.valueName = valueName
        self.source = source
        let totals = categories.map { $0.values.reduce(0, +) }
        let scale = AxisScale(maximum: totals.max() ?? 0)
        let multiple = series.count > 1
        hasSeriesColumns = multiple
        seriesNames = series
        rows = zip(categories, totals).map { category, total in
            Row(label: category.label, cells: multiple ? category.values.map(catalog.number) : [], total: catalog.number(total))
        }
        let seriesTotals = series.indices.map { index in categories.reduce(0) { $0 + (index < $1.values.count ? $1.values[index] : 0) } }
        total = Row(label: "", cells: multiple ? seriesTotals.map(catalog.number) : [], total: catalog.number(totals.reduce(0, +)))

        let layout = ChartLayout(orientation: orientation, categories: categories.map(\.label),
                                 valueWidth: totals.map { catalog.number($0).count }.max() ?? 1, legend: multiple ? series : [])
        width = Self.coordinate(layout.width)
        height = Self.coordinate(layout.height)
        legend = layout.legendPositions.enumerated().map { index, point in
            LegendEntry(x: Self.coordinate(point.x), y: Self.coordinate(point.y),
                        textX: Self.coordinate(point.x + ChartLayout.legendSwatch + 3), textY: Self.coordinate(point.y + ChartLayout.legendSwatch - 1),
                        series: index % Self.seriesColours, name: series[index])
        }

        var bars = [Bar]()
        var labels = [Text]()
        var values = [Text]()
        for (index, category) in categories.enumerated() {
            let slot = layout.slot(index)
            var start = 0
            for (part, value) in category.values.enumerated() where value > 0 {
                let from = layout.length(start, of: scale), to = layout.length(start + value, of: scale)
                let name = multiple && part < series.count ? "\(category.label), \(series[part]): \(catalog.number(value))" : "\(category.label): \(catalog.number(value))"
                switch orientation {
                case .horizontal:
                    bars.append(Bar(x: Self.coordinate(layout.plot.minX + from), y: Self.coordinate(slot.start),
                                    width: Self.coordinate(to - from), height: Self.coordinate(slot.size), series: part % Self.seriesColours, tooltip: name))
                case .vertical:
                    bars.append(Bar(x: Self.coordinate(slot.start), y: Self.coordinate(layout.plot.maxY - to),
                                    width: Self.coordinate(slot.size), height: Self.coordinate(to - from), series: part % Self.seriesColours, tooltip: name))
                }
                start += value
            }
            let end = layout.length(totals[index], of: scale)
            let shown = ChartLayout.shortened(category.label)
            switch orientation {
            case .horizontal:
                let middle = slot.start + slot.size / 2 + ChartLayout.fontSize / 3
                labels.append(Text(x: Self.coordinate(layout.plot.minX - 4), y: Self.coordinate(middle), text: shown, anchor: "end", rotated: false))
                values.append(Text(x: Self.coordinate(layout.plot.minX + end + 3), y: Self.coordinate(middle), text: catalog.number(totals[index]), anchor: "start", rotated: false))
            case .vertical:
                let middle = slot.start + slot.size / 2
                labels.append(Text(x: Self.coordinate(middle + ChartLayout.fontSize / 3), y: Self.coordinate(layout.plot.maxY + 6), text: shown, anchor: "end", rotated: true))
                if layout.labelsValues {
                    values.append(Text(x: Self.coordinate(middle), y: Self.coordinate(layout.plot.maxY - end - 3), text: catalog.number(totals[index]), anchor: "middle", rotated: false))
                }
            }
        }
        self.bars = bars
        self.labels = labels
        self.values = values
        grid = scale.ticks.map { tick in
            let at = layout.length(tick, of: scale)
            let text = catalog.number(tick)
            switch orientation {
            case .horizontal:
                let x = layout.plot.minX + at
                return Tick(line: Line(x1: Self.coordinate(x), y1: Self.coordinate(layout.plot.minY), x2: Self.coordinate(x), y2: Self.coordinate(layout.plot.maxY)),
                            label: Text(x: Self.coordinate(x), y: Self.coordinate(layout.plot.maxY + ChartLayout.fontSize + 3), text: text, anchor: "middle", rotated: false))
            case .vertical:
                let y = layout.plot.maxY - at
                return Tick(line: Line(x1: Self.coordinate(layout.plot.minX), y1: Self.coordinate(y), x2: Self.coordinate(layout.plot.maxX), y2: Self.coordinate(y)),
                            label: Text(x: Self.coordinate(layout.plot.minX - 4), y: Self.coordinate(y + ChartLayout.fontSize / 3), text: text, anchor: "end", rotated: false))
            }
        }
        switch orientation {
        case .horizontal:
            axis = Line(x1: Self.coordinate(layout.plot.minX), y1: Self.coordinate(layout.plot.minY), x2: Self.coordinate(layout.plot.minX), y2: Self.coordinate(layout.plot.maxY))
        case .vertical:
            axis = Line(x1: Self.coordinate(layout.plot.minX), y1: Self.coordinate(layout.plot.maxY), x2: Self.coordinate(layout.plot.maxX), y2: Self.coordinate(layout.plot.maxY))
        }
    }

    /// A coordinate with one decimal: short, and the same text on every machine.
    static func coordinate(_ value: Double) -> String { String(format: "%.1f", value) }
}

// The chart's values give the partial their members by name, as the report's view does
// (CourtReportView.swift: faster than reflection, and CourtReportTests checks every member).
extension ReportChart: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": title; case "categoryName": categoryName; case "valueName": valueName; case "source": source
        case "width": width; case "height": height; case "bars": bars; case "labels": labels; case "values": values
        case "grid": grid; case "axis": axis; case "legend": legend
        case "hasSeriesColumns": hasSeriesColumns; case "seriesNames": seriesNames; case "rows": rows; case "total": total
        default: nil
        }
    }
}
extension ReportChart.Source: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name { case "file": file; case "column": column; default: nil }
    }
}
extension ReportChart.Bar: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "x": x; case "y": y; case "width": width; case "height": height; case "series": series; case "tooltip": tooltip
        default: nil
        }
    }
}
extension ReportChart.Text: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "x": x; case "y": y; case "text": text; case "anchor": anchor; case "rotated": rotated; default: nil }
    }
}
extension ReportChart.Line: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "x1": x1; case "y1": y1; case "x2": x2; case "y2": y2; default: nil }
    }
}
extension ReportChart.Tick: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "line": line; case "label": label; default: nil }
    }
}
extension ReportChart.LegendEntry: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "x": x; case "y": y; case "textX": textX; case "textY": textY; case "series": series; case "name": self.name
        default: nil
        }
    }
}
extension ReportChart.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name { case "label": label; case "cells": cells; case "total": total; default: nil }
    }
}

/// The value axis: from 0 to a round maximum in at most about five steps of 1, 2 or 5 × 10ⁿ.
struct AxisScale {
    let maximum: Int
    let ticks: [Int]

    init(maximum value: Int) {
        guard value > 0 else {
            maximum = 1
            ticks = [0, 1]
            return
        }
        var step = 0
        var magnitude = 1
        while step == 0 {
            step = [1, 2, 5].map { $0 * magnitude }.first { value <= $0 * 5 } ?? 0
            magnitude *= 10
        }
        let steps = (value + step - 1) / step
        maximum = steps * step
        ticks = (0...steps).map { $0 * step }
    }
}

/// Where a chart's parts go, in SVG user units (CSS pixels: 1 px = 0.2646 mm in print).
struct ChartLayout {
    static let fontSize = 9.0
    /// Width of an average DejaVu Sans character at `fontSize`, for room around labels.
    static let characterWidth = 5.6
    static let legendSwatch = 8.0
    /// Longer category labels are shortened in the picture (the table under it has them whole).
    static let labelCharacters = 32
    static let rowHeight = 16.0
    static let plotHeight = 170.0
    /// Vertical charts print the value over each column up to this many columns.
    static let valuedColumns = 24

    let orientation: ReportChart.Orientation
    let width: Double
    let height: Double
    let plot: (minX: Double, minY: Double, maxX: Double, maxY: Double)
    let legendPositions: [(x: Double, y: Double)]
    let count: Int
    let labelsValues: Bool

    init(orientation: ReportChart.Orientation, categories: [String], valueWidth: Int, legend: [String]) {
        self.orientation = orientation
        count = max(categories.count, 1)
        width = 640
        let labelWidth = Double(categories.map { Self.shortened($0).count }.max() ?? 1) * Self.characterWidth + 8
        // The legend: one line of swatches and names above the plot, wrapped at the width.
        var positions = [(x: Double, y: Double)]()
        var x = 0.0, y = 2.0
        for name in legend {
            let entry = Self.legendSwatch + 3 + Double(name.count) * Self.characterWidth + 12
            if x > 0, x + entry > width { x = 0; y += Self.rowHeight }
            positions.append((x, y))
            x += entry
        }
        legendPositions = positions
        let top = legend.isEmpty ? 4.0 : y + Self.rowHeight + 4
        switch orientation {
        case .horizontal:
            let valueRoom = Double(valueWidth) * Self.characterWidth + 8
            plot = (labelWidth, top, width - valueRoom, top + Double(count) * Self.rowHeight)
            height = plot.maxY + Self.fontSize + 8
            labelsValues = true
        case .vertical:
            let tickRoom = Double(valueWidth) * Self.characterWidth + 8
            // Category labels are turned 45°: they need about 0.71 of their length below the axis.
            plot = (tickRoom, top + Self.fontSize + 4, width - 4, top + Self.fontSize + 4 + Self.plotHeight)
            height = plot.maxY + labelWidth * 0.71 + 12
            labelsValues = categories.count <= Self.valuedColumns
        }
    }

    /// The band of category `index` across the bars: where its bar starts and how thick it is.
    func slot(_ index: Int) -> (start: Double, size: Double) {
        switch orientation {
        case .horizontal:
            return (plot.minY + Double(index) * Self.rowHeight + 2.5, Self.rowHeight - 5)
        case .vertical:
            let band = (plot.maxX - plot.minX) / Double(count)
            return (plot.minX + Double(index) * band + band * 0.15, band * 0.7)
        }
    }

    /// How long a bar of `value` is on `scale`.
    func length(_ value: Int, of scale: AxisScale) -> Double {
        let full = orientation == .horizontal ? plot.maxX - plot.minX : plot.maxY - plot.minY
        return full * Double(value) / Double(scale.maximum)
    }

    static func shortened(_ label: String) -> String {
        label.count <= labelCharacters ? label : String(label.prefix(labelCharacters - 1)) + "…"
    }
}
