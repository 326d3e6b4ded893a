import ByteText
import Foundation
import Testing

@Suite struct HexTests {
    @Test func writesUpperOrLowerCase() {
        #expect(Hex.string([0x0A, 0xFF, 0x00]) == "0AFF00")
        #expect(Hex.lowercase([0x0A, 0xFF, 0x00]) == "0aff00")
        #expect(Hex.string([UInt8]()) == "")
    }

    @Test func readsPeoplesHex() {
        #expect(Hex.bytes("0aFF 00:1-2\n3\t4") == [0x0A, 0xFF, 0x00, 0x12, 0x34])
        #expect(Hex.bytes("0AF") == nil)
        #expect(Hex.bytes("0G") == nil)
    }

    @Test func readsOnlyCanonicalLowercase() {
        #expect(Hex.lowercaseBytes("0aff") == [0x0A, 0xFF])
        #expect(Hex.lowercaseBytes("0AFF") == nil)
        #expect(Hex.lowercaseBytes("0a ff") == nil)
        #expect(Hex.lowercaseBytes("0af") == nil)
    }
}

@Suite struct Base64Tests {
    @Test func roundTripsEveryLength() {
        for count in 0..<70 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
    }

    /// The same text as Foundation's encoder for every length and many byte values, and decoded
    /// back; every one-character change of a canonical text decodes to other bytes or not at all.
    @Test func agreesWithFoundation() {
        for count in 0..<100 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 131 + count * 7) }
            let text = Base64.encode(bytes)
            #expect(text == Data(bytes).base64EncodedString(), "\(count) bytes")
            #expect(Base64.decode(bytes: Array(text.utf8)) == bytes)
        }
        let text = Array(Base64.encode([0x01, 0x02, 0x03, 0x04]).utf8)
        for i in text.indices {
            for c in Array("A/+=\n-_".utf8) where c != text[i] {
                var changed = text
                changed[i] = c
                #expect(Base64.decode(bytes: changed) != [0x01, 0x02, 0x03, 0x04])
            }
        }
    }

    /// Foundation alone accepts some of these; the canonical check refuses every one.
    @Test func refusesNonCanonicalText() {
        #expect(Base64.decode("AA==") == [0])
        #expect(Base64.decode("AB==") == nil, "non-zero unused bits, two pad characters")
        #expect(Base64.decode("AAB=") == nil, "non-zero unused bits, one pad character")
        #expect(Base64.decode("AA") == nil, "missing padding")
        #expect(Base64.decode("AA=") == nil, "short padding")
        #expect(Base64.decode("A===") == nil)
        #expect(Base64.decode("AA==AA==") == nil, "padding inside")
        #expect(Base64.decode(" AA=") == nil)
        #expect(Base64.decode("AA==\n") == nil, "line break")
        #expect(Base64.decode("Zm9v YmFy") == nil, "whitespace")
        #expect(Base64.decode("-_8=") == nil, "URL-safe alphabet")
        #expect(Base64.decode("+/8=") == [0xFB, 0xFF])
        #expect(Base64.decode("") == [])
    }
}
