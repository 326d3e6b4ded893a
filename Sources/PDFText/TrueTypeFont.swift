import Foundation

/// A TrueType font file (glyf outlines) read for embedding in a PDF: the metrics a PDF font
/// descriptor needs (head, hhea, OS/2, post, name), advance widths (hmtx), the character map
/// (cmap formats 4 and 12) and the glyph outlines (loca, glyf) that `subset(keeping:)` copies.
/// Only what a PDF needs is read; shaping tables (GSUB, GPOS, kern) are ignored, so one Unicode
/// scalar is one glyph.
public struct TrueTypeFont: Sendable {
    /// The font file as read.
    public let bytes: [UInt8]
    /// Family name (name id 1, "DejaVu Sans") and PostScript name (name id 6, "DejaVuSans-Bold").
    public let familyName: String
    public let postScriptName: String
    /// Font units per em (2048 for DejaVu).
    public let unitsPerEm: Int
    /// The bounding box of all glyphs, in font units: xMin, yMin, xMax, yMax.
    public let boundingBox: [Int]
    public let ascender: Int
    public let descender: Int
    /// Height of a capital letter in font units: OS/2 sCapHeight (version 2 and later), else the
    /// top of the outline of "H" (DejaVu's OS/2 is version 1), else the ascender.
    public let capHeight: Int
    /// Degrees counter-clockwise from vertical (post).
    public let italicAngle: Double
    /// OS/2 usWeightClass: 400 regular, 700 bold.
    public let weightClass: Int
    public let glyphCount: Int
    private let advances: [UInt16]
    private let glyphOfScalar: [UInt32: UInt16]
    private let tables: [String: Range<Int>]
    /// Where each glyph's outline lies in `bytes` (empty range: no outline, as a space).
    private let outlines: [Range<Int>]

    /// Reads the font file at `path`.
    public init(path: String) throws(FontError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        try self.init(bytes: [UInt8](data), name: path)
    }

    /// Parses `bytes`; `name` names the font in errors.
    public init(bytes: [UInt8], name: String) throws(FontError) {
        self.bytes = bytes
        let reader = ByteReader(bytes: bytes, font: name)
        let version = try reader.u32(0)
        guard version == 0x0001_0000 || version == 0x7472_7565 else { throw .malformed(font: name, "not a TrueType font (no glyf outlines)") }
        var tables = [String: Range<Int>]()
        for index in 0..<Int(try reader.u16(4)) {
            let record = 12 + 16 * index
            let tag = String(decoding: try reader.slice(record, 4), as: UTF8.self)
            let offset = Int(try reader.u32(record + 8)), length = Int(try reader.u32(record + 12))
            guard offset + length <= bytes.count else { throw .malformed(font: name, "table \(tag) runs past the end of the file") }
            tables[tag] = offset..<offset + length
        }
        for tag in ["head", "hhea", "maxp", "hmtx", "cmap", "loca", "glyf"] where tables[tag] == nil {
            throw .malformed(font: name, "no \(tag) table")
        }
        func table(_ tag: String) -> Int { tables[tag]!.lowerBound }
        self.tables = tables

        let head = table("head")
        unitsPerEm = Int(try reader.u16(head + 18))
        boundingBox = [try reader.i16(head + 36), try reader.i16(head + 38), try reader.i16(head + 40), try reader.i16(head + 42)]
        let longOffsets = try reader.i16(head + 50) == 1
        let hhea = table("hhea")
        ascender = try reader.i16(hhea + 4)
        descender = try reader.i16(hhea + 6)
        let metricCount = Int(try reader.u16(hhea + 34))
        glyphCount = Int(try reader.u16(table("maxp") + 4))
        guard unitsPerEm > 0, metricCount > 0, metricCount <= glyphCount else { throw .malformed(font: name, "bad head, hhea or maxp") }

        var advances = [UInt16]()
        for index in 0..<metricCount { advances.append(try reader.u16(table("hmtx") + 4 * index)) }
        advances += Array(repeating: advances[metricCount - 1], count: glyphCount - metricCount)
        self.advances = advances

        var capitalHeight: Int?
        if let os2 = tables["OS/2"]?.lowerBound {
            weightClass = Int(try reader.u16(os2 + 4))
            if try reader.u16(os2) >= 2 { capitalHeight = try reader.i16(os2 + 88) }
        } else {
            weightClass = 400
        }
        italicAngle = try tables["post"].map { post throws(FontError) in Double(try reader.i32(post.lowerBound + 4)) / 65536 } ?? 0

        let loca = table("loca"), glyf = tables["glyf"]!
        var offsets = [Int]()
        for index in 0...glyphCount {
            offsets.append(longOffsets ? Int(try reader.u32(loca + 4 * index)) : 2 * Int(try reader.u16(loca + 2 * index)))
        }
        var outlines = [Range<Int>]()
        for index in 0..<glyphCount {
            guard offsets[index] <= offsets[index + 1], offsets[index + 1] <= glyf.count else {
                throw .malformed(font: name, "loca points outside glyf at glyph \(index)")
            }
            outlines.append(glyf.lowerBound + offsets[index]..<glyf.lowerBound + offsets[index + 1])
        }
        self.outlines = outlines
        glyphOfScalar = try Self.characterMap(reader, at: table("cmap"), glyphCount: glyphCount)
        // A glyph's header: number of contours, then xMin, yMin, xMax, yMax.
        if capitalHeight == nil, let h = glyphOfScalar[UInt32(("H" as Unicode.Scalar).value)], outlines[Int(h)].count >= 10 {
            capitalHeight = try reader.i16(outlines[Int(h)].lowerBound + 8)
        }
        capHeight = capitalHeight ?? ascender
        let names = try tables["name"].map { range throws(FontError) in try Self.names(reader, at: range.lowerBound) } ?? [:]
        familyName = names[1] ?? name
        postScriptName = names[6] ?? familyName.filter { $0 != " " }
    }

    /// The glyph `scalar` is drawn with, nil when the font has none.
    public func glyph(for scalar: Unicode.Scalar) -> UInt16? { glyphOfScalar[scalar.value] }

    /// The first scalar of `text` the font has no glyph for.
    public func firstMissingScalar(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { glyph(for: $0) == nil }
    }

    /// Advance width of `glyph` in font units.
    public func advance(of glyph: UInt16) -> Int { Int(advances[Int(glyph)]) }

    /// Width of `text` in points at `size` points, one glyph a scalar (.notdef for a missing one).
    public func width(_ text: String, size: Double) -> Double {
        let units = text.unicodeScalars.reduce(0) { $0 + advance(of: glyph(for: $1) ?? 0) }
        return Double(units) * size / Double(unitsPerEm)
    }

    /// The outline bytes of `glyph` (empty for a glyph without contours).
    func outline(_ glyph: Int) -> ArraySlice<UInt8> { bytes[outlines[glyph]] }

    /// The bytes of table `tag`, nil when the font has none.
    func table(_ tag: String) -> ArraySlice<UInt8>? { tables[tag].map { bytes[$0] } }

    /// The glyphs a composite glyph is built from (none for a simple glyph).
    func components(of glyph: Int) -> [Int] {
        let data = outline(glyph)
        let start = data.startIndex
        guard data.count >= 10, Int16(bitPattern: UInt16(data[start]) << 8 | UInt16(data[start + 1])) < 0 else { return [] }
        var components = [Int]()
        var position = start + 10
        while position + 4 <= data.endIndex {
            let flags = Int(data[position]) << 8 | Int(data[position + 1])
            components.append(Int(data[position + 2]) << 8 | Int(data[position + 3]))
            position += 4 + (flags & 0x0001 != 0 ? 4 : 2)
            if flags & 0x0008 != 0 { position += 2 } else if flags & 0x0040 != 0 { position += 4 } else if flags & 0x0080 != 0 { position += 8 }
            if flags & 0x0020 == 0 { break }
        }
        return components.filter { $0 < glyphCount }
    }

    /// The Unicode map: the (3,10) or (0,4…6) format 12 subtable when there is one (all planes),
    /// else the (3,1) or (0,x) format 4 subtable (the Basic Multilingual Plane).
    private static func characterMap(_ reader: ByteReader, at cmap: Int, glyphCount: Int) throws(FontError) -> [UInt32: UInt16] {
        var format4: Int?, format12: Int?
        for index in 0..<Int(try reader.u16(cmap + 2)) {
            let record = cmap + 4 + 8 * index
            let platform = try reader.u16(record), encoding = try reader.u16(record + 2)
            guard platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10)) else { continue }
            let subtable = cmap + Int(try reader.u32(record + 4))
            switch try reader.u16(subtable) {
            case 4: format4 = format4 ?? subtable
            case 12: format12 = format12 ?? subtable
            default: continue
            }
        }
        var map = [UInt32: UInt16]()
        if let subtable = format12 {
            for group in 0..<Int(try reader.u32(subtable + 12)) {
                let record = subtable + 16 + 12 * group
                let first = try reader.u32(record), last = try reader.u32(record + 4), firstGlyph = try reader.u32(record + 8)
                guard first <= last, last <= 0x10FFFF else { throw .malformed(font: reader.font, "bad cmap format 12 group") }
                for scalar in first...last where firstGlyph + (scalar - first) < glyphCount {
                    map[scalar] = UInt16(firstGlyph + (scalar - first))
                }
            }
        } else if let subtable = format4 {
            let segments = Int(try reader.u16(subtable + 6)) / 2
            let ends = subtable + 14, starts = ends + 2 * segments + 2, deltas = starts + 2 * segments, rangeOffsets = deltas + 2 * segments
            for segment in 0..<segments {
                let last = try reader.u16(ends + 2 * segment), first = try reader.u16(starts + 2 * segment)
                let delta = try reader.u16(deltas + 2 * segment)
                let rangeOffsetAt = rangeOffsets + 2 * segment, rangeOffset = Int(try reader.u16(rangeOffsetAt))
                guard first <= last, first != 0xFFFF else { continue }
                for code in first...last {
                    var glyph: UInt16
                    if rangeOffset == 0 {
                        glyph = code &+ delta
                    } else {
                        glyph = try reader.u16(rangeOffsetAt + rangeOffset + 2 * Int(code - first))
                        if glyph != 0 { glyph = glyph &+ delta }
                    }
                    if glyph != 0, glyph < glyphCount { map[UInt32(code)] = glyph }
                }
            }
        } else {
            throw .malformed(font: reader.font, "no Unicode character map (cmap format 4 or 12)")
        }
        return map
    }

    /// Name ids 1 (family) and 6 (PostScript name): Windows US English first, then another
    /// Windows (UTF-16BE) name, then a Macintosh Roman one (read as ASCII).
    private static func names(_ reader: ByteReader, at name: Int) throws(FontError) -> [Int: String] {
        let strings = name + Int(try reader.u16(name + 4))
        var found = [Int: (rank: Int, text: String)]()
        for index in 0..<Int(try reader.u16(name + 2)) {
            let record = name + 6 + 12 * index
            let platform = try reader.u16(record), language = try reader.u16(record + 4), id = Int(try reader.u16(record + 6))
            guard id == 1 || id == 6, platform == 1 || platform == 3 else { continue }
            let rank = platform == 1 ? 0 : language == 0x0409 ? 2 : 1
            guard rank > found[id]?.rank ?? -1 else { continue }
            let bytes = try reader.slice(strings + Int(try reader.u16(record + 10)), Int(try reader.u16(record + 8)))
            let units = stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
            found[id] = (rank, platform == 3 ? String(decoding: units, as: UTF16.self) : String(decoding: bytes, as: UTF8.self))
        }
        return found.mapValues(\.text)
    }
}

/// Why a font could not be read.
public enum FontError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String)
    case malformed(font: String, String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read the font file \(path)"
        case .malformed(let font, let why): "the font \(font) cannot be used: \(why)"
        }
    }
}

/// Big-endian reads with bounds checks: a truncated or damaged font is a `FontError`, not a crash.
struct ByteReader {
    let bytes: [UInt8]
    let font: String

    func slice(_ offset: Int, _ count: Int) throws(FontError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset + count <= bytes.count else { throw .malformed(font: font, "truncated at byte \(offset)") }
        return Array(bytes[offset..<offset + count])
    }

    func u16(_ offset: Int) throws(FontError) -> UInt16 {
        let b = try slice(offset, 2)
        return UInt16(b[0]) << 8 | UInt16(b[1])
    }

    func i16(_ offset: Int) throws(FontError) -> Int { Int(Int16(bitPattern: try u16(offset))) }

    func u32(_ offset: Int) throws(FontError) -> UInt32 {
        let b = try slice(offset, 4)
        return b.reduce(0) { $0 << 8 | UInt32($1) }
    }

    func i32(_ offset: Int) throws(FontError) -> Int { Int(Int32(bitPattern: try u32(offset))) }
}
