import BenchmarkSupport
import Foundation

/// A running `custody sim watch --json`: its reports, stamped on arrival and handed to whoever
/// waits for the reader they name, and its standard error (the "watching …" note says the
/// readers are being watched).
/// `@unchecked Sendable`: `inbox` is only touched with `condition` locked.
final class WatchProcess: @unchecked Sendable {
    struct Report: Sendable {
        var reader: String
        var outcome: String
        var iccid: String?
        var arrived: ContinuousClock.Instant
    }

    private struct Inbox {
        var reports: [String: [Report]] = [:]
        var stderr = ""
        var ready = false
        var closed = false
    }

    let child: Child
    private var inbox = Inbox()
    /// Broadcast on every report and every piece of standard error.
    private let condition = NSCondition()
    private let finished = DispatchGroup()

    init(custody: String, arguments: [String]) throws {
        child = try Child(custody, ["sim", "watch", "--json"] + arguments)
        finished.enter()
        finished.enter()
        Thread { [self] in readReports() }.start()
        Thread { [self] in readErrors() }.start()
    }

    private func readReports() {
        defer { finished.leave() }
        var buffer = Data()
        while case let chunk = child.stdout.availableData, !chunk.isEmpty {
            let now = ContinuousClock.now
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] ?? [:]
                let report = Report(reader: object["reader"] as? String ?? "", outcome: object["outcome"] as? String ?? "unparsable",
                                    iccid: object["iccid"] as? String, arrived: now)
                changing { $0.reports[report.reader, default: []].append(report) }
            }
        }
        changing { $0.closed = true }
    }

    private func readErrors() {
        defer { finished.leave() }
        while case let chunk = child.stderr.availableData, !chunk.isEmpty {
            changing { state in
                state.stderr += String(decoding: chunk, as: UTF8.self)
                if state.stderr.contains("watching ") { state.ready = true }
            }
        }
    }

    private func changing(_ change: (inout Inbox) -> Void) {
        condition.lock()
        change(&inbox)
        condition.broadcast()
        condition.unlock()
    }

    var stderr: String {
        condition.lock()
        defer { condition.unlock() }
        return inbox.stderr
    }

    /// Waits until watch says it is watching its readers.
    func waitUntilWatching(limit: Duration = .seconds(30)) throws {
        try waitFor(limit: limit, what: "the \"watching\" note") { $0.ready ? () : nil }
    }

    /// Waits for the next report about `reader`.
    func nextReport(for reader: String, limit: Duration = .seconds(30)) throws -> Report {
        try waitFor(limit: limit, what: "a report from \"\(reader)\"") { state in
            guard let first = state.reports[reader]?.first else { return nil }
            state.reports[reader]!.removeFirst()
            return first
        }
    }

    /// Re-checks `take` on every change of the inbox (one thread per reader waits at once).
    private func waitFor<T>(limit: Duration, what: String, _ take: (inout Inbox) -> T?) throws -> T {
        let deadline = Date(timeIntervalSinceNow: seconds(limit))
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let value = take(&inbox) { return value }
            if inbox.closed { throw BenchFailure("watch ended before \(what): \(inbox.stderr.split(separator: "\n").last ?? "")") }
            guard condition.wait(until: deadline) else { throw BenchFailure("no \(what) from watch within \(limit)") }
        }
    }

    /// Waits for watch to exit (after --max-cards) and for its output to be read.
    func exit() -> Child.Exit {
        let status = child.wait()
        finished.wait()
        return status
    }
}
