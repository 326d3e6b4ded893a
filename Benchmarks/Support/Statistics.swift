import Foundation

/// Statistics and formatting shared by the benchmarks (Scripts/bench, Scripts/bench-ledger, Scripts/bench-batch).

/// Linear interpolation between closest ranks (the median of an even count is the mean of the
/// two middle values). `values` need not be sorted.
public func percentile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let position = q * Double(sorted.count - 1)
    let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
    return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
}

public func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

/// Seconds in a `Duration`.
public func seconds(_ d: Duration) -> Double {
    let (s, atto) = d.components
    return Double(s) + Double(atto) / 1e18
}

/// Milliseconds in a `Duration`.
public func milliseconds(_ d: Duration) -> Double { seconds(d) * 1000 }

/// A number with a fixed count of decimals, for tables.
public func fmt(_ value: Double, _ decimals: Int = 2) -> String { String(format: "%.\(decimals)f", value) }

/// Summary statistics over durations, in milliseconds.
public struct Timing: Encodable, Sendable {
    public var samples: Int
    public var medianMs: Double
    public var p90Ms: Double
    public var minMs: Double
    public var maxMs: Double

    public init(_ durations: [Duration]) {
        self.init(milliseconds: durations.map(milliseconds))
    }

    public init(milliseconds values: [Double]) {
        let ms = values.sorted()
        samples = ms.count
        medianMs = percentile(ms, 0.5)
        p90Ms = percentile(ms, 0.9)
        minMs = ms.first ?? 0
        maxMs = ms.last ?? 0
    }
}
