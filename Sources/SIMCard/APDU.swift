/// A command APDU (ISO/IEC 7816-4, short length fields only, as SIM cards use).
public struct CommandAPDU: Hashable, Sendable, Codable {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    /// Command data (Lc bytes); empty when the command has no body.
    public var data: [UInt8]
    /// Expected response length; `nil` when absent. 0 means 256 on the wire.
    public var le: UInt8?

    public init(cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], le: UInt8? = nil) {
        precondition(data.count <= 255, "short APDUs carry at most 255 data bytes")
        self.cla = cla; self.ins = ins; self.p1 = p1; self.p2 = p2; self.data = data; self.le = le
    }

    /// Parses case 1 to 4 short APDUs: header, then optional Lc+data, then optional Le.
    public init(parsing bytes: ArraySlice<UInt8>) throws(APDUParseError) {
        guard bytes.count >= 4 else { throw .truncated(needed: 4, got: bytes.count) }
        let b = Array(bytes)
        cla = b[0]; ins = b[1]; p1 = b[2]; p2 = b[3]
        switch b.count {
        case 4: data = []; le = nil
        case 5: data = []; le = b[4]
        default:
            let lc = Int(b[4])
            guard lc > 0 else { throw .malformed("Lc of 0 followed by more bytes") }
            switch b.count - 5 {
            case lc: data = Array(b[5...]); le = nil
            case lc + 1: data = Array(b[5..<(5 + lc)]); le = b[5 + lc]
            case let rest where rest < lc: throw .truncated(needed: 5 + lc, got: b.count)
            default: throw .trailingBytes(b.count - 6 - lc)
            }
        }
    }

    public var bytes: [UInt8] {
        var out: [UInt8] = [cla, ins, p1, p2]
        if !data.isEmpty { out.append(UInt8(data.count)); out += data }
        if let le { out.append(le) }
        return out
    }

    public var instruction: Instruction { Instruction(rawValue: ins) }
}

/// A response APDU: data followed by the two status bytes.
public struct ResponseAPDU: Hashable, Sendable, Codable {
    public var data: [UInt8]
    public var status: StatusWord

    public init(data: [UInt8], status: StatusWord) { self.data = data; self.status = status }

    public init(parsing bytes: ArraySlice<UInt8>) throws(APDUParseError) {
        guard bytes.count >= 2 else { throw .truncated(needed: 2, got: bytes.count) }
        data = Array(bytes.dropLast(2))
        status = StatusWord(sw1: bytes[bytes.endIndex - 2], sw2: bytes[bytes.endIndex - 1])
    }

    public var bytes: [UInt8] { data + [status.sw1, status.sw2] }
}

public enum APDUParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(needed: Int, got: Int)
    case trailingBytes(Int)
    case malformed(String)

    public var description: String {
        switch self {
        case .truncated(let needed, let got): "APDU truncated: needed \(needed) bytes, got \(got)"
        case .trailingBytes(let n): "APDU has \(n) unexpected trailing byte(s)"
        case .malformed(let why): "malformed APDU: \(why)"
        }
    }
}
