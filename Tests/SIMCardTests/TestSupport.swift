import ByteText
import SIMCard

/// Bytes from hex text; a typo in a fixture is a test bug, so it traps.
func hex(_ text: String) -> [UInt8] {
    guard let bytes = Hex.bytes(text) else { preconditionFailure("bad hex fixture: \(text)") }
    return bytes
}

/// The `DecodeError` `body` threw; nil when it threw nothing or another error.
private func decodeError(_ body: () throws -> Void) -> DecodeError? {
    do { try body() } catch { return error as? DecodeError }
    return nil
}

/// Whether `body` threw `DecodeError.truncated`.
func failsTruncated(_ body: () throws -> Void) -> Bool {
    if case .truncated = decodeError(body) { return true }
    return false
}

/// Whether `body` threw `DecodeError.invalid`.
func failsInvalid(_ body: () throws -> Void) -> Bool {
    if case .invalid = decodeError(body) { return true }
    return false
}

/// Whether `body` threw `DecodeError.trailingBytes`.
func failsTrailing(_ body: () throws -> Void) -> Bool {
    if case .trailingBytes = decodeError(body) { return true }
    return false
}
