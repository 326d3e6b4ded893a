@testable import Export
import Ledger
import Testing

@Suite struct ProofFileTests {
    static let hashes = (0..<5).map { SHA256Hash.of([UInt8($0)]) }

    @Test func readsBackEveryLineItWrites() throws {
        for (index, count) in [(0, 0), (7, 1), (123_456_789, 5)] {
            let line = ProofFile.line(index: index, hashes: Array(Self.hashes.prefix(count)))
            let parsed = try #require(ProofFile.parse(line))
            #expect(parsed.index == index)
            #expect(parsed.hashes == Array(Self.hashes.prefix(count)))
        }
    }

    /// One text per proof: whatever a changed byte leaves parseable is written back byte for byte.
    @Test func acceptsOnlyTheCanonicalForm() {
        let line = ProofFile.line(index: 42, hashes: Array(Self.hashes.prefix(2)))
        for i in line.indices {
            for replacement in Array(" 0=A+/,]}\"x".utf8) + [line[i] ^ 0x01] where replacement != line[i] {
                var changed = line
                changed[i] = replacement
                if let parsed = ProofFile.parse(changed) {
                    #expect(ProofFile.line(index: parsed.index, hashes: parsed.hashes) == changed, "byte \(i) → \(replacement)")
                }
            }
        }
        for text in [#"{"hashes":[],"index":007}"#, #"{"hashes":[],"index":-1}"#, #"{"hashes":[],"index":}"#,
                     #"{"index":1,"hashes":[]}"#, #"{"hashes":[],"index":1} "#, #"{"hashes":[] ,"index":1}"#,
                     #"{"hashes":[],"index":1,"x":1}"#, #"{"hashes":[],"index":1234567890123456789}"#] {
            #expect(ProofFile.parse(Array(text.utf8)) == nil, "\(text)")
        }
        #expect(ProofFile.parse(Array(#"{"hashes":[],"index":0}"#.utf8))?.index == 0)
    }
}
