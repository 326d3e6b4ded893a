import CaseStore
import Foundation
import Hummingbird
import NIOPosix
import Workbench

/// The dashboard's batch panel as Server-Sent Events (`GET /events/batch`, docs/DESK.md): one
/// `batch` event at once, then one each time the panel changes. The stream looks at the ledger
/// head every `interval`: the panel is computed again when the head moved (a read was stored,
/// on this station or another) and, while a batch counts as running, at least every
/// `refreshAfter` (so that a batch that stopped turns idle). A comment line every
/// `keepAlive` keeps proxies from closing a quiet stream.
struct BatchStream: Sendable {
    let store: CaseStore
    let writer: PageWriter
    var interval: Duration = .seconds(1)
    var refreshAfter: Duration = .seconds(10)
    var keepAlive: Duration = .seconds(15)

    /// The response body: runs until the browser goes away (the write fails) or the server stops.
    func body() -> ResponseBody {
        ResponseBody { [self] writer in
            var shown: BatchPanel? = nil
            var lastHead: Int64 = -1
            var computedAt = ContinuousClock.now, wroteAt = ContinuousClock.now
            while !Task.isCancelled {
                let head = try await blocking { try store.ledgerHead() }
                let stale = shown?.running == true && ContinuousClock.now - computedAt >= refreshAfter
                if head != lastHead || stale {
                    let activity = try await blocking { try BatchActivity(of: store) }
                    let panel = BatchPanel(activity, self.writer)
                    lastHead = head
                    computedAt = .now
                    if panel != shown {
                        try await writer.write(ByteBuffer(bytes: try BatchStream.event(panel)))
                        shown = panel
                        wroteAt = .now
                    }
                }
                if ContinuousClock.now - wroteAt >= keepAlive {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    wroteAt = .now
                }
                try await Task.sleep(for: interval)
            }
            try await writer.finish(nil)
        }
    }

    /// One event: `event: batch`, the panel as one line of JSON, a blank line.
    static func event(_ panel: BatchPanel) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array("event: batch\ndata: ".utf8) + Array(try encoder.encode(panel)) + Array("\n\n".utf8)
    }

    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
