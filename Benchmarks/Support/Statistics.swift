import Foundation

/// Statistics, formatting, messages and option parsing shared by the benchmarks (Scripts/bench, Scripts/bench-ledger, Scripts/bench-registry).

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

/// The benchmark's program name (id-read-bench, ledger-bench, registry-bench), for its messages.
let programName = CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent } ?? "bench"

/// Prints `program: message` on standard error and exits with status 1.
public func fail(_ message: String) -> Never {
    note(message)
    exit(1)
}

/// Prints `program: message` on standard error (progress, beside the results on standard output).
public func note(_ message: String) {
    FileHandle.standardError.write(Data("\(programName): \(message)\n".utf8))
}

/// The benchmarks' option parsing: the next argument, an option's value, a count.
public struct OptionReader {
    private let arguments: [String]
    private var index = 0
    private let usage: String

    public init(_ arguments: [String], usage: String) {
        self.arguments = arguments
        self.usage = usage
    }

    /// The next argument, nil after the last.
    public mutating func next() -> String? {
        guard index < arguments.count else { return nil }
        defer { index += 1 }
        return arguments[index]
    }

    /// The value after option `name`; fails, with the usage, when there is none.
    public mutating func value(_ name: String) -> String {
        guard let v = next() else { fail("\(name) needs a value\n\(usage)") }
        return v
    }

    /// A comma-separated list of positive numbers after option `name` (the benchmarks' `--scales`).
    public mutating func positiveNumbers(_ name: String) -> [Double] {
        let list = value(name).split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ ($0 ?? 0) > 0 }) else { fail("\(name) needs positive numbers, e.g. 1,10 or 0.05") }
        return list.map { $0! }
    }

    /// A whole number ≥ 0 after option `name` (a generator seed).
    public mutating func seed(_ name: String) -> UInt64 {
        guard let s = UInt64(value(name)) else { fail("\(name) needs a whole number ≥ 0") }
        return s
    }

    /// A whole number ≥ `minimum` after option `name`.
    public mutating func count(_ name: String, minimum: Int) -> Int {
        integer(value(name), name, minimum: minimum)
    }

    /// Whether the next argument is there and is not an option (for options taking several values).
    public var operandFollows: Bool {
        index < arguments.count && !arguments[index].hasPrefix("--")
    }

    /// `text` (a value of option `name`) as a whole number ≥ `minimum`.
    public func integer(_ text: String, _ name: String, minimum: Int) -> Int {
        guard let n = Int(text), n >= minimum else { fail("\(name) must be an integer ≥ \(minimum), not \"\(text)\"") }
        return n
    }

    /// Ends the program on an argument no case handled.
    public func unknown(_ argument: String) -> Never {
        fail("unknown argument \(argument)\n\(usage)")
    }
}
