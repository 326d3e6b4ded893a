extension TrueTypeFont {
    /// The tables a subset keeps: what a PDF reader needs to draw glyphs by glyph id (no cmap:
    /// a PDF's CIDToGIDMap names glyphs directly) and the hinting programs the kept glyphs' own
    /// instructions call (cvt, fpgm, prep). Names, layout and other tables are left out.
    static let subsetTables = ["cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "prep"]

    /// `glyphs`, .notdef (glyph 0) and every glyph a composite among them is built from.
    public func closure(of glyphs: Set<UInt16>) -> Set<Int> {
        var kept = Set<Int>()
        var pending = [0] + glyphs.map(Int.init).filter { $0 < glyphCount }
        while let glyph = pending.popLast() {
            guard kept.insert(glyph).inserted else { continue }
            pending += components(of: glyph)
        }
        return kept
    }

    /// A font file with the outlines of `glyphs` (and of `closure(of:)`) only: every other glyph
    /// keeps its id and advance width but has no outline, so glyph ids, and a PDF's text that
    /// names them, stay valid. Tables in tag order and 4-byte aligned, every
    /// table checksum and head's checkSumAdjustment recomputed. The same glyphs give the same bytes.
    public func subset(keeping glyphs: Set<UInt16>) -> [UInt8] {
        let kept = closure(of: glyphs)
        var glyf = [UInt8](), offsets = [Int]()
        for glyph in 0..<glyphCount {
            offsets.append(glyf.count)
            guard kept.contains(glyph) else { continue }
            glyf += outline(glyph)
            while glyf.count % 4 != 0 { glyf.append(0) }
        }
        offsets.append(glyf.count)
        // Short offsets (half the offset, two bytes) while they reach, as they do for a few glyphs.
        let short = glyf.count / 2 <= Int(UInt16.max)
        let loca = offsets.flatMap { short ? bigEndian(UInt16($0 / 2)) : bigEndian(UInt32($0)) }
        var head = [UInt8](table("head")!)
        head.replaceSubrange(8..<12, with: [0, 0, 0, 0])  // checkSumAdjustment, set below
        head.replaceSubrange(50..<52, with: [0, short ? 0 : 1])  // indexToLocFormat
        var contents: [(tag: String, bytes: [UInt8])] = Self.subsetTables.compactMap { tag in
            switch tag {
            case "glyf": (tag, glyf)
            case "loca": (tag, loca)
            case "head": (tag, head)
            default: table(tag).map { (tag, [UInt8]($0)) }
            }
        }
        contents.sort { $0.tag < $1.tag }

        let count = contents.count
        let power = 1 << (Int.bitWidth - 1 - count.leadingZeroBitCount)
        var file = bigEndian(UInt32(0x0001_0000)) + bigEndian(UInt16(count)) + bigEndian(UInt16(power * 16))
            + bigEndian(UInt16(power.trailingZeroBitCount)) + bigEndian(UInt16(count * 16 - power * 16))
        var body = [UInt8](), headOffset = 0
        let bodyStart = file.count + 16 * count
        for (tag, bytes) in contents {
            if tag == "head" { headOffset = bodyStart + body.count }
            file += Array(tag.utf8) + bigEndian(Self.checksum(bytes)) + bigEndian(UInt32(bodyStart + body.count)) + bigEndian(UInt32(bytes.count))
            body += bytes
            while body.count % 4 != 0 { body.append(0) }
        }
        file += body
        file.replaceSubrange(headOffset + 8..<headOffset + 12, with: bigEndian(0xB1B0_AFBA &- Self.checksum(file)))
        return file
    }

    /// The TrueType checksum: the sum of the big-endian 32-bit words, the last one zero-padded.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var sum: UInt32 = 0
        var index = 0
        while index < bytes.count {
            var word: UInt32 = 0
            for byte in 0..<4 { word = word << 8 | UInt32(index + byte < bytes.count ? bytes[index + byte] : 0) }
            sum = sum &+ word
            index += 4
        }
        return sum
    }
}

func bigEndian<Integer: FixedWidthInteger>(_ value: Integer) -> [UInt8] {
    (0..<Integer.bitWidth / 8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}
