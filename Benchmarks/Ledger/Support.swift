import BenchmarkSupport
import Foundation

/// Runs `body` and returns the seconds it took (`ContinuousClock`).
@inline(never)
func timed(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    return seconds(clock.now - start)
}


/// A rate measured several times (one value per batch or round).
struct Rate: Encodable {
    /// Operations per second: the median of `samples`.
    var perSecond: Double
    var min: Double
    var max: Double
    var samples: [Double]

    init(_ samples: [Double]) {
        self.samples = samples
        perSecond = median(samples)
        min = samples.min() ?? 0
        max = samples.max() ?? 0
    }
}

/// Deterministic filler bytes (xorshift), so runs hash and sign the same inputs.
struct Filler {
    var state: UInt64
    init(seed: UInt64) { state = seed | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
}


/// Thousands-grouped integer rate.
func fmtRate(_ v: Double) -> String {
    let n = Int(v.rounded())
    let s = String(n)
    var out = ""
    for (i, c) in s.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { out.append(" ") }
        out.append(c)
    }
    return String(out.reversed())
}
