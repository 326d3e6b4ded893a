import ByteText

/// A JSON value restricted to what the ledger stores, with one canonical byte encoding.
///
/// The canonical form is the RFC 8785 (JCS) serialisation of the value, restricted to
/// integers: object members sorted by the UTF-16 code units of their names, no whitespace,
/// strings escaped minimally (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other characters below
/// U+0020 as `\u00xx` with lowercase hex, everything else as raw UTF-8), integers in plain
/// decimal within ±(2^53−1), `true`, `false`, `null`. No floating-point numbers.
public enum CanonicalJSON: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// The largest magnitude an integer may have (2^53−1), so every JSON reader agrees on it.
    public static let maxInteger: Int64 = 9_007_199_254_740_991

    /// The canonical bytes of this value.
    public var canonicalBytes: [UInt8] {
        var out = [UInt8]()
        CanonicalJSON.encode(self, into: &out)
        return out
    }

    /// The member named `key` when this is an object.
    public subscript(key: String) -> CanonicalJSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The string when this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer when this is an integer.
    public var integerValue: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    /// The elements when this is an array.
    public var arrayValue: [CanonicalJSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The members when this is an object.
    public var objectValue: [String: CanonicalJSON]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// Parses one JSON value (RFC 8259, integers only) filling all of `bytes`.
    /// Accepts non-canonical spellings; compare `canonicalBytes` to the input to demand
    /// canonical form.
    public init(parsing bytes: some Collection<UInt8>) throws(CanonicalJSONError) {
        var p = JSONParser(Array(bytes))
        let v = try p.value(depth: 0)
        p.skipWhitespace()
        guard p.pos == p.b.count else { throw .trailingBytes(offset: p.pos) }
        self = v
    }

    /// Parses `bytes` and demands that they are exactly the canonical encoding of the value.
    public init(parsingCanonical bytes: some Collection<UInt8>) throws(CanonicalJSONError) {
        let arr = Array(bytes)
        let v = try CanonicalJSON(parsing: arr)
        guard v.canonicalBytes == arr else { throw .notCanonical }
        self = v
    }

    static func sortedKeys(_ o: [String: CanonicalJSON]) -> [String] {
        o.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
    }

    static func encode(_ v: CanonicalJSON, into out: inout [UInt8]) {
        switch v {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): out.append(contentsOf: String(i).utf8)
        case .string(let s): encodeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, e) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                encode(e, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, k) in sortedKeys(o).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                encodeString(k, into: &out)
                out.append(UInt8(ascii: ":"))
                encode(o[k]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Whether UTF-8 byte `c` is written escaped inside a string: `"`, `\` and control characters.
    private static func needsEscape(_ c: UInt8) -> Bool { c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") }

    /// `s` as a JSON string. Most strings (labels, hashes, times) need no escape and are copied
    /// whole; encoding every entry again proves each parsed entry canonical, so this runs for
    /// every string of every entry read.
    static func encodeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if !s.utf8.contains(where: needsEscape) {
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for c in s.utf8 {
            let escaped: UInt8? = switch c {
            case UInt8(ascii: "\""): UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): UInt8(ascii: "\\")
            case 0x08: UInt8(ascii: "b")
            case 0x09: UInt8(ascii: "t")
            case 0x0A: UInt8(ascii: "n")
            case 0x0C: UInt8(ascii: "f")
            case 0x0D: UInt8(ascii: "r")
            default: nil
            }
            if let escaped {
                out.append(UInt8(ascii: "\\"))
                out.append(escaped)
            } else if c < 0x20 {
                out.append(contentsOf: "\\u00".utf8)
                out.append(hexDigits[Int(c >> 4)])
                out.append(hexDigits[Int(c & 0xF)])
            } else {
                out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Why bytes are not an acceptable ledger JSON value.
public enum CanonicalJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    case unexpectedEnd
    case unexpectedByte(UInt8, offset: Int)
    case trailingBytes(offset: Int)
    case invalidUTF8(offset: Int)
    case invalidEscape(offset: Int)
    case controlCharacterInString(offset: Int)
    case nonIntegerNumber(offset: Int)
    case integerOutOfRange(offset: Int)
    case duplicateKey(String)
    case tooDeep
    case notCanonical

    public var description: String {
        switch self {
        case .unexpectedEnd: "JSON ends too early"
        case .unexpectedByte(let b, let o): "unexpected byte 0x\(Hex.lowercase([b])) at offset \(o)"
        case .trailingBytes(let o): "bytes after the JSON value at offset \(o)"
        case .invalidUTF8(let o): "invalid UTF-8 in string at offset \(o)"
        case .invalidEscape(let o): "invalid escape in string at offset \(o)"
        case .controlCharacterInString(let o): "unescaped control character in string at offset \(o)"
        case .nonIntegerNumber(let o): "number at offset \(o) is not an integer (floats are not allowed)"
        case .integerOutOfRange(let o): "integer at offset \(o) is outside ±(2^53−1)"
        case .duplicateKey(let k): "duplicate object key \"\(k)\""
        case .tooDeep: "JSON nested deeper than 64 levels"
        case .notCanonical: "JSON is not in canonical form"
        }
    }
}

struct JSONParser {
    let b: [UInt8]
    var pos = 0
    static let maxDepth = 64

    init(_ bytes: [UInt8]) { b = bytes }

    mutating func skipWhitespace() {
        while pos < b.count, b[pos] == 0x20 || b[pos] == 0x09 || b[pos] == 0x0A || b[pos] == 0x0D { pos += 1 }
    }

    mutating func expect(_ literal: String) throws(CanonicalJSONError) {
        for c in literal.utf8 {
            guard pos < b.count else { throw .unexpectedEnd }
            guard b[pos] == c else { throw .unexpectedByte(b[pos], offset: pos) }
            pos += 1
        }
    }

    mutating func value(depth: Int) throws(CanonicalJSONError) -> CanonicalJSON {
        guard depth < JSONParser.maxDepth else { throw .tooDeep }
        skipWhitespace()
        guard pos < b.count else { throw .unexpectedEnd }
        switch b[pos] {
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try integer())
        case UInt8(ascii: "["):
            pos += 1
            var items = [CanonicalJSON]()
            skipWhitespace()
            if pos < b.count, b[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                guard pos < b.count else { throw .unexpectedEnd }
                if b[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if b[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                throw .unexpectedByte(b[pos], offset: pos)
            }
        case UInt8(ascii: "{"):
            pos += 1
            var members = [String: CanonicalJSON]()
            skipWhitespace()
            if pos < b.count, b[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard pos < b.count else { throw .unexpectedEnd }
                guard b[pos] == UInt8(ascii: "\"") else { throw .unexpectedByte(b[pos], offset: pos) }
                let key = try string()
                skipWhitespace()
                try expect(":")
                let v = try value(depth: depth + 1)
                guard members.updateValue(v, forKey: key) == nil else { throw .duplicateKey(key) }
                skipWhitespace()
                guard pos < b.count else { throw .unexpectedEnd }
                if b[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if b[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
                throw .unexpectedByte(b[pos], offset: pos)
            }
        default:
            throw .unexpectedByte(b[pos], offset: pos)
        }
    }

    mutating func integer() throws(CanonicalJSONError) -> Int64 {
        let start = pos
        var negative = false
        if b[pos] == UInt8(ascii: "-") { negative = true; pos += 1 }
        guard pos < b.count else { throw .unexpectedEnd }
        guard b[pos] >= UInt8(ascii: "0"), b[pos] <= UInt8(ascii: "9") else { throw .unexpectedByte(b[pos], offset: pos) }
        var magnitude: Int64 = 0
        if b[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < b.count, b[pos] >= UInt8(ascii: "0"), b[pos] <= UInt8(ascii: "9") {
                magnitude = magnitude * 10 + Int64(b[pos] - UInt8(ascii: "0"))
                guard magnitude <= CanonicalJSON.maxInteger else { throw .integerOutOfRange(offset: start) }
                pos += 1
            }
        }
        if pos < b.count, b[pos] == UInt8(ascii: ".") || b[pos] == UInt8(ascii: "e") || b[pos] == UInt8(ascii: "E") {
            throw .nonIntegerNumber(offset: start)
        }
        return negative ? -magnitude : magnitude
    }

    mutating func hex4() throws(CanonicalJSONError) -> UInt16 {
        guard pos + 4 <= b.count else { throw .unexpectedEnd }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let c = b[pos]
            let d: UInt16
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt16(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt16(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt16(c - UInt8(ascii: "A") + 10)
            default: throw .invalidEscape(offset: pos)
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    mutating func string() throws(CanonicalJSONError) -> String {
        let start = pos
        pos += 1  // opening quote
        // Most strings hold no escape: their bytes are the string, taken whole.
        var plain = pos
        while plain < b.count, b[plain] != UInt8(ascii: "\""), b[plain] != UInt8(ascii: "\\"), b[plain] >= 0x20 { plain += 1 }
        if plain < b.count, b[plain] == UInt8(ascii: "\"") {
            guard let s = String(validating: b[pos..<plain], as: UTF8.self) else { throw .invalidUTF8(offset: start) }
            pos = plain + 1
            return s
        }
        var buf = Array(b[pos..<plain])
        pos = plain
        while true {
            guard pos < b.count else { throw .unexpectedEnd }
            let c = b[pos]
            if c == UInt8(ascii: "\"") { pos += 1; break }
            if c < 0x20 { throw .controlCharacterInString(offset: pos) }
            if c != UInt8(ascii: "\\") { buf.append(c); pos += 1; continue }
            pos += 1
            guard pos < b.count else { throw .unexpectedEnd }
            let e = b[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): buf.append(0x22)
            case UInt8(ascii: "\\"): buf.append(0x5C)
            case UInt8(ascii: "/"): buf.append(0x2F)
            case UInt8(ascii: "b"): buf.append(0x08)
            case UInt8(ascii: "f"): buf.append(0x0C)
            case UInt8(ascii: "n"): buf.append(0x0A)
            case UInt8(ascii: "r"): buf.append(0x0D)
            case UInt8(ascii: "t"): buf.append(0x09)
            case UInt8(ascii: "u"):
                let escAt = pos - 2
                var scalar = UInt32(try hex4())
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard pos + 2 <= b.count, b[pos] == UInt8(ascii: "\\"), b[pos + 1] == UInt8(ascii: "u") else {
                        throw .invalidEscape(offset: escAt)
                    }
                    pos += 2
                    let low = UInt32(try hex4())
                    guard low >= 0xDC00 && low < 0xE000 else { throw .invalidEscape(offset: escAt) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw .invalidEscape(offset: escAt)
                }
                guard let u = Unicode.Scalar(scalar) else { throw .invalidEscape(offset: escAt) }
                buf += Array(String(Character(u)).utf8)
            default:
                throw .invalidEscape(offset: pos - 2)
            }
        }
        guard let s = String(validating: buf, as: UTF8.self) else { throw .invalidUTF8(offset: start) }
        return s
    }
}
