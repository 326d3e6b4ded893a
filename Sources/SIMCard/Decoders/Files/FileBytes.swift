import ByteText

/// Length checks shared by the elementary-file decoders in this folder.
enum FileBytes {
    /// `bytes` as an array, provided it holds exactly `length` bytes.
    static func exact(_ bytes: ArraySlice<UInt8>, _ length: Int, _ what: String) throws(DecodeError) -> [UInt8] {
        guard bytes.count >= length else { throw .truncated(what: what, needed: length, got: bytes.count) }
        guard bytes.count == length else { throw .trailingBytes(what: what, count: bytes.count - length) }
        return Array(bytes)
    }

    /// `bytes` as an array, provided it holds at least `length` bytes.
    static func atLeast(_ bytes: ArraySlice<UInt8>, _ length: Int, _ what: String) throws(DecodeError) -> [UInt8] {
        guard bytes.count >= length else { throw .truncated(what: what, needed: length, got: bytes.count) }
        return Array(bytes)
    }

    /// Hex of a field, or nil when every byte is FF (the erased value).
    static func hexUnlessErased(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.allSatisfy { $0 == 0xFF } ? nil : Hex.string(bytes)
    }

    static func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}
