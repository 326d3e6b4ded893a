internal import CQRencode
import Foundation

/// A QR code symbol (ISO/IEC 18004) as a square matrix of dark and light modules, made by
/// libqrencode in 8-bit byte mode with error-correction level M (about 15 % of the symbol can be
/// lost: a scuffed label still scans, at a smaller symbol than level Q or H would need).
/// The smallest version that holds the data is chosen.
public struct QRCode: Sendable, Hashable {
    /// Symbol version, 1…40.
    public let version: Int
    /// Modules per side: 17 + 4 × version (the quiet zone around the symbol is not included).
    public let size: Int
    /// Row-major, `true` for a dark module.
    private let modules: [Bool]

    /// Encodes `bytes` exactly, in byte mode (`QRcode_encodeData`, level M, version chosen by
    /// libqrencode), and frees libqrencode's result (`QRcode_free`).
    public init(encoding bytes: [UInt8]) throws(QRCodeError) {
        let symbol = bytes.withUnsafeBufferPointer { buffer in
            QRcode_encodeData(Int32(buffer.count), buffer.baseAddress, 0, QR_ECLEVEL_M)
        }
        guard let symbol else { throw QRCodeError(function: "QRcode_encodeData", code: errno) }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        version = Int(symbol.pointee.version)
        size = width
        // libqrencode gives one byte per module; bit 0 set means dark (the other bits say which
        // part of the symbol the module belongs to).
        modules = (0..<width * width).map { symbol.pointee.data[$0] & 1 == 1 }
    }

    /// Encodes the UTF-8 bytes of `text` (see `init(encoding:)` for the bytes).
    public init(encoding text: String) throws(QRCodeError) {
        try self.init(encoding: Array(text.utf8))
    }

    /// Whether the module at `row`, `column` (0-based, from the top left) is dark.
    public subscript(row: Int, column: Int) -> Bool {
        precondition((0..<size).contains(row) && (0..<size).contains(column), "module \(row),\(column) is outside a \(size)×\(size) symbol")
        return modules[row * size + column]
    }

    /// The dark modules of each row as runs (`column`, `length`): one rectangle per run keeps a
    /// drawn symbol small.
    func darkRuns(row: Int) -> [(column: Int, length: Int)] {
        var runs = [(column: Int, length: Int)]()
        var column = 0
        while column < size {
            guard self[row, column] else { column += 1; continue }
            let start = column
            while column < size, self[row, column] { column += 1 }
            runs.append((start, column - start))
        }
        return runs
    }
}

/// libqrencode refused to encode: the C function and its errno.
public struct QRCodeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var function: String
    public var code: Int32

    public var description: String {
        let why = switch code {
        case ERANGE: "the data is too long for a QR code"
        case EINVAL: "the data is not valid for a QR code"
        case ENOMEM: "out of memory"
        default: String(cString: strerror(code))
        }
        return "\(function) failed: \(why)"
    }
}
