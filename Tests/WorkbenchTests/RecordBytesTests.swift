import Foundation
import Testing
import Workbench

/// The bytes of a stored acquisition record are hashed into the ledger: their form never changes.
@Suite struct RecordBytesTests {
    struct Sample: Encodable {
        var zeta = "https://example.org/a/b"
        var alpha = [1, 2]
        var middle: String? = nil
    }

    @Test func sortedPrettyAndSlashesKept() throws {
        let text = String(decoding: try encodeJSON(Sample()), as: UTF8.self)
        #expect(text == """
            {
              "alpha" : [
                1,
                2
              ],
              "zeta" : "https://example.org/a/b"
            }
            """)
    }
}
