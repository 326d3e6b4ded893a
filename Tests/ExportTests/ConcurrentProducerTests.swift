@testable import Export
import Foundation
import Testing

/// The sealed files are made beside each other (`Exporter.produceConcurrently`): every file
/// written by any producer is recorded with its hash, and when producers fail the first in
/// order is the one reported, whichever finished first.
@Suite struct ConcurrentProducerTests {
    /// A producer that writes `count` files named after it, waiting a little between them so
    /// that producers overlap.
    static func writer(_ name: String, count: Int) -> FileProducer {
        FileProducer(name: name) { _, bundle in
            for i in 0..<count {
                try bundle.write("\(name)/\(i).txt", Data("\(name) \(i)\n".utf8))
                usleep(200)
            }
        }
    }

    static func failing(_ name: String, after delay: UInt32) -> FileProducer {
        FileProducer(name: name) { _, _ in
            usleep(delay)
            throw ExportError.io("\(name) failed")
        }
    }

    @Test func everyFileOfEveryProducerIsRecordedWithItsHash() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let producers = (0..<12).map { Self.writer("producer-\($0)", count: 40) }
        let result = try Exporter.export(store: f.store, options: .init(out: f.bundle("b"), examiner: "sup1", tool: ToolIdentity(name: "custody", version: "test", build: "")),
                                         producers: producers)
        let lines = result.manifest.lines
        for p in 0..<12 {
            for i in 0..<40 {
                let path = "producer-\(p)/\(i).txt"
                #expect(lines.contains { $0.path == path && $0.sha256 == BundleLayout.sha256(Data("producer-\(p) \(i)\n".utf8)) }, "\(path)")
            }
        }
        #expect(lines.filter { $0.path.hasPrefix("producer-") }.count == 12 * 40)
    }

    @Test func theFirstFailingProducerInOrderIsReportedAndNoBundleIsWritten() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        // "early" is later in order but fails long before "first" does.
        let producers = [Self.writer("a", count: 5), Self.failing("first", after: 300_000), Self.failing("early", after: 0), Self.writer("b", count: 5)]
        #expect(throws: ExportError.io("first failed")) {
            try Exporter.export(store: f.store, options: .init(out: f.bundle("b"), examiner: "sup1", tool: ToolIdentity(name: "custody", version: "test", build: "")),
                                producers: producers)
        }
        #expect(!FileManager.default.fileExists(atPath: f.bundle("b")))
    }
}
