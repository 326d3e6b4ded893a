/// Why bytes read from a card could not be decoded. Decoding never replaces the raw bytes:
/// callers keep the bytes and record this error beside them.
public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(what: String, needed: Int, got: Int)
    case trailingBytes(what: String, count: Int)
    case invalid(what: String, why: String)

    public var description: String {
        switch self {
        case .truncated(let what, let needed, let got): "\(what) truncated: needed \(needed) bytes, got \(got)"
        case .trailingBytes(let what, let count): "\(what) has \(count) unexpected trailing byte(s)"
        case .invalid(let what, let why): "\(what) invalid: \(why)"
        }
    }
}
