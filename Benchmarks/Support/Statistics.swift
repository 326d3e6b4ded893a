import Foundation

/// Statistics and formatting shared by the benchmarks (Scripts/bench, Scripts/bench-ledger, Scripts/bench-registry).

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

/// Runs `body` and returns the seconds it took (`ContinuousClock`).
@inline(never)
public func timed(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    return seconds(clock.now - start)
}

/// Milliseconds in a `Duration`.
public func milliseconds(_ d: Duration) -> Double { seconds(d) * 1000 }

/// A number with a fixed count of decimals, for tables.
public func fmt(_ value: Double, _ decimals: Int = 2) -> String { String(format: "%.\(decimals)f", value) }
