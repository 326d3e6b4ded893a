import Foundation

/// Command-line plumbing shared by the benchmark executables: their messages on standard error
/// (prefixed with the executable's name) and a cursor over their arguments.

/// The executable's file name (`id-read-bench`, `ledger-bench`, `batch-bench`).
let toolName = URL(fileURLWithPath: CommandLine.arguments.first ?? "bench").lastPathComponent

/// Prints `tool: message` on standard error and exits 1.
public func fail(_ message: String) -> Never {
    note(message)
    exit(1)
}

/// Prints `tool: message` on standard error (progress and warnings; results go to standard output).
public func note(_ message: String) {
    FileHandle.standardError.write(Data("\(toolName): \(message)\n".utf8))
}

/// Walks a benchmark's arguments: `next()` gives each in turn; `value` and `count` take the
/// value of the option just read. Mistakes end the program with `fail` and the usage text.
public struct ArgumentCursor {
    let arguments: [String]
    let usage: String
    var index = -1

    public init(_ arguments: [String], usage: String) {
        self.arguments = arguments
        self.usage = usage
    }

    /// The next argument, nil after the last.
    public mutating func next() -> String? {
        index += 1
        return index < arguments.count ? arguments[index] : nil
    }

    /// Whether the next argument is there and is not an option (for options taking several values).
    public var operandFollows: Bool {
        index + 1 < arguments.count && !arguments[index + 1].hasPrefix("--")
    }

    /// The value of option `name`.
    public mutating func value(_ name: String) -> String {
        guard let value = next() else { fail("\(name) needs a value\n\(usage)") }
        return value
    }

    /// The value of option `name` as a whole number ≥ `minimum`.
    public mutating func count(_ name: String, minimum: Int) -> Int {
        integer(value(name), name, minimum: minimum)
    }

    /// `text` (a value of option `name`) as a whole number ≥ `minimum`.
    public func integer(_ text: String, _ name: String, minimum: Int) -> Int {
        guard let n = Int(text), n >= minimum else { fail("\(name) needs a whole number ≥ \(minimum), not \"\(text)\"") }
        return n
    }

    /// Ends the program on an argument no case handled.
    public func unknown(_ argument: String) -> Never {
        fail("unknown argument \(argument)\n\(usage)")
    }
}
